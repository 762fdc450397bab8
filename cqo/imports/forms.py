from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cqo.imports.legacy.catalogue import KINDS
from cqo.imports.legacy.models import LegacyFile
from cqo.imports.models import EnterpriseList
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.reference.models import Region


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("名录文件"),
        help_text=_("xlsx、xls、ods 或 csv（UTF-8 或 GB18030），表头见模板"),
    )
    as_of = forms.DateField(
        label=_("名录截止日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[dates.EVENT],
    )
    region = forms.CharField(
        label=_("名录所属行政区划代码"),
        max_length=max_length(Region, "code"),
        required=False,
        help_text=_("默认为本单位辖区"),
    )
    reference_year = forms.IntegerField(
        label=_("规上认定参考年度"),
        required=False,
        min_value=1949,
        max_value=2100,
        help_text=_("默认为截止日期所在年度"),
    )
    mode = forms.ChoiceField(
        label=_("导入方式"),
        choices=EnterpriseList.Mode.choices,
        initial=EnterpriseList.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "mode":
                field.widget.attrs.setdefault("class", "form-control form-control-sm")


def legacy_kinds() -> list[tuple[str, str]]:
    """The kinds of archive file the migration reads so far, by their Chinese names."""
    return [(k, str(label)) for k, label in LegacyFile.Kind.choices if k in KINDS]


class LegacyForm(forms.Form):
    """An archive file to migrate: its kind (those the migration reads), the file, a dry run
    first by default, and what to do with a file that has wrong rows."""

    kind = forms.ChoiceField(
        label=_("数据类别"),
        choices=legacy_kinds,
        initial=LegacyFile.Kind.PERSONS,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    file = forms.FileField(
        label=_("历史数据文件"),
        help_text=_("xlsx、xls、ods 或 csv（UTF-8 或 GB18030），表头见各类模板"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm"}),
    )
    dry_run = forms.BooleanField(
        label=_("仅检查不写入"),
        required=False,
        initial=True,
        help_text=_("先检查整个文件并给出错误报告，不写入任何数据；检查无误后可按此文件正式导入"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    mode = forms.ChoiceField(
        label=_("导入方式"),
        choices=LegacyFile.Mode.choices,
        initial=LegacyFile.Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
