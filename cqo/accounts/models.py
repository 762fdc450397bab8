from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cqo.accounts import duties
from cqo.accounts.departments import departments_of
from cqo.accounts.roles import role_label
from cqo.lib import clock

if TYPE_CHECKING:
    from cqo.lib.db import Select


class Role(models.TextChoices):
    # SPEC §1
    REGULATOR = "regulator", _("市场监管部门")
    # SPEC §1, §12.20: a participating or competent department (行业主管部门) of the pack
    DEPARTMENT = "department", _("有关部门")
    ENTERPRISE = "enterprise", _("企业经办人")
    CQO = "cqo", _("首席质量官")
    TRAINER = "trainer", _("培训机构")
    CERTIFIER = "certifier", _("认定机构")
    # 三员分立 (GB/T 22239-2019 8.1.4.2 d), 8.1.5; cqo/accounts/duties.py): three administrators,
    # each an account of its own
    ADMIN = "admin", _("系统管理员")
    SECURITY = "security", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")


class UserManager(DjangoUserManager["User"]):
    def create_superuser(  # type: ignore[override]
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        """``createsuperuser`` makes a system administrator: no account holds all three
        administrators' duties (cqo/accounts/duties.py), so none is a superuser."""
        extra.setdefault("role", Role.ADMIN)
        extra["is_staff"] = True
        extra["is_superuser"] = False
        return self.create_user(username, email, password, **extra)


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.CQO)
    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    # A regulator acts for one administrative region; its level is the region's level.
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("所属行政区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # An enterprise clerk is bound to one enterprise (SPEC §1).
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clerks",
    )
    organisation = models.CharField(_("所属机构"), max_length=200, blank=True)
    # A department account names its department by the code of the governing pack's
    # ``[[departments]]`` entry (e.g. "industry_it"); its region is where it acts.
    department = models.CharField(_("部门代码"), max_length=40, blank=True)
    # GB/T 22239-2019 8.1.4.1 a) 定期更换: a password's age counts from here (set by
    # cqo.accounts.services.password_changed); empty for one never changed, whose age counts from
    # the account's creation
    password_changed_at = models.DateTimeField(
        _("密码修改时间"), null=True, blank=True, editable=False
    )

    # not stored: the newest audit entry's id when an API request was authenticated
    # (ApiToken.user_for); None for a user loaded any other way
    audit_head: int | None = None
    # not stored: the API token that authenticated the request and when it was last noted as
    # used (ApiToken.user_for); None for a user loaded any other way
    api_token_id: int | None = None
    api_token_used: datetime | None = None

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        constraints = [
            # 三员分立: a superuser would hold the three administrators' duties at once
            models.CheckConstraint(
                condition=Q(is_superuser=False), name="accounts_user_no_superuser"
            ),
            models.CheckConstraint(
                condition=~Q(role="regulator") | Q(region__isnull=False),
                name="accounts_user_regulator_has_region",
            ),
            models.CheckConstraint(
                condition=~Q(role="enterprise") | Q(enterprise__isnull=False),
                name="accounts_user_clerk_has_enterprise",
            ),
            models.CheckConstraint(
                condition=~Q(role="department") | (Q(region__isnull=False) & ~Q(department="")),
                name="accounts_user_department_has_region_and_code",
            ),
        ]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        # pages name people and offices, never logins (the account page shows the login)
        return self.label

    @property
    def label(self) -> str:
        """How pages name the user, never by login: a person's or organisation's name and
        role, 孙卓然（首席质量官）; without a name, where they act: 雁塔区市场监管部门,
        西安华晟精密仪器有限公司（企业经办人）."""
        name = (self.display_name or self.organisation or "").strip()
        role = role_label(self)
        if name:
            return f"{name}（{role}）" if role and role != name else name
        if self.enterprise is not None:
            return f"{self.enterprise.name}（{role}）" if role else self.enterprise.name
        if self.region is not None:
            return f"{self.region.name}{role}"
        return role or str(_("平台用户"))

    def clean(self) -> None:
        super().clean()
        if self.is_superuser:
            raise ValidationError(
                {
                    "is_superuser": _(
                        "三员分立：不设超级用户，系统、安全、审计管理员须分别使用各自的账户"
                    )
                }
            )
        if self.role == Role.DEPARTMENT and self.region is not None and self.department:
            # the code must name a department of the pack governing the region (SPEC §12.20)
            codes = [d.code for d in departments_of(self.region, clock.today())]
            if self.department not in codes:
                raise ValidationError(
                    {
                        "department": _(
                            "该地区适用的政策包中没有部门代码 %(code)s；可选：%(codes)s"
                        )
                        % {"code": self.department, "codes": "、".join(codes) or "—"}
                    }
                )

    @property
    def is_regulator(self) -> bool:
        return self.role == Role.REGULATOR

    @property
    def is_department(self) -> bool:
        return self.role == Role.DEPARTMENT

    @property
    def is_clerk(self) -> bool:
        return self.role == Role.ENTERPRISE

    @property
    def is_platform_admin(self) -> bool:
        """The system administrator (系统管理员): every business record, users, packs."""
        return self.role == Role.ADMIN

    @property
    def is_security_admin(self) -> bool:
        return self.role == Role.SECURITY

    @property
    def is_audit_admin(self) -> bool:
        return self.role == Role.AUDITOR

    # The admin site asks these: each administrator has the permissions of their own duty and no
    # other, whatever groups or per-user permissions say (cqo/accounts/duties.py)
    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return bool(self.is_active) and duties.may(self.role, perm)

    def has_module_perms(self, app_label: str) -> bool:
        return bool(self.is_active) and duties.may_module(self.role, app_label)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> ApiTokenQuerySet:
        return self.filter(expires_at__gt=timezone.now(), user__is_active=True)


