from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from cqo.accounts import services
from cqo.accounts.models import ApiToken, LoginFailure, User
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
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            "CQO",
            {
                "fields": ("role", "display_name", "region", "enterprise", "organisation"),
            },
        ),
        (
            # SPEC §12.20: a department account names its pack department (e.g. industry_it)
            "有关部门",
            {"fields": ("department",)},
        ),
    )

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
        # in the same transaction
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                after = User.objects.filter(pk=user.pk).values_list("password", flat=True).get()
                if after != before:
                    services.password_changed(actor=request.user, user=user, via="admin")
        return response

    @admin.action(description=gettext_lazy("停用所选用户并吊销其 API 令牌"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = _actor(request)
        done = 0
        for user in queryset.exclude(pk=actor.pk):
            services.user_deactivate(actor=actor, user=user)
            done += 1
        if queryset.filter(pk=actor.pk).exists():
            self.message_user(request, _("不能停用自己的账户"), messages.WARNING)
        self.message_user(request, _("已停用 %(n)d 个用户") % {"n": done})

    @admin.action(description=gettext_lazy("吊销所选用户的全部 API 令牌"))
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = _actor(request)
        count = 0
        for user in queryset:
            count += services.tokens_revoke(actor=actor, user=user, reason="admin")
        self.message_user(request, _("已吊销 %(n)d 个 API 令牌") % {"n": count})

    @admin.action(description=gettext_lazy("重置所选用户的双因素认证（须重新绑定手机）"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = _actor(request)
        done = sum(
            1
            for user in queryset
            if services.second_factor_reset(actor=actor, user=user, via="admin")
        )
        self.message_user(request, _("已重置 %(n)d 个用户的双因素认证") % {"n": done})


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
        tokens = list(queryset.select_related("user"))
        for token in tokens:
            services.token_revoke(actor=actor, token=token, via="admin")
        self.message_user(request, _("已吊销 %(n)d 个 API 令牌") % {"n": len(tokens)})


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    list_display = ["username", "at", "ip"]
    search_fields = ["username", "ip"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return True  # unlocking a user name or an address early is an admin's call
