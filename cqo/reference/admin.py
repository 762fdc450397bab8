from django.contrib import admin

from cqo.audit.admin import AuditedModelAdmin, ReadOnlyAdmin
from cqo.reference.models import Industry, ReferenceVersion, Region


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
