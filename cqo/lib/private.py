"""Files and folders only the platform's own account may read: the data directory holds the
database, the generated keys and the uploaded scans and photos, all personal data (SPEC §10;
GB/T 22239-2019 8.1.4.4 access control of important data).

Created 0700 (folders) and 0600 (files) whatever the process's umask; an existing one that others
may read is narrowed when the platform owns it (one it does not own is the operator's choice and
is left as it is)."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def _narrow(path: Path, mode: int) -> None:
    info = path.stat()
    if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & ~mode:
        path.chmod(mode)


def private_dir(path: Path) -> Path:
    """``path`` as a folder only its owner may enter (parents are made as usual)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=DIR_MODE)
    _narrow(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """``path`` as a file only its owner may read, created empty when missing (SQLite takes an
    empty file as a new database and gives its journal files the same mode)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    _narrow(path, FILE_MODE)
    return path
