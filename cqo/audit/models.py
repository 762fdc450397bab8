from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cqo.lib import bounds
from cqo.lib.bounds import text_field


class AuditEntry(models.Model):
    """One change, transition or sensitive read: who, when, what, before and after (SPEC §10).

    Rows are only ever inserted. The target is named by its app label and public code (USCC,
    UUID) rather than a foreign key, so an entry outlives its record and stays readable.
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

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"], name="audit_target_idx")
        ]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"
