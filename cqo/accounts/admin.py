from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from cqo.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "region", "enterprise", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name"]
    autocomplete_fields = ["region", "enterprise"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("CQO", {"fields": ("role", "display_name", "region", "enterprise", "organisation")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at"]
    readonly_fields = ["user", "digest", "created_at"]
