from django.contrib import admin

from cqo.reference.models import Industry, ReferenceVersion, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "flags"]
    list_filter = ["level", "flags"]
    search_fields = ["code", "name"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(ReferenceVersion)
class ReferenceVersionAdmin(admin.ModelAdmin):
    list_display = ["dataset", "version", "rows", "loaded_at"]
    readonly_fields = ["dataset", "version", "source", "sha256", "rows", "loaded_at"]
