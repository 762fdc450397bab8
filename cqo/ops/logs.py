"""Structured logs: the request context of each record, and the JSON lines of production.

The request's id lives in a context variable set by ``cqo.ops.middleware.RequestIdMiddleware``
for the duration of the request (a thread of a gunicorn worker, or a task of an ASGI server), so
any record logged while it runs — by a view, a service, Django itself — carries it.
Records carry ids only, never personal data: the user is their primary key.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "cqo_request_id", default=None
)

_base_factory = logging.getLogRecordFactory()


def _record_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    record.request_id = request_id.get()
    return record


def forget_request(**kwargs: Any) -> None:
    """request_finished: the response is closed, later records belong to no request."""
    request_id.set(None)


def install_record_factory() -> None:
    """Every record made from now on carries the current request's id (or None), whichever
    handler receives it: the console, a test's capture, an error reporter."""
    if logging.getLogRecordFactory() is not _record_factory:
        logging.setLogRecordFactory(_record_factory)


class RequestContextFilter(logging.Filter):
    """For records made before the app registry installed the factory (Django starting up)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


# gunicorn's access log passes the request's atoms as the record's arguments
# (gunicorn.glogging.Logger.atoms); these are the ones worth a field
_ACCESS_ATOMS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "s": "status",
    "B": "bytes",
    "{x-request-id}o": "request_id",
}


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, message, the request id and every extra
    field the caller passed (``log.info(..., extra={"status": 200})``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", ["levelname", "name", "message"])
        kwargs.setdefault("rename_fields", {"levelname": "level"})
        kwargs.setdefault("timestamp", "time")  # ISO 8601, UTC
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            for atom, field in _ACCESS_ATOMS.items():
                value = atoms.get(atom)
                if value not in (None, "-"):
                    log_data[field] = value
            status = str(log_data.get("status", ""))
            if status.isdigit():
                log_data["status"] = int(status)  # as the application's request records
            duration_us = atoms.get("D")
            if isinstance(duration_us, int):
                log_data["duration_ms"] = round(duration_us / 1000, 1)
        if log_data.get("request_id") is None:
            log_data.pop("request_id", None)
