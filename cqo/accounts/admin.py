from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from cqo.accounts import access, duties, services
from cqo.accounts.models import ApiToken, LoginFailure, Role, User
from cqo.audit.admin import AuditedModelAdmin, ReadOnlyAdmin


def _actor(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    audit_type = "user"

    list_display = ["username", "display_name", "role", "region", "enterprise", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name"]
    autocomplete_fields = ["region", "enterprise"]
    actions = ["deactivate", "revoke_tokens", "reset_second_factor"]
    # no superuser flag, groups or per-user permissions: each administrator's permissions are
    # their duty's (cqo/accounts/duties.py), and the staff flag comes with an administrator's
    # role (manage.py create_admin)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            gettext_lazy("个人信息"),
            {"fields": ("display_name", "first_name", "last_name", "email")},
        ),
        (gettext_lazy("状态"), {"fields": ("is_active", "last_login", "date_joined")}),
        # SPEC §12.20: a department account names its pack department (e.g. industry_it)
        (gettext_lazy("角色与范围"), {"fields": duties.ROLE_FIELDS}),
    )

    # 三员分立: the system administrator edits accounts, the security administrator roles; an
    # administrator's own account, like the others', is changed only on the server
    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        actor = _actor(request)
        return access.can_manage_account(actor, obj) or access.can_assign_role(actor, obj)

    def has_system_permission(self, request: HttpRequest) -> bool:
        return _actor(request).role == Role.ADMIN

    def has_security_permission(self, request: HttpRequest) -> bool:
        return _actor(request).role == Role.SECURITY

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        always = ("last_login", "date_joined")
        if obj is None:
            return ()
        if _actor(request).role == Role.SECURITY:
            return tuple(
                name
                for _title, box in self.fieldsets
                for name in box["fields"]
                if name not in duties.ROLE_FIELDS
            )
        return (*always, *duties.ROLE_FIELDS)

    def formfield_for_choice_field(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "role":
            # the administrators' roles are given on the server only
            kwargs["choices"] = [
                (value, label)
                for value, label in db_field.choices
                if value not in duties.ADMINISTRATORS
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            # deactivated: the tokens must not come back with a reactivation; reactivated: any
            # token that outlived a deactivation made elsewhere goes now
            reason = "reactivated" if obj.is_active else "deactivated"
            services.tokens_revoke(actor=request.user, user=obj, reason=reason)

    def user_change_password(  # type: ignore[no-untyped-def]
        self, request, id, form_url=""
    ) -> HttpResponse:
        # Django's own form sets the password; its tokens are revoked (and the change audited)
        # in the same transaction. A password is the system administrator's to set.
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            if user is not None and not access.can_manage_account(_actor(request), user):
                raise PermissionDenied
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                after = User.objects.filter(pk=user.pk).values_list("password", flat=True).get()
                if after != before:
                    services.password_changed(actor=request.user, user=user, via="admin")
        return response

    def _skipped(self, request: HttpRequest, skipped: int) -> None:
        if skipped:
            self.message_user(
                request,
                _("跳过 %(n)d 个账户：本人账户和管理员账户不在网页上更改") % {"n": skipped},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("停用所选用户并吊销其 API 令牌"), permissions=["system"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = _actor(request)
        users = list(queryset)
        done = [u for u in users if access.can_manage_account(actor, u)]
        for user in done:
            services.user_deactivate(actor=actor, user=user)
        self._skipped(request, len(users) - len(done))
        self.message_user(request, _("已停用 %(n)d 个用户") % {"n": len(done)})

    @admin.action(description=gettext_lazy("吊销所选用户的全部 API 令牌"), permissions=["security"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = _actor(request)
        users = list(queryset)
        done = [u for u in users if access.can_assign_role(actor, u)]
        count = sum(services.tokens_revoke(actor=actor, user=u, reason="admin") for u in done)
        self._skipped(request, len(users) - len(done))
        self.message_user(request, _("已吊销 %(n)d 个 API 令牌") % {"n": count})

    @admin.action(
        description=gettext_lazy("重置所选用户的双因素认证（须重新绑定手机）"),
        permissions=["security"],
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = _actor(request)
        users = list(queryset)
        done = [u for u in users if access.can_assign_role(actor, u)]
        for user in done:
            services.second_factor_reset(actor=actor, user=user, via="admin")
        self._skipped(request, len(users) - len(done))
        self.message_user(request, _("已重置 %(n)d 个用户的双因素认证") % {"n": len(done)})


# Groups and per-user permissions do nothing here: each administrator's permissions are their
# duty's (cqo/accounts/duties.py), so the admin site offers no group editor
if admin.site.is_registered(Group):
    admin.site.unregister(Group)

# django-otp's own device admin shows and edits keys unaudited: a device is reset by the action
# above (audited) and enrolled by its user on their account page
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["user", "label", "created_at", "last_used_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__display_name", "label"]
    # never the digest: a token is named by its public id
    fields = ("public_id", "user", "label", "created_at", "last_used_at", "expires_at")
    readonly_fields = fields
    actions = ["revoke"]

    @admin.action(description=gettext_lazy("吊销所选 API 令牌"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        actor = _actor(request)
        tokens = [t for t in queryset.select_related("user") if access.can_revoke_token(actor, t)]
        for token in tokens:
            services.token_revoke(actor=actor, token=token, via="admin")
        self.message_user(request, _("已吊销 %(n)d 个 API 令牌") % {"n": len(tokens)})


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    list_display = ["username", "at", "ip"]
    search_fields = ["username", "ip"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # unlocking a user name or an address early is the security administrator's call
        return request.user.has_perm("accounts.delete_loginfailure")
