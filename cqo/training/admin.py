from django.contrib import admin

from cqo.audit.admin import ReadOnlyAdmin
from cqo.training.models import Course, Enrolment, Session, TrainingCertificate, TrainingPlan


@admin.register(TrainingPlan)
class TrainingPlanAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "year", "budget", "planned_sessions"]
    list_filter = ["year"]
    search_fields = ["organisation"]
    readonly_fields = ["public_id", "created_at"]


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ["title", "tier", "region", "organiser_name", "method", "hours"]
    list_filter = ["tier", "method"]
    search_fields = ["title", "organiser_name"]
    raw_id_fields = ["region", "organiser", "institution", "plan"]
    readonly_fields = ["public_id", "created_at"]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["course", "start_date", "end_date", "place", "capacity", "status"]
    list_filter = ["status"]
    raw_id_fields = ["course", "created_by"]
    readonly_fields = ["public_id", "created_at"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["person", "session", "attendance", "score", "passed"]
    raw_id_fields = ["person", "session", "enrolled_by", "study_record"]
    readonly_fields = ["public_id", "enrolled_at"]


@admin.register(TrainingCertificate)
class TrainingCertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "holder", "course", "issuer_name", "issued_on", "status"]
    list_filter = ["status"]
    search_fields = ["number", "holder__name"]
    raw_id_fields = ["enrolment", "holder", "course", "issuer", "revoked_by", "pack_version"]
    readonly_fields = ["public_id", "content", "content_hash", "created_at"]
