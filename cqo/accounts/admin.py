from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from cqo.accounts.models import ApiToken, LoginFailure, User
from cqo.audit.admin import AuditedModelAdmin, ReadOnlyAdmin


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    audit_type = "user"

    list_display = ["username", "display_name", "role", "region", "enterprise", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name"]
    autocomplete_fields = ["region", "enterprise"]
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


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at", "expires_at"]
    readonly_fields = ["user", "digest", "created_at"]


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    list_display = ["username", "at", "ip"]
    search_fields = ["username"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return True  # unlocking an account early is an admin's call
