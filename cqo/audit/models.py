from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cqo.lib import bounds
from cqo.lib.bounds import text_field


class AuditImmutableError(Exception):
    """An attempt to delete or change an audit entry through the platform: the trail is
    append-only (GB/T 22239-2019 8.1.4.3 c): 应对审计记录进行保护…避免受到未预期的删除、修改或覆盖;
    网络安全法 第二十一条(三): 留存相关的网络日志不少于六个月)."""


def _refuse(what: str) -> NoReturn:
    raise AuditImmutableError(f"audit entries are never {what} (GB/T 22239-2019 8.1.4.3 c))")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """No deletion and no update of entries; the sealer fills the seal columns of unsealed
    entries with its own prepared statement (cqo.audit.services.audit_seal)."""

    def delete(self) -> NoReturn:  # type: ignore[override]
        _refuse("deleted")

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("changed")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        _refuse("changed")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        _refuse("changed")


class AuditEntry(models.Model):
    """One change, transition or sensitive read: who, when, what, before and after (SPEC §10).

    Rows are only ever inserted. The target is named by its app label and public code (USCC,
    UUID) rather than a foreign key, so an entry outlives its record and stays readable. The
    actor's id is kept when the account is deleted (no database constraint, nothing cascades),
    so a sealed entry never changes.

    An entry is written unsealed (``seq`` empty): writing stays one INSERT with no lock. The
    sealer (``audit_seal``, every minute) gives the entries written since, in id order, the
    next numbers of the hash chain and each its ``chain`` value, the MAC of the previous value
    and the entry's stored fields (cqo/audit/chain.py), in the MAC of the suite then in force
    (``alg``).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        TRANSITION = "transition", _("状态变更")
        UNMASK = "unmask", _("查看完整个人信息")
        EXPORT = "export", _("导出")
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出登录")
        PASSWORD = "password", _("修改密码")
        REVOKE = "revoke", _("吊销 API 令牌")
        LOCKOUT = "lockout", _("登录锁定")
        VIEW = "view", _("查看附件")
        SECOND_FACTOR = "second_factor", _("双因素认证")
        TIMEOUT = "timeout", _("超时退出")
        PASSWORD_EXPIRED = "password_expired", _("密码过期")

    class Algorithm(models.TextChoices):
        # cqo.lib.crypto.MAC_ALGORITHMS
        HMAC_SM3 = "hmac-sm3", "HMAC-SM3"
        HMAC_SHA256 = "hmac-sha256", "HMAC-SHA256"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # no database constraint and nothing done on the account's deletion: the entry keeps the id
    # it was sealed with (the pages then name a deleted account as such)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    target_type = models.CharField(max_length=50)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=200, blank=True)
    # {"field": [before, after]} for updates; personal values appear masked only.
    changes = models.JSONField(default=dict, blank=True)
    # composed by the services from bounded inputs; audit_record keeps it within the limit
    note = text_field(max_length=bounds.DOCUMENT, blank=True)
    # the hash chain: the entry's number in it (empty until sealed), its chain value (hex of
    # the 32-byte MAC) and the MAC's short code; empty by the database's default too, so an
    # INSERT naming only the entry's own columns (audit_records) writes an unsealed entry
    seq = models.BigIntegerField(_("链序号"), null=True, blank=True, unique=True, editable=False)
    chain = models.CharField(
        _("链值"), max_length=64, blank=True, default="", db_default="", editable=False
    )
    alg = models.CharField(
        _("算法"),
        max_length=12,
        choices=Algorithm.choices,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"], name="audit_target_idx")
        ]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"

    # An invariant, not business flow: an entry is inserted once and never changed or deleted
    # through the platform (GB/T 22239-2019 8.1.4.3 c)); on PostgreSQL a trigger refuses it
    # below the platform too (migration 0008).
    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse("changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        _refuse("deleted")


class AuditChainHead(models.Model):
    """The chain's last sealed number and value: one row, locked by each sealer for its batch
    (``select_for_update``), so two sealers never interleave, and checked by the verifier (a
    chain whose end is missing stops short of it)."""

    seq = models.BigIntegerField(default=0)
    chain = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"{self.seq}"


class AuditVerification(models.Model):
    """One walk of the whole chain (``manage.py audit_verify``, the daily job): what the audit
    administrator's page shows, so that no request walks the trail."""

    class Break(models.TextChoices):
        CHANGED = "changed", _("记录内容或顺序被改动")
        MISSING = "missing", _("链序号缺失（记录被删除）")
        TRUNCATED = "truncated", _("链尾记录缺失")
        ALGORITHM = "algorithm", _("无法识别的算法")

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"))
    checked = models.BigIntegerField(_("校验记录数"), default=0)
    last_seq = models.BigIntegerField(_("最后链序号"), null=True, blank=True)
    first_break = models.BigIntegerField(_("首个异常链序号"), null=True, blank=True)
    break_kind = models.CharField(_("异常类型"), max_length=20, choices=Break.choices, blank=True)
    breaks = models.IntegerField(_("异常数"), default=0)
    unsealed = models.BigIntegerField(_("待封存记录数"), default=0)
    algorithms = models.CharField(_("算法"), max_length=40, blank=True)
    oldest_at = models.DateTimeField(_("最早记录时间"), null=True, blank=True)
    # None: the platform is younger than the retention floor, so it cannot be checked yet
    retention_met = models.BooleanField(_("留存期满足要求"), null=True, blank=True)

    class Meta:
        ordering = ["-finished_at", "-id"]
        verbose_name = _("审计链校验")
        verbose_name_plural = _("审计链校验")

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} {self.checked} {self.break_kind or 'ok'}"

    @property
    def ok(self) -> bool:
        return self.breaks == 0
