"""Scheduled work of the audit trail (config/celery.py; CQO_MINUTE_JOBS, CQO_DAILY_JOBS)."""

from __future__ import annotations

from celery import shared_task

from cqo.audit import services


@shared_task(name="cqo.audit.tasks.audit_seal")
def audit_seal() -> int:
    """Every minute: seal the entries written since into the hash chain."""
    return services.audit_seal()


@shared_task(name="cqo.audit.tasks.audit_verify")
def audit_verify() -> int:
    """Daily: walk the whole chain and store the result for the audit administrator's page;
    a break is logged as an error (GB/T 22239-2019 8.1.4.3 c))."""
    return services.audit_verify().checked
