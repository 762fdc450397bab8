"""The admin shows the enterprise side read-only: changes go through the services (validation,
workflow, audit trail)."""

from django.contrib import admin

from cqo.audit.admin import ReadOnlyAdmin
from cqo.evaluation.models import (
    CostAccount,
    CostEntry,
    CostTarget,
    Evaluation,
    EvaluationSettings,
    ImprovementTask,
    QualityLoss,
    Revenue,
    SelfAssessment,
)


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "appointment", "period_start", "total", "decision", "status"]
    list_filter = ["status", "decision", "form_kind"]
    search_fields = ["enterprise__name", "enterprise__uscc", "appointment__person__name"]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "year", "assessor_kind", "total", "status"]
    list_filter = ["status", "assessor_kind"]
    search_fields = ["enterprise__name", "enterprise__uscc"]


@admin.register(ImprovementTask)
class ImprovementTaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "assessment", "owner", "due_date", "status"]
    list_filter = ["status"]
    search_fields = ["title", "owner", "assessment__enterprise__name"]


@admin.register(CostAccount)
class CostAccountAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "category", "name", "department"]
    list_filter = ["category"]
    search_fields = ["name", "enterprise__name"]


@admin.register(CostEntry)
class CostEntryAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "account", "year", "quarter", "amount"]
    list_filter = ["year", "quarter"]
    search_fields = ["enterprise__name", "account__name"]


@admin.register(QualityLoss)
class QualityLossAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "occurred_on", "kind_label", "effect", "amount"]
    list_filter = ["effect", "kind"]
    search_fields = ["enterprise__name", "description"]


@admin.register(Revenue, CostTarget, EvaluationSettings)
class PlainAdmin(ReadOnlyAdmin):
    search_fields = ["enterprise__name"]
