"""The hour log's tables (SPEC §5, §12.14): an append-only Merkle log (RFC 9162).

Rows of ``LedgerEntry``, ``LedgerNode`` and ``Checkpoint`` are inserted by
``cqo.ledger.services`` and never changed or removed: a correction is a new entry. The ORM paths
that would change them (``save`` of a stored row, ``update``, ``delete``) raise ``AppendOnly``;
``manage.py ledger_audit`` detects changes made behind the ORM's back.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cqo.ledger import merkle
from cqo.lib import bounds
from cqo.lib.bounds import text_field


class AppendOnly(Exception):
    """The hour log is append-only: its rows are never updated or deleted."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly(f"{self.model.__name__} rows are never updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly(f"{self.model.__name__} rows are never deleted")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly(f"{type(self).__name__} rows are never updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly(f"{type(self).__name__} rows are never deleted")


class LeafIndexField(models.BigIntegerField):
    """A 64-bit leaf index. On SQLite it is declared ``integer``, as Django does for
    ``BigAutoField``: an ``integer`` primary key is the table's rowid, so the log is one B-tree
    ordered by index instead of a table plus a unique index (half the writes per append)."""

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class LedgerHead(models.Model):
    """The single row every append locks (``select_for_update``), so one writer at a time
    extends the tree; ``size`` is the number of entries."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(_("条目数"), default=0)

    class Meta:
        verbose_name = _("存证日志头")
        verbose_name_plural = _("存证日志头")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="ledger_head_single_row"),
            models.CheckConstraint(condition=models.Q(size__gte=0), name="ledger_head_size_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.size}"


class LedgerEntry(AppendOnlyModel):
    """One leaf: the entry's bytes as logged. Its RFC 9162 leaf hash is not stored: it is
    derived from the bytes whenever needed (a proof hashes at most two chunks of 64), so there
    is nothing beside the entry that could disagree with it."""

    index = LeafIndexField(_("序号"), primary_key=True)
    entry = models.BinaryField(_("条目"))
    created_at = models.DateTimeField(_("存证时间"), default=timezone.now)

    class Meta:
        ordering = ["index"]
        verbose_name = _("存证条目")
        verbose_name_plural = _("存证条目")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(index__gte=0), name="ledger_entry_index_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.index}"

    @property
    def leaf_hash(self) -> bytes:
        """RFC 9162 §2.1.1: SHA-256(0x00 ‖ entry)."""
        return merkle.leaf_hash(bytes(self.entry))


class LedgerNode(AppendOnlyModel):
    """The hash of a complete subtree of ``2**level`` leaves (level >= 6) starting at leaf
    ``index * 2**level``, written when its last leaf is appended. With them a proof reads at
    most one chunk of 64 leaf hashes per side plus O(log n) nodes."""

    level = models.PositiveSmallIntegerField(_("层"))
    index = models.BigIntegerField(_("序号"))
    hash = models.BinaryField(_("哈希"), max_length=32)

    class Meta:
        ordering = ["level", "index"]
        verbose_name = _("子树哈希")
        verbose_name_plural = _("子树哈希")
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="ledger_node_level_index_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.level}/{self.index}"


class Checkpoint(AppendOnlyModel):
    """A signed tree head: the C2SP tlog-checkpoint note for the tree of ``size`` entries."""

    size = models.BigIntegerField(_("条目数"), unique=True)
    root = models.BinaryField(_("根哈希"), max_length=32)
    # a signed checkpoint (C2SP tlog-checkpoint): a few lines and a signature per key
    note = text_field(_("签名检查点"), max_length=bounds.STATEMENT)
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)

    class Meta:
        ordering = ["-size"]
        get_latest_by = "size"
        verbose_name = _("检查点")
        verbose_name_plural = _("检查点")

    def __str__(self) -> str:
        return f"{self.size} {self.root_hex[:16]}"

    @property
    def root_hex(self) -> str:
        return bytes(self.root).hex()
