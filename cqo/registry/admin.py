from django.contrib import admin

from cqo.audit.admin import ReadOnlyAdmin
from cqo.registry.models import Appointment, Enterprise, Person, Qualification, Reminder


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ["name", "uscc", "region", "industry", "size", "above_scale"]
    list_filter = ["size", "above_scale", "nature"]
    search_fields = ["name", "uscc"]
    autocomplete_fields = ["region", "industry", "group_parent"]
    readonly_fields = ["responsible_mobile_masked"]


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "id_number_masked", "gender", "education", "region"]
    search_fields = ["name"]
    readonly_fields = ["public_id", "id_number_masked", "mobile_masked"]
    autocomplete_fields = ["region", "user", "invited_by"]
    inlines = [QualificationInline]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "person", "status", "start_date", "filing_number"]
    list_filter = ["status"]
    search_fields = ["enterprise__name", "person__name", "filing_number"]
    raw_id_fields = ["enterprise", "person"]
    readonly_fields = ["public_id", "snapshot", "filed_at", "filed_by", "submitted_at"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "sent_by", "sent_at", "read_at"]
    raw_id_fields = ["enterprise"]
