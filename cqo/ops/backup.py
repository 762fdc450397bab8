"""Backup and restore of the platform's data: the database and the media directory.

An archive is one tar.gz holding:

- ``manifest.json`` — format, creation time, database vendor, the applied migrations, and the
  SHA-256 and size of each part;
- ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite:
  a consistent copy made with SQLite's online backup API while the platform runs);
- ``media.tar`` — the uploaded files (MEDIA_ROOT): evidence, imported lists, reports.

Secrets are not in it: the keys (DJANGO_SECRET_KEY, CQO_DATA_KEY, CQO_HASH_KEY, CQO_LEDGER_KEY,
CQO_SM4_KEY, CQO_SM2_KEY, CQO_AUDIT_KEY or ``secrets.json``) are kept apart, and without the same
data keys a restored database's personal data cannot be read, nor its audit trail's hash chain
verified. Restoring refuses an archive whose manifest
does not match it (a different database vendor, a part whose checksum differs, migrations this
code does not know).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

FORMAT = "cqo-backup/1"
MANIFEST = "manifest.json"
MEDIA = "media.tar"
DATABASE = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


@dataclass(frozen=True)
class Summary:
    path: Path
    vendor: str
    migrations: int
    media_files: int
    bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _connection() -> Any:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor not in DATABASE:
        raise ValidationError(_("不支持的数据库：%(vendor)s") % {"vendor": connection.vendor})
    return connection


def _pg_env(params: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump / pg_restore from Django's settings; the password goes
    through the environment, never the command line (visible in the process list)."""
    args = []
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    sslmode = (params.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise ValidationError(
            _("%(program)s 失败：%(error)s")
            % {"program": command[0], "error": done.stderr.strip()[-2000:]}
        )


def _dump_database(connection: Any, target: Path) -> None:
    params = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_env(params)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                *args,
                "--file",
                str(target),
                "--dbname",
                str(params["NAME"]),
            ],
            env,
        )
        return
    source = sqlite3.connect(str(params["NAME"]))
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _applied_migrations(connection: Any) -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def backup_create(*, path: Path) -> Summary:
    """Writes an archive of the database and the media directory to ``path``."""
    connection = _connection()
    vendor = connection.vendor
    media_root = Path(settings.MEDIA_ROOT)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cqo-backup-", dir=path.parent) as tmp:
        work = Path(tmp)
        db_part = work / DATABASE[vendor]
        _dump_database(connection, db_part)
        media_files = 0
        with tarfile.open(work / MEDIA, "w") as media:
            if media_root.is_dir():
                for file in sorted(media_root.rglob("*")):
                    if file.is_file() and not file.is_symlink():
                        media.add(file, arcname=str(file.relative_to(media_root)))
                        media_files += 1
        parts = {
            name: {"sha256": _sha256(work / name), "bytes": (work / name).stat().st_size}
            for name in (db_part.name, MEDIA)
        }
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "vendor": vendor,
            "migrations": _applied_migrations(connection),
            "media_files": media_files,
            "parts": parts,
            "secrets_included": False,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            for name in (MANIFEST, db_part.name, MEDIA):
                archive.add(work / name, arcname=name)
        # personal data (encrypted or not) is in it: readable by the platform's user only
        partial.chmod(0o600)
        # an interrupted backup never leaves a truncated archive under the final name
        partial.replace(path)
    return Summary(
        path=path,
        vendor=vendor,
        migrations=len(manifest["migrations"]),
        media_files=media_files,
        bytes=path.stat().st_size,
    )


def _read_manifest(work: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(_("备份文件缺少有效的清单（manifest.json）")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValidationError(_("不是本平台的备份文件（清单格式不符）"))
    return manifest


def backup_check(*, work: Path, connection: Any) -> dict[str, Any]:
    """The manifest of an unpacked archive, once it is known to fit this platform: same
    database vendor, every part present with its checksum, no migration this code lacks."""
    manifest = _read_manifest(work)
    if manifest.get("vendor") != connection.vendor:
        raise ValidationError(
            _("备份来自 %(theirs)s 数据库，当前数据库是 %(ours)s，不能恢复")
            % {"theirs": manifest.get("vendor"), "ours": connection.vendor}
        )
    expected = {DATABASE[connection.vendor], MEDIA}
    parts = manifest.get("parts") or {}
    if set(parts) != expected:
        raise ValidationError(_("备份清单列出的部分不完整"))
    for name in sorted(expected):
        part = work / name
        if not part.is_file() or _sha256(part) != parts[name].get("sha256"):
            raise ValidationError(_("备份文件已损坏：%(part)s 的校验值与清单不符") % {"part": name})
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{a}.{n}" for a, n in manifest.get("migrations", []) if (a, n) not in known]
    if unknown:
        raise ValidationError(
            _("备份包含本版本没有的迁移（%(names)s），请用较新版本的平台恢复")
            % {"names": ", ".join(unknown[:5])}
        )
    return manifest


def _unpack(archive_path: Path, work: Path) -> None:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            names = set(archive.getnames())
            wanted = {MANIFEST, MEDIA, *DATABASE.values()} & names
            for name in wanted:
                archive.extract(name, work, filter="data")
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise ValidationError(
            _("无法读取备份文件：%(error)s") % {"error": str(exc) or type(exc).__name__}
        ) from exc


def _restore_database(connection: Any, part: Path) -> None:
    params = connection.settings_dict
    # our own connection must not hold locks on the tables being replaced
    connection.close()
    if connection.vendor == "postgresql":
        args, env = _pg_env(params)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                "--dbname",
                str(params["NAME"]),
                str(part),
            ],
            env,
        )
        return
    source = sqlite3.connect(str(part))
    target = sqlite3.connect(str(params["NAME"]), timeout=30)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_media(part: Path) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(prefix=".media-restore-", dir=media_root.parent))
    with tarfile.open(part, "r") as media:
        members = [m for m in media.getmembers() if m.isfile()]
        media.extractall(incoming, members=members, filter="data")
    old = media_root.with_name(f".{media_root.name}-replaced")
    if old.exists():
        shutil.rmtree(old)
    if media_root.exists():
        media_root.rename(old)
    incoming.rename(media_root)
    if old.exists():
        shutil.rmtree(old)
    return len(members)


def backup_restore(*, path: Path) -> Summary:
    """Replaces the database and the media directory with those of the archive at ``path``."""
    connection = _connection()
    path = Path(path)
    if not path.is_file():
        raise ValidationError(_("备份文件不存在：%(path)s") % {"path": path})
    with tempfile.TemporaryDirectory(prefix="cqo-restore-") as tmp:
        work = Path(tmp)
        _unpack(path, work)
        manifest = backup_check(work=work, connection=connection)
        _restore_database(connection, work / DATABASE[connection.vendor])
        media_files = _restore_media(work / MEDIA)
    return Summary(
        path=path,
        vendor=connection.vendor,
        migrations=len(manifest["migrations"]),
        media_files=media_files,
        bytes=path.stat().st_size,
    )
