"""Data files and uploads are the platform account's alone: folders 0700, files 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from cqo.lib.private import private_dir, private_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    # what a shell usually has: new files 0644, new folders 0755
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.usefixtures("loose_umask")
def test_it_creates_a_private_folder_and_narrows_an_open_one(tmp_path: Path) -> None:
    made = private_dir(tmp_path / "a" / "data")
    assert mode(made) == 0o700
    opened = tmp_path / "open"
    opened.mkdir(mode=0o755)
    assert mode(private_dir(opened)) == 0o700


@pytest.mark.usefixtures("loose_umask")
def test_it_creates_a_private_file_and_narrows_an_open_one(tmp_path: Path) -> None:
    made = private_file(tmp_path / "db" / "cqo.sqlite3")
    assert made.read_bytes() == b""
    assert mode(made) == 0o600
    assert mode(made.parent) == 0o700
    opened = tmp_path / "open.sqlite3"
    opened.write_bytes(b"kept")
    opened.chmod(0o644)
    assert mode(private_file(opened)) == 0o600
    assert opened.read_bytes() == b"kept"  # never truncated


def test_the_data_directory_is_private() -> None:
    assert mode(Path(settings.DATA_DIR)) == 0o700
    database = Path(settings.DATA_DIR) / "cqo.sqlite3"
    if database.exists():
        assert mode(database) == 0o600


@pytest.mark.usefixtures("loose_umask")
def test_it_stores_uploads_readable_by_the_platform_alone(tmp_path: Path) -> None:
    # the default storage of every app's uploads, which takes its modes from the settings
    storage = FileSystemStorage(location=tmp_path / "media")
    name = storage.save("authorisations/2026/scan.png", ContentFile(b"\x89PNG\r\n"))
    path = Path(storage.path(name))
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(path.parent.parent) == 0o700
