from __future__ import annotations

import datetime as dt
import mimetypes
import re
import secrets
import shutil
import time
from pathlib import Path, PurePath
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's field errors beside the form's fields; the rest go on top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, messages in exc.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            if target is None and field not in ("__all__",):
                label = field
                form.add_error(None, f"{label}: {message}")
            else:
                form.add_error(target, message)


class BootstrapForm(forms.Form):
    """Gives every widget its Bootstrap class, so templates render fields plainly."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                widget.attrs["class"] = "form-check-input"
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


HELD_SUFFIX = "__held"
# a held upload: a random token and the file's own (sanitised) name
_HELD = re.compile(r"^[0-9a-f]{32}/[^/\\]{1,120}$")
HELD_MAX_AGE = dt.timedelta(days=1)  # platform default: a held file outlives its form a day
HELD_SWEEP = 200  # at most this many stale holdings removed per upload


def held_dir() -> Path:
    return Path(settings.CQO_HELD_UPLOADS_DIR)


class HoldsUploads(forms.Form):
    """An uploaded file survives a rejected submission: each file the form receives is kept
    aside (outside the media root, never served) under a random token carried in a hidden field
    ``<name>__held``, so the page shown again with its errors says the file is kept and the next
    submission uses it unless another file is chosen. Held files older than a day are removed.
    The file is checked again, like a new upload, wherever it is finally stored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.file_fields = [n for n, f in self.fields.items() if isinstance(f, forms.FileField)]
        for name in self.file_fields:
            self.fields[name + HELD_SUFFIX] = forms.CharField(
                required=False, max_length=160, widget=forms.HiddenInput
            )

    def full_clean(self) -> None:
        if self.is_bound and self.file_fields:
            self.files = cast(Any, self.files).copy()  # request.FILES and POST are read-only
            self.data = cast(Any, self.data).copy()
            for name in self.file_fields:
                upload = cast("UploadedFile | None", self.files.get(name))
                if upload and (upload.size or 0) <= settings.CQO_UPLOAD_MAX_DOCUMENT_BYTES:
                    self._hold(name)
                elif not upload:
                    self._use_held(name)
        super().full_clean()

    def _hold(self, name: str) -> None:
        upload = cast(UploadedFile, self.files[name])
        own = get_valid_filename(PurePath(str(upload.name)).name)[-120:]
        token = f"{secrets.token_hex(16)}/{own}"
        path = held_dir() / token
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        upload.seek(0)
        cast(Any, self.data)[name + HELD_SUFFIX] = token
        self._say_kept(name, path.name)
        _sweep()

    def _use_held(self, name: str) -> None:
        token = str(self.data.get(name + HELD_SUFFIX) or "")
        path = held_dir() / token
        if not _HELD.match(token) or not path.is_file():
            cast(Any, self.data)[name + HELD_SUFFIX] = ""
            return
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        cast(Any, self.files)[name] = SimpleUploadedFile(
            path.name, path.read_bytes(), content_type=kind
        )
        self._say_kept(name, path.name)

    def _say_kept(self, name: str, filename: str) -> None:
        field = self.fields[name]
        kept = _("已保留上次选择的文件：%(name)s（无需重新选择；重新选择则替换）") % {
            "name": filename
        }
        field.help_text = f"{field.help_text} {kept}".strip() if field.help_text else kept


def _sweep() -> None:
    """Remove held files older than HELD_MAX_AGE, a bounded number at a time."""
    root = held_dir()
    cutoff = time.time() - HELD_MAX_AGE.total_seconds()
    for removed, folder in enumerate(p for p in root.iterdir() if p.is_dir()):
        if removed >= HELD_SWEEP:
            break
        try:
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:
            continue