# "Last used" is kept to this step: a token is written at most once in it, not on every request
# (ApiToken.note_use), so the API's hot path stays a read.
LAST_USED_STEP = timedelta(minutes=5)
LABEL_LENGTH = 200


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored.

    A revoked token is deleted (cqo.accounts.services.token_revoke and tokens_revoke, each
    audited): the lookup then finds no row, so nothing (a reactivated account, a restored flag)
    can bring it back, and the hot path's statement needs no revocation filter."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="tokens",
    )
    # the page and the admin name a token by this, never by its key or digest
    public_id = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True)
    # the client that asked for it (its User-Agent), so its owner can tell tokens apart
    label = models.CharField(_("客户端"), max_length=LABEL_LENGTH, blank=True)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.user} until {self.expires_at:%Y-%m-%d}"

    @property
    def display_label(self) -> str:
        return self.label or str(_("API 令牌"))

    @classmethod
    def new(cls, *, user: User, label: str = "") -> tuple[str, ApiToken]:
        """A new token for ``user``: its key (shown once, never stored) and its row. It lives
        ``CQO_TOKEN_DAYS`` days."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            digest=_digest(key),
            label=label[:LABEL_LENGTH],
            expires_at=timezone.now() + timedelta(days=settings.CQO_TOKEN_DAYS),
        )
        return key, token

    @classmethod
    def issue(cls, user: User) -> str:
        """A new token's key (for tests and the benchmarks; sign-in goes through
        cqo.accounts.services.token_issue)."""
        return cls.new(user=user)[0]

    @classmethod
    def user_for(cls, key: str) -> User | None:
        """The active user of a live token, with their region (most API calls check the scope
        against it) and, as ``audit_head``, the newest audit entry's id when the request was
        authenticated (the API's cached answers are keyed on it: coverage.selectors.cache_key);
        ``api_token_id`` and ``api_token_used`` name the token.

        Every API request asks this, so it is one statement, written as SQL and prepared once
        per connection (cqo/lib/db.py): building the three-table query with the ORM, mapping a
        raw queryset's columns, planning it afresh and a second round trip for the audit head
        each cost more than running it."""
        from cqo.lib.db import select
        from cqo.reference.models import Region

        statement = select("accounts.user_for", _user_for_select)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        row = statement.fetch_one([_digest(key), now])
        if row is None:
            return None
        names = [f.attname for f in statement.fields]
        n, r = len(User._meta.concrete_fields), len(Region._meta.concrete_fields)
        user = User.from_db(connection.alias, names[:n], row[:n])
        if user.region_id is not None:
            user.region = Region.from_db(connection.alias, names[n : n + r], row[n : n + r])
        m = len(names)
        user.api_token_id, user.api_token_used = row[m - 2], row[m - 1]
        user.audit_head = int(row[m] or 0)
        return user

    @classmethod
    def note_use(cls, user: User) -> None:
        """Keep when the token that authenticated ``user`` (ApiToken.user_for) was last used, to
        ``LAST_USED_STEP``: a write only when the kept time is older than that, and one only
        of the requests that race for it."""
        if user.api_token_id is None:
            return
        now = timezone.now()
        stale = now - LAST_USED_STEP
        if user.api_token_used is not None and user.api_token_used > stale:
            return
        cls.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale),
            pk=user.api_token_id,
        ).update(last_used_at=now)
        user.api_token_used = now


def _user_for_select() -> Select:
    """ApiToken.user_for's statement: the user's, the region's and the token's columns, then
    the audit trail's head."""
    from cqo.audit.models import AuditEntry
    from cqo.lib.db import Select, columns
    from cqo.reference.models import Region

    qn = connection.ops.quote_name
    user, region = list(User._meta.concrete_fields), list(Region._meta.concrete_fields)
    # concrete columns, not relations
    token = [
        cast("models.Field[Any, Any]", ApiToken._meta.get_field(n)) for n in ("id", "last_used_at")
    ]
    sql = (
        f"SELECT {columns('u', user)}, {columns('r', region)}, {columns('t', token)},"  # noqa: S608 (model names)
        f" (SELECT max(id) FROM {qn(AuditEntry._meta.db_table)})"
        f" FROM {qn(User._meta.db_table)} u"
        f" JOIN {qn(ApiToken._meta.db_table)} t ON t.user_id = u.id"
        f" LEFT JOIN {qn(Region._meta.db_table)} r ON r.code = u.region_id"
        " WHERE t.digest = %s AND t.expires_at > %s AND u.is_active"
    )
    return Select.build(sql, user + region + token)


class LoginFailure(models.Model):
    """A failed sign-in, kept to slow down password guessing on the page and the API: counted
    per user name and address, and per address (cqo.accounts.services.login_blocked)."""

    username = models.CharField(_("用户名"), max_length=150, db_index=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # the client's address (cqo.lib.limits.client_address: an IPv6 client's /64)
    ip = models.GenericIPAddressField(_("网络地址"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["ip", "at"], name="accounts_failure_ip_at")]
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"


class KeyRecord(models.Model):
    """The key register (密钥台账; GB/T 39786-2021 asks that keys be managed over their life):
    each key the platform has held, named by a fingerprint (never the key), with when it was
    first seen in use and when it was last seen. A key's age counts from its first sighting: the
    platform cannot know when an operator made a key, only when it began to use it. Written by
    cqo.accounts.services.keys_register (the 安全合规 page, compliance_report, the daily jobs)."""

    name = models.CharField(_("密钥"), max_length=40)
    # the first 16 hex digits of the SHA-256 of the key's text: tells keys apart, reveals nothing
    fingerprint = models.CharField(_("指纹"), max_length=16)
    first_seen = models.DateTimeField(_("启用时间"))
    last_seen = models.DateTimeField(_("最近在用"))
    # still configured only to read what it wrote (an *_OLD key), no longer writing
    retired = models.BooleanField(_("已停用（仅解密）"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "fingerprint"], name="accounts_key_once")
        ]
        verbose_name = _("密钥台账")
        verbose_name_plural = _("密钥台账")

    def __str__(self) -> str:
        return f"{self.name} {self.fingerprint}"
