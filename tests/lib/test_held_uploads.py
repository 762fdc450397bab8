"""A form keeps an uploaded file across a rejected submission (cqo.lib.forms.HoldsUploads):
the next submission uses it unless another file is chosen; a token that names anything but a
held file is ignored; held files older than a day are removed."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from cqo.lib.forms import HELD_SUFFIX, BootstrapForm, HoldsUploads


class Form(HoldsUploads, BootstrapForm):
    title = forms.CharField(max_length=10)
    scan = forms.FileField()


@pytest.fixture(autouse=True)
def held(settings: Any, tmp_path: Path) -> Path:
    settings.CQO_HELD_UPLOADS_DIR = tmp_path / "held"
    return tmp_path / "held"


def pdf(body: bytes = b"one") -> SimpleUploadedFile:
    return SimpleUploadedFile("扫描件 1.pdf", b"%PDF-1.4\n" + body, content_type="application/pdf")


def test_a_file_chosen_once_survives_the_error_and_is_used_next_time() -> None:
    first = Form({"title": ""}, MultiValueDict({"scan": [pdf()]}))
    assert not first.is_valid() and "title" in first.errors
    token = first.data["scan" + HELD_SUFFIX]
    assert "已保留上次选择的文件" in str(first.fields["scan"].help_text)
    second = Form({"title": "ok", "scan" + HELD_SUFFIX: token}, MultiValueDict())
    assert second.is_valid(), second.errors
    assert second.cleaned_data["scan"].read() == b"%PDF-1.4\none"
    # a new file replaces the held one
    third = Form(
        {"title": "ok", "scan" + HELD_SUFFIX: token}, MultiValueDict({"scan": [pdf(b"two")]})
    )
    assert third.is_valid() and third.cleaned_data["scan"].read().endswith(b"two")


@pytest.mark.parametrize(
    "token",
    ["", "../../etc/passwd", "0" * 32 + "/../x", "g" * 32 + "/a.pdf", "0" * 32 + "/missing.pdf"],
)
def test_a_token_that_names_no_held_file_is_ignored(token: str) -> None:
    form = Form({"title": "ok", "scan" + HELD_SUFFIX: token}, MultiValueDict())
    assert not form.is_valid() and "scan" in form.errors
    assert form.data["scan" + HELD_SUFFIX] == ""


def test_held_files_older_than_a_day_are_removed(held: Path) -> None:
    Form({"title": ""}, MultiValueDict({"scan": [pdf()]})).is_valid()
    old = next(held.iterdir())
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    Form({"title": ""}, MultiValueDict({"scan": [pdf()]})).is_valid()
    assert not old.exists() and len(list(held.iterdir())) == 1
