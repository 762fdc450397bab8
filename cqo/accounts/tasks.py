"""Periodic work of the accounts app on Celery (config/celery.py); in-process without a broker."""

from __future__ import annotations

from celery import shared_task

from cqo.accounts import services


@shared_task(name="cqo.accounts.tasks.keys_register")
def keys_register() -> int:
    """Daily: note the keys in use in the key register (密钥台账), so a key's age counts from the
    day it was first used even when nobody opens the 安全合规 page."""
    return services.keys_register()
