"""Signing in and out, passwords and API tokens, shared by the pages, the API and the admin.
Every change is in the audit trail.

Password guessing is bounded twice, on the login page and the API alike, so that a stranger
cannot lock anybody out (a correct password from anywhere else still signs in):

- per user name and address: ``CQO_LOGIN_MAX_FAILURES`` failures of one user name from one
  address within ``CQO_LOGIN_LOCK_MINUTES`` refuse that name from that address;
- per address: ``CQO_LOGIN_MAX_FAILURES_PER_ADDRESS`` failures from one address, whatever the
  user names, refuse every sign-in from it, so it cannot try one name after another.

A refused attempt is not counted and checks no password. The address is the client's
(cqo.lib.limits.client_address: behind a trusted proxy, the one it forwards).

An API token stops working when it is revoked (deleted): by its owner on the account page or
with ``POST /api/v1/auth/logout``, by the security administrator, and all of a user's tokens
when they sign out of the pages, change their password, or are deactivated or reactivated.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from cqo.accounts import access, duties, selectors
from cqo.accounts.models import ApiToken, KeyRecord, LoginFailure, User
from cqo.audit.models import AuditEntry
from cqo.audit.services import audit_record
from cqo.lib.limits import client_address

Action = AuditEntry.Action


# Signing in ------------------------------------------------------------------------------------


def _user_audit(actor: User | None, user: User, action: str, **extra: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="user",
        target_id=user.username,
        target_repr=str(user),
        **extra,
    )


def _window_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.CQO_LOGIN_LOCK_MINUTES)


def login_blocked(*, username: str, address: str | None) -> bool:
    """Whether a sign-in as ``username`` from ``address`` is refused for now."""
    recent = LoginFailure.objects.filter(ip=address, at__gte=_window_start())
    if recent.count() >= settings.CQO_LOGIN_MAX_FAILURES_PER_ADDRESS:
        return True
    return recent.filter(username__iexact=username).count() >= settings.CQO_LOGIN_MAX_FAILURES


@transaction.atomic
def _failure_record(*, username: str, address: str | None) -> None:
    since = _window_start()
    # failures older than the window count for nothing any more
    LoginFailure.objects.filter(at__lt=since).delete()
    LoginFailure.objects.create(username=username[:150], ip=address)
    recent = LoginFailure.objects.filter(ip=address, at__gte=since)
    # the failure that reaches a limit is the one that locks: audited once per lock-out
    pair = recent.filter(username__iexact=username).count()
    if pair == settings.CQO_LOGIN_MAX_FAILURES:
        audit_record(
            actor=None,
            action=Action.LOCKOUT,
            target_type="user",
            target_id=username[:64],
            target_repr=username,
            changes={"address": [None, address], "failures": [None, pair]},
            note="user name at address",
        )
    total = recent.count()
    if total == settings.CQO_LOGIN_MAX_FAILURES_PER_ADDRESS:
        audit_record(
            actor=None,
            action=Action.LOCKOUT,
            target_type="address",
            target_id=address or "unknown",
            target_repr=address or "",
            changes={"failures": [None, total]},
            note="address",
        )


def user_authenticate(
    *, request: HttpRequest | None, username: str, password: str, via: str
) -> User:
    """The user for these credentials, or ValidationError: code ``throttled`` while the user
    name and address, or the address, are locked (see the module's docstring), else
    ``invalid_login``."""
    address = client_address(request) if request is not None else None
    if login_blocked(username=username, address=address):
        raise ValidationError(
            _("登录失败次数过多，请%(m)d分钟后再试") % {"m": settings.CQO_LOGIN_LOCK_MINUTES},
            code="throttled",
        )
    user: Any = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        _failure_record(username=username, address=address)
        # One message for an unknown user and a wrong password, so usernames do not leak.
        raise ValidationError(_("用户名或密码错误"), code="invalid_login")
    with transaction.atomic():
        # this address has shown it knows the password; failures elsewhere still count there.
        # Of a user with a second factor, only the code forgives (second_factor_verify): a
        # password known must not clear the count of codes guessed
        if selectors.second_factor_device(user=user) is None:
            LoginFailure.objects.filter(username__iexact=username, ip=address).delete()
        _user_audit(
            user,
            user,
            Action.LOGIN,
            note=via,
        )
    return user


# The second factor (TOTP, RFC 6238) ----------------------------------------------------------


# the name the admin shows for a device; a user has one
DEVICE_NAME = "TOTP"


def second_factor_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed device the enrolment page shows (its key as a QR code), made on the first
    visit and the same on every later one until confirmed. ValidationError when the user already
    has a confirmed device: a platform admin resets it first."""
    if selectors.second_factor_device(user=user) is not None:
        raise ValidationError(_("您已启用双因素认证；如需更换手机，请联系安全管理员重置"))
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def _code_refused(user: User, device: TOTPDevice, code: str, via: str) -> str | None:
    """Check a code against the device: None when it is right, else the refusal. A wrong code is
    audited; django-otp's own throttle (per device, doubling the wait after each failure) is
    kept on the device."""
    allowed, _why = device.verify_is_allowed()
    if allowed and device.verify_token(code):
        return None
    _user_audit(None, user, Action.SECOND_FACTOR, changes={"result": [None, "refused"]}, note=via)
    if not allowed:
        return _("验证码错误次数过多，请稍后再试")
    return _("动态验证码不正确或已过期，请输入验证器应用当前显示的 6 位数字")


def second_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> None:
    """Make the enrolment page's device the user's, once they have typed a first code it shows
    (so a mistyped key is not saved). ValidationError on ``code`` when the code is wrong."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    refused = _code_refused(user, device, code, "enrolment")
    if refused:
        raise ValidationError({"code": refused})
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _user_audit(user, user, Action.SECOND_FACTOR, changes={"device": [None, "TOTP"]})


def second_factor_verify(
    *, request: HttpRequest | None, user: User, code: str, via: str
) -> TOTPDevice:
    """The user's device when ``code`` is its current one: the sign-in's second step, after the
    password. A wrong code counts toward the sign-in bound of the user name and address like a
    wrong password (the module's docstring) and is audited. ValidationError: code ``throttled``
    while locked, else ``invalid_code``."""
    address = client_address(request) if request is not None else None
    if login_blocked(username=user.username, address=address):
        raise ValidationError(
            _("登录失败次数过多，请%(m)d分钟后再试") % {"m": settings.CQO_LOGIN_LOCK_MINUTES},
            code="throttled",
        )
    device = selectors.second_factor_device(user=user)
    if device is None:  # reset meanwhile: the password step starts again
        raise PermissionDenied
    refused = _code_refused(user, device, code, via)
    if refused:
        _failure_record(username=user.username, address=address)
        raise ValidationError(refused, code="invalid_code")
    with transaction.atomic():
        LoginFailure.objects.filter(username__iexact=user.username, ip=address).delete()
        _user_audit(
            user, user, Action.SECOND_FACTOR, changes={"result": [None, "passed"]}, note=via
        )
    return device


@transaction.atomic
def second_factor_reset(*, actor: User, user: User, via: str) -> int:
    """The security administrator removes a user's devices (a lost or replaced phone): the user
    enrols again, and is sent to do so before any other page when their role requires it. How
    many devices there were."""
    if not access.can_assign_role(actor, user):
        raise PermissionDenied
    count, _per_model = TOTPDevice.objects.filter(user=user).delete()
    _user_audit(actor, user, Action.SECOND_FACTOR, changes={"devices": [count, 0]}, note=via)
    return int(count)


# API tokens -----------------------------------------------------------------------------------


@transaction.atomic
def token_issue(*, user: User, label: str) -> tuple[str, ApiToken]:
    """A new API token for a user who has just signed in (user_authenticate audited that), named
    by ``label`` (the client); its key is returned once and never stored. The user's expired
    tokens go."""
    user.tokens.filter(expires_at__lte=timezone.now()).delete()
    return ApiToken.new(user=user, label=label)


def _tokens_delete(user: User) -> int:
    count, _per_model = ApiToken.objects.filter(user=user).delete()
    return count


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken, via: str) -> None:
    """Revoke one token: its owner (the account page), or the security administrator (the
    admin site)."""
    if not access.can_revoke_token(actor, token):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action=Action.REVOKE,
        target_type="api_token",
        target_id=str(token.public_id),
        target_repr=f"{token.user} · {token.display_label}",
        note=via,
    )
    token.delete()


@transaction.atomic
def tokens_revoke(*, actor: User, user: User, reason: str) -> int:
    """Revoke every token of ``user`` (the security administrator's action, or the system
    administrator's deactivation or reactivation): how many there were. Audited when there were
    any."""
    if not (
        actor.pk == user.pk
        or access.can_assign_role(actor, user)
        or access.can_manage_account(actor, user)
    ):
        raise PermissionDenied
    count = _tokens_delete(user)
    if count:
        _user_audit(
            actor,
            user,
            Action.REVOKE,
            changes={"tokens": [count, 0]},
            note=reason,
        )
    return count


# Signing out, passwords, deactivation ------------------------------------------------------


@transaction.atomic
def user_logout(*, user: User, via: str) -> int:
    """A user signs out of the pages: their API tokens go too, since a sign-out is how a user
    ends what was opened in their name. How many tokens were revoked."""
    count = _tokens_delete(user)
    _user_audit(
        user,
        user,
        Action.LOGOUT,
        changes={"tokens": [count, 0]} if count else None,
        note=via,
    )
    return count


@transaction.atomic
def token_logout(*, user: User) -> None:
    """The API's sign-out: the token that authenticated this request (``user.api_token_id``, set
    by ApiToken.user_for) is revoked; the user's other tokens stay."""
    if user.api_token_id is None:  # not authenticated by a token
        raise PermissionDenied
    token = ApiToken.objects.filter(pk=user.api_token_id, user=user).first()
    if token is None:  # revoked meanwhile by another request
        return
    _user_audit(
        user,
        user,
        Action.LOGOUT,
        changes={"token": [str(token.public_id), None]},
        note="api",
    )
    token.delete()


@transaction.atomic
def password_changed(*, actor: User, user: User, via: str) -> int:
    """After ``user``'s password was set (here by password_change, or by the Django admin's own
    form): every API token of theirs is revoked, since one taken with the old password must not
    outlive it. How many were."""
    if not (actor.pk == user.pk or access.can_manage_account(actor, user)):
        raise PermissionDenied
    count = _tokens_delete(user)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password_changed_at"])
    _user_audit(
        actor,
        user,
        Action.PASSWORD,
        changes={"password": ["***", "***"], **({"tokens": [count, 0]} if count else {})},
        note=via,
    )
    return count


@transaction.atomic
def password_change(*, actor: User, user: User, password: str, via: str) -> int:
    """Set a new password for ``user`` (the form has checked the old one) and revoke their API
    tokens. ValidationError on ``new_password1`` when the password validators refuse it."""
    if not (actor.pk == user.pk or access.can_manage_account(actor, user)):
        raise PermissionDenied
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    return password_changed(actor=actor, user=user, via=via)


@transaction.atomic
def password_expiry_noted(*, user: User, days: int) -> None:
    """The user's password passed its maximum age (GB/T 22239-2019 8.1.4.1 a) 定期更换) and the
    pages sent them to change it: once a session (cqo/accounts/middleware.py)."""
    _user_audit(user, user, Action.PASSWORD_EXPIRED, changes={"max_age_days": [None, days]})


@transaction.atomic
def session_timed_out(*, user: User, idle_minutes: int) -> None:
    """A session idle for ``idle_minutes`` was signed out (GB/T 22239-2019 8.1.4.1 b)
    登录连接超时自动退出). The user's API tokens stay: programs are not idle browsers."""
    _user_audit(None, user, Action.TIMEOUT, changes={"idle_minutes": [None, idle_minutes]})


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> int:
    """The system administrator deactivates an account: it cannot sign in, and its API tokens
    are revoked, so a later reactivation does not bring them back. How many were."""
    if not access.can_manage_account(actor, user):
        raise PermissionDenied
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target_type="user",
            target_id=str(user.pk),
            target_repr=str(user),
            changes={"is_active": [True, False]},
        )
    return tokens_revoke(actor=actor, user=user, reason="deactivated")


# The three administrators (三员分立; cqo/accounts/duties.py) --------------------------------


@transaction.atomic
def administrator_set(*, username: str, role: str, password: str | None, display_name: str) -> User:
    """Make ``username`` an administrator of ``role`` (系统/安全/审计管理员), or reset an
    administrator's password: on the server only (manage.py create_admin), never from the web,
    so no administrator can take over another's account. An account that holds any other role
    is refused: a business account does not become an administrator's. Audited with no actor
    (the server's operator)."""
    from cqo.accounts.models import Role

    if role not in duties.ADMINISTRATORS:
        raise ValidationError({"role": _("只能设置系统管理员、安全管理员或审计管理员")})
    user = User.objects.select_for_update().filter(username=username).first()
    if user is not None and user.role not in duties.ADMINISTRATORS:
        raise ValidationError(
            {
                "username": _("该登录名已是业务账户（%(role)s），请另选登录名")
                % {"role": user.get_role_display()}
            }
        )
    created = user is None
    before = None if user is None else user.role
    if user is None:
        user = User(username=username)
    user.role = Role(role)
    user.is_staff = True
    user.is_superuser = False
    user.display_name = display_name or user.display_name or str(Role(role).label)
    if password is not None:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    changes: dict[str, list[Any]] = {"role": [before, role]}
    if password is not None:
        changes["password"] = ["***", "***"]
        if not created:
            _tokens_delete(user)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password_changed_at"])
    _user_audit(
        None,
        user,
        Action.CREATE if created else Action.UPDATE,
        changes=changes,
        note="create_admin",
    )
    return user


@transaction.atomic
def keys_register(*, now: datetime | None = None) -> int:
    """Note every key the settings hold in the key register (密钥台账): a key not seen before is
    recorded as first seen now, and audited; one seen before is marked seen now and retired when
    it is now configured only to read (CQO_*_OLD). How many keys were new."""
    now = now or timezone.now()
    new = 0
    for name, print_, retired in selectors.configured_keys():
        record, created = KeyRecord.objects.get_or_create(
            name=name,
            fingerprint=print_,
            defaults={"first_seen": now, "last_seen": now, "retired": retired},
        )
        if created:
            new += 1
            audit_record(
                actor=None,
                action=Action.CREATE,
                target_type="key",
                target_id=f"{name}:{print_}",
                target_repr=selectors.key_label(name),
                changes={"fingerprint": [None, print_]},
                note="key register",
            )
        else:
            KeyRecord.objects.filter(pk=record.pk).update(last_seen=now, retired=retired)
    return new
