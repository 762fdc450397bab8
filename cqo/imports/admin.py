from django.contrib import admin

from cqo.imports.models import EnterpriseList


@admin.register(EnterpriseList)
class EnterpriseListAdmin(admin.ModelAdmin):
    list_display = (
        "file_name",
        "region",
        "as_of",
        "status",
        "rows_total",
        "rows_ok",
        "rows_bad",
        "created_count",
        "updated_count",
        "created_at",
    )
    list_filter = ("status", "mode")
    search_fields = ("file_name", "sha256", "region__code")
    # Lists are written by the importer only: the admin reads them.
    readonly_fields = [f.name for f in EnterpriseList._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
