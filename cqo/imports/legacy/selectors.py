"""Reads of the archive migration: where a migrated record came from, how far a file is."""

from __future__ import annotations

from django.core.cache import cache

from cqo.imports.legacy.job import progress_key
from cqo.imports.legacy.models import LegacyFile, LegacyOrigin


def legacy_origin(*, target_type: str, target_id: str) -> LegacyOrigin | None:
    """The file and row a record was migrated from (by whom and when: the file's uploader and
    finish time); None for a record made in the platform."""
    return (
        LegacyOrigin.objects.select_related("file__uploaded_by")
        .filter(target_type=target_type, target_id=target_id)
        .first()
    )


def legacy_progress(lf: LegacyFile) -> tuple[int, int]:
    """(rows read, rows in the file) of a running file, else of its finished run."""
    running = cache.get(progress_key(lf.pk))
    if running is not None:
        return running  # type: ignore[no-any-return]
    return lf.progress_done, lf.progress_total
