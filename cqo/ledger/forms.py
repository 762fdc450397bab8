from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cqo.lib.forms import BootstrapForm

MAX_BUNDLE_BYTES = 1024 * 1024


class VerifyForm(BootstrapForm):
    """A bundle pasted or uploaded; ``cleaned_data["parsed"]`` is its JSON."""

    bundle = forms.CharField(
        label=_("学时证明（JSON）"),
        required=False,
        max_length=MAX_BUNDLE_BYTES,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=_("粘贴学时证明 JSON 文件的全部内容"),
    )
    bundle_file = forms.FileField(
        label=_("或上传学时证明文件"),
        required=False,
        help_text=_("JSON 文件，不超过 1 MB"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("bundle") or "").strip()
        upload = data.get("bundle_file")
        if upload is not None and not self.has_error("bundle_file"):
            if upload.size > MAX_BUNDLE_BYTES:
                self.add_error("bundle_file", _("文件不得超过 1 MB"))
                return data
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("bundle_file", _("文件不是 UTF-8 编码的 JSON"))
                return data
            field = "bundle_file"
        else:
            field = "bundle"
        if not text:
            if not self.errors:
                raise ValidationError(_("请粘贴或上传学时证明"))
            return data
        try:
            data["parsed"] = json.loads(text)
        except ValueError:
            self.add_error(field, _("不是有效的 JSON"))
        return data
