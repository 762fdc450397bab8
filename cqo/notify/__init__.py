"""Notices that reach people: every notice of the platform goes through ``notice_send``, which
records it once per recipient, kind, subject and channel in the outbox; a Celery task delivers
each row in the platform, by e-mail or by SMS, with retries (SPEC §5 and §9 reminders)."""
