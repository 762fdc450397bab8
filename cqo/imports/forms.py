from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
