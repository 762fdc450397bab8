from django.contrib import admin

from cqo.audit.models import AuditEntry
from cqo.reference.models import Industry, ReferenceVersion, Region


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["seq", "at", "actor_name", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_id", "target_repr", "actor_name"]

    # The trail is append-only, also for admins.
    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin saves and deletions leave an audit entry like every other change (SPEC §10)."""

    audit_type = ""
    # never copy these values into the trail (e.g. password hashes)
    audit_secret_fields: tuple[str, ...] = ("password",)

    def _target(self, obj):  # type: ignore[no-untyped-def]
        return self.audit_type or obj._meta.label_lower, str(obj.pk)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        from cqo.audit.services import audit_record

        target_type, target_id = self._target(obj)
        changes = {
            name: [
                None,
                "***" if name in self.audit_secret_fields else str(form.cleaned_data.get(name)),
            ]
            for name in form.changed_data
        }
        audit_record(
            actor=request.user,
            action="update" if change else "create",
            target_type=target_type,
            target_id=target_id,
            target_repr=str(obj),
            changes=changes,
            note="admin",
        )

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        from cqo.audit.services import audit_record

        target_type, target_id = self._target(obj)
        audit_record(
            actor=request.user,
            action="update",
            target_type=target_type,
            target_id=target_id,
            target_repr=str(obj),
            note="admin: deleted",
        )
        super().delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records whose changes must go through the services (validation, workflow, audit): the
    admin shows them; the pages change them."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


# The reference tables (regions, industries) are corrected through these audited pages; they are
# registered here because the reference app sits below the audit trail in the layer order.


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "parent", "flags"]
    list_filter = ["level", "flags"]
    search_fields = ["code", "name"]


@admin.register(Industry)
class IndustryAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(ReferenceVersion)
class ReferenceVersionAdmin(ReadOnlyAdmin):
    list_display = ["dataset", "version", "rows", "loaded_at"]
    readonly_fields = ["dataset", "version", "source", "sha256", "rows", "loaded_at"]
