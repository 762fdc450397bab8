"""Collecting a service's field errors and reading plain input (used by every app's
services): one submission reports every problem at once, keyed by field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

Data = Mapping[str, Any]


class Errors:
    """Collects field errors so one submission reports every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: Any) -> None:
        msgs = message.messages if isinstance(message, ValidationError) else [str(message)]
        self.errors.setdefault(field, []).extend(msgs)

    def run(self, field: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """``fn(*args)``; a ValidationError it raises is kept under ``field``."""
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            self.add(field, exc)
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def text(data: Data, key: str) -> str:
    """A trimmed string input. NUL is dropped: PostgreSQL text cannot hold it."""
    value = data.get(key)
    return "" if value is None else str(value).replace("\x00", "").strip()


class TooManyRequests(Exception):
    """The client has used up a rate limit; the API answers 429 with ``Retry-After``."""

    def __init__(self, message: str, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def rate_limited_page(request: HttpRequest, retry_after: int = 60) -> HttpResponse:
    """The page answer to a client over a rate limit: 429, in the user's language."""
    from django.shortcuts import render

    response = render(request, "limited.html", status=429)
    response["Retry-After"] = str(retry_after)
    return response
