"""Show an audit entry's changes with field labels and choice labels, not raw codes."""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

register = template.Library()

# target_type of an AuditEntry -> the model whose field labels describe its changes
TARGET_MODELS = {
    "enterprise": "registry.Enterprise",
    "person": "registry.Person",
    "appointment": "registry.Appointment",
    "listing": "blacklist.Listing",
    "appeal": "blacklist.Appeal",
    "pack_version": "policy.PackVersion",
    "study_record": "hours.StudyRecord",
    "hour_reminder": "hours.HourReminder",
    "training_plan": "training.TrainingPlan",
    "course": "training.Course",
    "training_session": "training.Session",
    "enrolment": "training.Enrolment",
    "training_certificate": "training.TrainingCertificate",
    "talent_entry": "talent.TalentEntry",
    "level_application": "certification.Application",
    "level_certificate": "certification.LevelCertificate",
    "certification_body": "certification.CertificationBody",
    "certification_expert": "certification.Expert",
    "community_alliance": "community.Alliance",
    "community_membership": "community.Membership",
    "community_event": "community.Event",
    "community_registration": "community.Registration",
    "community_post": "community.Post",
    "community_answer": "community.Answer",
    "community_competition": "community.CaseCompetition",
    "community_submission": "community.Submission",
}


def _label(value: Any, field: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dict):  # a structured value (e.g. scores by indicator)
        return "，".join(f"{k}={_label(v, None)}" for k, v in value.items())
    choices = dict(getattr(field, "choices", None) or [])
    if isinstance(value, list):
        base = getattr(field, "base_field", None)
        return "、".join(_label(v, base) if base else str(v) for v in value)
    return str(choices.get(value, value))


@register.simple_tag
def audit_changes(entry: Any) -> list[tuple[str, str, str]]:
    """[(field label, before, after)] for an entry."""
    model_name = TARGET_MODELS.get(entry.target_type)
    model = apps.get_model(model_name) if model_name else None
    rows = []
    for name, change in (entry.changes or {}).items():
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
        if field is None and name == "status" and hasattr(model, "State"):
            # a derived state recorded with a transition (e.g. a listing in force → revoked)
            state = dict(model.State.choices)  # type: ignore[union-attr]
            before, after = (
                ([*change, None, None])[:2] if isinstance(change, list) else (None, change)
            )
            rows.append(
                (_("状态"), str(state.get(before, before or "—")), str(state.get(after, after)))
            )
            continue
        if field is None:
            label = name
        elif hasattr(field, "verbose_name"):
            label = str(field.verbose_name)
        else:  # a reverse relation, e.g. a person's qualifications
            label = str(field.related_model._meta.verbose_name_plural)
        before, after = ([*change, None, None])[:2] if isinstance(change, list) else (None, change)
        if name == "departments_led":
            from cqo.reference.enums import LedDepartment

            names = dict(LedDepartment.choices)
            rows.append(
                (
                    label,
                    "、".join(str(names.get(v, v)) for v in before or []) or "—",
                    "、".join(str(names.get(v, v)) for v in after or []) or "—",
                )
            )
            continue
        rows.append((label, _label(before, field), _label(after, field)))
    return rows
