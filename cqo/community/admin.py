"""Read-only admin views of the community: every change goes through the services (audited)."""

from django.contrib import admin

from cqo.audit.admin import ReadOnlyAdmin
from cqo.community.models import (
    Alliance,
    Answer,
    CaseCompetition,
    Event,
    Membership,
    Post,
    Registration,
    Submission,
)


@admin.register(Alliance)
class AllianceAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "region__name"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["person", "alliance", "state", "role", "officer_title", "applied_at"]
    list_filter = ["state", "role"]
    search_fields = ["person__name", "alliance__name"]
    raw_id_fields = ["person", "alliance", "decided_by"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["title", "alliance", "kind", "starts_at", "capacity", "counts_hours", "state"]
    list_filter = ["kind", "state", "counts_hours"]
    search_fields = ["title", "venue"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["person", "event", "state", "attended", "registered_at"]
    list_filter = ["state", "attended"]
    raw_id_fields = ["person", "event", "study_record"]


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["title", "alliance", "kind", "author", "hidden", "created_at"]
    list_filter = ["kind", "hidden"]
    search_fields = ["title"]
    raw_id_fields = ["author", "alliance", "accepted_answer"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["post", "author", "hidden", "created_at"]
    list_filter = ["hidden"]
    raw_id_fields = ["post", "author"]


@admin.register(CaseCompetition)
class CaseCompetitionAdmin(ReadOnlyAdmin):
    list_display = ["title", "region", "submission_opens", "judging_closes", "published_at"]
    search_fields = ["title"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["title", "competition", "person", "enterprise", "method", "rank", "score"]
    list_filter = ["method", "awarded", "state"]
    search_fields = ["title", "enterprise__name"]
    raw_id_fields = ["person", "enterprise", "competition"]
