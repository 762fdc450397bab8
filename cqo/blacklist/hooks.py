"""Who is told of a listing, registered by the apps above blacklist when they start (STYLE.md,
"Dependencies between apps"): an exit listing asks the certification body of each of the
person's certificates in force for a review (SPEC §12.15); a warning listing notifies it and is
shown on the certificate's record (level-standard §11)."""

from __future__ import annotations

from typing import Protocol


class ExitListener(Protocol):
    def __call__(self, *, holder_id: int, reference: str, reason: str) -> object: ...


_exit_listeners: dict[str, ExitListener] = {}
_warning_listeners: dict[str, ExitListener] = {}


def listen_to_exits(name: str, listener: ExitListener) -> None:
    """Called at start-up; ``name`` keeps a second registration from doubling the call."""
    _exit_listeners[name] = listener


def exit_listed(*, holder_id: int, reference: str, reason: str) -> None:
    """An exit listing of the person took effect: each listener is told (``reference``, the
    listing's public id, lets a listener act once per listing)."""
    for listener in _exit_listeners.values():
        listener(holder_id=holder_id, reference=reference, reason=reason)


def listen_to_warnings(name: str, listener: ExitListener) -> None:
    """Called at start-up, as ``listen_to_exits``, for warning (警示) listings."""
    _warning_listeners[name] = listener


def warning_listed(*, holder_id: int, reference: str, reason: str) -> None:
    """A warning listing of the person was issued: each listener is told, once per listing."""
    for listener in _warning_listeners.values():
        listener(holder_id=holder_id, reference=reference, reason=reason)
