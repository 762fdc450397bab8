from django.contrib import admin

from cqo.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_id", "target_repr", "actor_name"]

    # The trail is append-only, also for admins.
    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
