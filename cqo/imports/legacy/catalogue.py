"""The kinds of archive file the migration reads so far. A kind declared on ``LegacyFile.Kind``
but not listed here is refused when a file of it is uploaded."""

from __future__ import annotations

from cqo.imports.legacy import appointments, hours, level, persons, training
from cqo.imports.legacy.kinds import KindSpec
from cqo.imports.legacy.models import LegacyFile

KINDS: dict[str, KindSpec] = {
    LegacyFile.Kind.PERSONS: persons.SPEC,
    LegacyFile.Kind.APPOINTMENTS: appointments.SPEC,
    LegacyFile.Kind.TRAINING_CERTIFICATES: training.SPEC,
    LegacyFile.Kind.LEVEL_CERTIFICATES: level.SPEC,
    LegacyFile.Kind.HOURS: hours.SPEC,
}
