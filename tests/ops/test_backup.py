"""manage.py backup / restore: the data comes back exactly; a damaged or foreign archive is
refused and changes nothing.

The archive is restored into the test database itself (pg_restore --clean, or SQLite's backup
API), so these tests commit for real (transactional_db): the restore's own connection must see
the data, and the test's transaction must not hold locks on the tables being replaced.
serialized_rollback gives each test the migrated reference data back after the teardown flush.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cqo.accounts.models import User
from cqo.audit.models import AuditEntry
from cqo.ops import backup
from cqo.registry import services
from cqo.registry.models import Enterprise
from cqo.test import build_personas, enterprise_data, new_uscc

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    (root / "imports" / "2026").mkdir(parents=True)
    (root / "imports" / "2026" / "list.xlsx").write_bytes(b"PK\x03\x04 enterprise list")
    (root / "evidence.pdf").write_bytes(b"%PDF-1.7 evidence \x00\xff")
    settings.MEDIA_ROOT = str(root)
    return root


def snapshot(media_root: Path) -> dict[str, Any]:
    return {
        "enterprises": list(Enterprise.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "audit": list(AuditEntry.objects.order_by("pk").values_list("pk", "action", "target_id")),
        "media": {
            str(p.relative_to(media_root)): p.read_bytes()
            for p in sorted(media_root.rglob("*"))
            if p.is_file()
        },
    }


def rewrite(archive: Path, target: Path, change: Any) -> Path:
    """A copy of the archive with its members passed through ``change(name, bytes)``."""
    with tarfile.open(archive, "r:gz") as src:
        members = {m.name: src.extractfile(m).read() for m in src.getmembers()}  # type: ignore[union-attr]
    with tarfile.open(target, "w:gz") as dst:
        for name, data in members.items():
            data = change(name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return target


def test_it_restores_the_data_exactly(media: Path, tmp_path: Path) -> None:
    personas = build_personas()
    before = snapshot(media)
    assert len(before["enterprises"]) == 2 and len(before["media"]) == 2
    archive = tmp_path / "backups" / "cqo.tar.gz"

    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert "Secrets are not in the archive" in out.getvalue()

    # change, add and delete, in the database and in the media files
    Enterprise.objects.filter(pk=personas.enterprise_a.pk).update(name="改名后的企业")
    services.enterprise_create(
        actor=personas.province,
        details=services.EnterpriseDetails(**enterprise_data(uscc=new_uscc())),
    )
    User.objects.filter(pk=personas.trainer.pk).delete()
    (media / "evidence.pdf").unlink()
    (media / "later.txt").write_text("written after the backup")
    assert snapshot(media) != before

    out = io.StringIO()
    call_command("restore", str(archive), interactive=False, stdout=out)
    assert "Restored the " + connection.vendor in out.getvalue()
    assert snapshot(media) == before


def test_it_writes_a_manifest_with_vendor_migrations_and_checksums(
    media: Path, tmp_path: Path
) -> None:
    summary = backup.backup_create(path=tmp_path / "a.tar.gz")
    with tarfile.open(summary.path, "r:gz") as archive:
        names = archive.getnames()
        manifest = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]
    db_part = backup.DATABASE[connection.vendor]
    assert sorted(names) == sorted(["manifest.json", db_part, "media.tar"])
    assert manifest["vendor"] == connection.vendor
    assert manifest["secrets_included"] is False
    assert ["registry", "0001_initial"] in manifest["migrations"]
    assert set(manifest["parts"]) == {db_part, "media.tar"}
    assert all(len(p["sha256"]) == 64 for p in manifest["parts"].values())
    assert manifest["media_files"] == summary.media_files == 2


def test_it_refuses_a_corrupted_archive_and_changes_nothing(media: Path, tmp_path: Path) -> None:
    build_personas()
    archive = backup.backup_create(path=tmp_path / "good.tar.gz").path
    db_part = backup.DATABASE[connection.vendor]

    def flip(name: str, data: bytes) -> bytes:
        if name != db_part:
            return data
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]

    bad = rewrite(archive, tmp_path / "bad.tar.gz", flip)
    Enterprise.objects.update(name="备份之后的名称")
    after = snapshot(media)
    with pytest.raises(CommandError, match=f"{db_part} 的校验值与清单不符"):
        call_command("restore", str(bad), interactive=False)
    assert snapshot(media) == after


def test_it_refuses_an_archive_of_another_database_vendor(media: Path, tmp_path: Path) -> None:
    archive = backup.backup_create(path=tmp_path / "good.tar.gz").path
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"

    def vendor(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), "vendor": other}).encode()

    foreign = rewrite(archive, tmp_path / "foreign.tar.gz", vendor)
    with pytest.raises(CommandError, match=f"备份来自 {other} 数据库"):
        call_command("restore", str(foreign), interactive=False)


def test_it_refuses_an_archive_with_migrations_this_code_lacks(media: Path, tmp_path: Path) -> None:
    archive = backup.backup_create(path=tmp_path / "good.tar.gz").path

    def newer(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"].append(["registry", "9999_from_the_future"])
        return json.dumps(manifest).encode()

    newer_archive = rewrite(archive, tmp_path / "n.tar.gz", newer)
    with pytest.raises(CommandError, match=r"registry\.9999_from_the_future"):
        call_command("restore", str(newer_archive), interactive=False)


def test_it_refuses_a_file_that_is_not_an_archive(media: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file at all")
    with pytest.raises(CommandError, match="无法读取备份文件"):
        call_command("restore", str(junk), interactive=False)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(backup.backup_create(path=tmp_path / "g.tar.gz").path.read_bytes()[:300])
    with pytest.raises(CommandError):
        call_command("restore", str(truncated), interactive=False)
    with pytest.raises(CommandError, match="备份文件不存在"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), interactive=False)
