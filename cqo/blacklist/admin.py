from django.contrib import admin

from cqo.audit.admin import ReadOnlyAdmin
from cqo.blacklist.models import Appeal, Listing


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = [
        "person",
        "kind",
        "authority_name",
        "start_date",
        "end_date",
        "public",
        "revoked_at",
    ]
    list_filter = ["kind", "public"]
    search_fields = ["person__name", "authority_name"]
    raw_id_fields = ["person", "issued_by", "revoked_by"]
    readonly_fields = ["public_id", "applied_at", "created_at"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["listing", "status", "filed_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["listing", "filed_by", "decided_by"]
    readonly_fields = ["public_id", "filed_at"]
