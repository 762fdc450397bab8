"""The outbox, the addresses notices go to, and the kinds a person has opted out of."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cqo.lib import crypto
from cqo.notify.kinds import Channel, label_of


class OutboxMessage(models.Model):
    """One notice to one person on one channel. The key (recipient, kind, subject, channel)
    is unique: recording the same notice again creates nothing, so a job run twice, or a
    reminder recorded again, never reaches the person twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("通知类型"), max_length=60)
    # what the notice is about, in the owning app's words (e.g. a reminder's natural key)
    subject = models.CharField(_("通知事由"), max_length=200)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    # an administrator's resend starts a new send under a new idempotency key
    resends = models.PositiveSmallIntegerField(_("重发次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    # the rendered notice: the person's name, what happened, what to do, by when, the link
    name = models.CharField(_("称呼"), max_length=100)
    what = models.CharField(_("事由"), max_length=500)
    action = models.CharField(_("需办理事项"), max_length=500)
    deadline = models.DateField(_("截止日期"), null=True, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # where it went, as shown on screen (a mobile is masked)
    address_shown = models.CharField(_("发送地址"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject", "channel"],
                name="notify_outboxmessage_once",
            )
        ]
        verbose_name = _("通知发件箱")
        verbose_name_plural = _("通知发件箱")

    def __str__(self) -> str:
        return f"{self.kind_label} → {self.recipient}"

    @property
    def kind_label(self) -> str:
        return label_of(self.kind)

    @property
    def resendable(self) -> bool:
        return self.channel != Channel.SITE and self.status in (
            self.Status.SENT,
            self.Status.FAILED,
        )

    @property
    def idempotency_key(self) -> str:
        """Passed to the gateway and in the e-mail's Message-ID: the same row tried again (a
        retry, a worker that died mid-send) carries the same key, so the receiving side can
        drop the repeat; an administrator's resend is a new send."""
        return f"{self.public_id}.{self.resends}"


class ContactDetails(models.Model):
    """Where a person's e-mail and SMS notices go, and whether the last delivery bounced. The
    mobile is personal data: stored encrypted, looked up by keyed hash, shown masked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_details"
    )
    email = models.EmailField(_("电子邮箱"), max_length=254, blank=True)
    mobile_enc = models.TextField(blank=True, editable=False)
    mobile_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    mobile_masked = models.CharField(_("手机"), max_length=11, blank=True, editable=False)
    email_failure = models.CharField(_("邮件投递失败原因"), max_length=300, blank=True)
    mobile_failure = models.CharField(_("短信投递失败原因"), max_length=300, blank=True)
    # set when the person typed back the code sent to the mobile (services.mobile_verify);
    # cleared when the mobile changes: SMS go only to a verified mobile given here
    mobile_verified_at = models.DateTimeField(_("手机验证时间"), null=True, blank=True)
    # no reminder SMS in the night (rules.QUIET_START–QUIET_END unless the person sets others)
    quiet_hours = models.BooleanField(_("夜间免打扰"), default=True)
    quiet_start = models.TimeField(_("免打扰开始"), default=dt.time(22, 0))
    quiet_end = models.TimeField(_("免打扰结束"), default=dt.time(8, 0))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("通知联系方式")
        verbose_name_plural = _("通知联系方式")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def mobile(self) -> str:
        return crypto.decrypt(self.mobile_enc)

    @mobile.setter
    def mobile(self, value: str) -> None:
        self.mobile_enc = crypto.encrypt(value)
        self.mobile_hash = crypto.keyed_hash(value)
        self.mobile_masked = crypto.mask(value, 3, 4)


class OptOut(models.Model):
    """A person does not want a kind of notice by e-mail or SMS (it still shows in the
    platform). Legal notices cannot be opted out of (services.optout_set)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_opt_outs"
    )
    kind = models.CharField(_("通知类型"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notify_optout_once")]
        verbose_name = _("通知退订")
        verbose_name_plural = _("通知退订")

    def __str__(self) -> str:
        return f"{self.user} {label_of(self.kind)}"


class MobileCode(models.Model):
    """A code sent by SMS to prove a mobile is the person's: kept as a keyed hash with the
    mobile it was sent to, valid for rules.CODE_TTL_SECONDS and rules.CODE_MAX_TRIES tries."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mobile_codes"
    )
    mobile_hash = models.CharField(max_length=64, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    tries = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("手机验证码")
        verbose_name_plural = _("手机验证码")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
