from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from cqo.accounts import access
from cqo.accounts.models import ApiToken, KeyRecord, User


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens that still work, newest first."""
    return ApiToken.objects.filter(access.token_q(user), expires_at__gt=timezone.now()).order_by(
        "-created_at", "-pk"
    )


# Sign-in policy (GB/T 22239-2019 8.1.4.1; config/settings.py says which clause asks what) -------


def second_factor_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP device, or None: who has one is asked for its code after the
    password, whatever their role."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def second_factor_required(*, user: User) -> bool:
    """Whether the user's role must sign in with a second factor (CQO_2FA_REQUIRED_ROLES)."""
    return user.role in set(settings.CQO_2FA_REQUIRED_ROLES)


def second_factor_coverage() -> tuple[int, int]:
    """(active accounts of the roles CQO_2FA_REQUIRED_ROLES names with a confirmed device, all
    of them): the 安全合规 page's coverage and the security administrator's home."""
    users = User.objects.filter(is_active=True, role__in=settings.CQO_2FA_REQUIRED_ROLES)
    return users.filter(totpdevice__confirmed=True).distinct().count(), users.count()


def password_expired(*, user: User) -> bool:
    """Whether the user's password is older than CQO_PASSWORD_MAX_AGE_DAYS (0: never). A password
    never changed on the platform is as old as the account."""
    days = settings.CQO_PASSWORD_MAX_AGE_DAYS
    if days <= 0 or not user.has_usable_password():
        return False
    since = user.password_changed_at or user.date_joined
    return timezone.now() - since > timedelta(days=days)


# The key register (密钥台账) ------------------------------------------------------------------

# the keys the platform holds: (register name, setting, its label), the first of a list setting
# the key in use and the rest retired keys that only still read (CQO_*_OLD)
KEYS = (
    ("secret_key", "SECRET_KEY", _("会话与表单签名密钥")),
    ("data_key", "CQO_DATA_KEYS", _("个人信息加密密钥（AES-128）")),
    ("sm4_key", "CQO_SM4_KEYS", _("个人信息加密密钥（SM4）")),
    ("hash_key", "CQO_HASH_KEY", _("检索哈希密钥")),
    ("ledger_key", "CQO_LEDGER_KEY", _("学时记录签名密钥（Ed25519）")),
    ("sm2_key", "CQO_SM2_KEY", _("国密签名密钥（SM2）")),
)


def key_label(name: str) -> str:
    return next((str(label) for code, _s, label in KEYS if code == name), name)


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def configured_keys() -> list[tuple[str, str, bool]]:
    """(register name, fingerprint, retired) of every key the settings hold now."""
    found = []
    for name, setting, _label in KEYS:
        value = getattr(settings, setting, None)
        values = [value] if isinstance(value, str) else list(value or [])
        found += [(name, fingerprint(v), i > 0) for i, v in enumerate(values) if v]
    return found


def key_register() -> QuerySet[KeyRecord]:
    """The register's keys still configured, the key in use of each first: what the 安全合规
    page and compliance_report list (a key no longer configured stays in the register, for the
    record, and is not listed)."""
    live = Q(pk__in=[])
    for name, print_, _retired in configured_keys():
        live |= Q(name=name, fingerprint=print_)
    return KeyRecord.objects.filter(live).order_by("name", "retired", "first_seen")
