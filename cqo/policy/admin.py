from django.contrib import admin

from cqo.audit.admin import ReadOnlyAdmin
from cqo.policy.models import Pack, PackVersion


@admin.register(Pack)
class PackAdmin(ReadOnlyAdmin):
    list_display = ["slug", "name", "kind", "national_default"]


@admin.register(PackVersion)
class PackVersionAdmin(ReadOnlyAdmin):
    """Versions are installed through /policy/ (validated, audited), never edited."""

    list_display = ["pack", "version", "effective_from", "name", "created_at"]
    list_filter = ["pack"]
