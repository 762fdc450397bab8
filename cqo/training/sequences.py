"""Certificate numbers: the next number under a prefix, allocated once (training certificates by
PX + region + year, level certificates by body code + year; each app keeps its own table)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction


def next_in_sequence(sequences: models.Manager[Any], prefix: str) -> int:
    """The next sequence number under ``prefix``, counted in a row of ``sequences`` (a manager of
    a model with ``prefix`` unique and ``last``). Call inside a transaction: the row stays locked
    until it ends, so two concurrent issues never get the same number."""
    try:
        with transaction.atomic():
            sequences.get_or_create(prefix=prefix)
    except IntegrityError:  # created by a concurrent issue: use theirs
        pass
    seq = sequences.select_for_update().get(prefix=prefix)
    seq.last += 1
    seq.save(update_fields=["last"])
    return int(seq.last)
