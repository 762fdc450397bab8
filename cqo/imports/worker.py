"""The child process that reads and checks a large enterprise list (``readers.checked``).

Started as ``python -m cqo.imports.worker`` with ``(path, reference, rows_per_slice,
language)`` pickled on stdin. It reads the xlsx slice by slice (``cqo.lib.sheets``), fills
merged ranges down, checks every row (``rules.check_stream``: pure functions, no database) and
writes the events as frames to stdout, while its parent — the import — deduplicates, writes
and reports the rows already sent. Frames: ``event`` (one of ``check_stream``'s), ``end``,
``invalid`` (a ValidationError: messages and code), ``unreadable`` (a broken file), ``error``.
"""

from __future__ import annotations

import pickle
import sys
import zipfile
from typing import Any


def main(stdin: Any, out: Any) -> None:
    # the settings the checks read (translations, time zone, age bounds), and no app: the rules
    # are pure functions, and loading every app would double the process's memory
    settings_, payload = pickle.loads(stdin.read())  # noqa: S301  (our parent's payload)
    import django
    from django.conf import settings

    settings.configure(INSTALLED_APPS=[], **settings_)
    django.setup()
    path, ref, rows_per_slice, language = pickle.loads(payload)  # noqa: S301  (our parent's)
    from django.core.exceptions import ValidationError
    from django.utils import translation
    from python_calamine import CalamineError

    from cqo.imports import readers, rules
    from cqo.lib import sheets

    translation.activate(language)
    try:
        try:
            merged, rows = sheets.read_sliced(path, rows_per_slice)
            events = rules.check_stream(readers.filled(rows, merged), ref)
        except sheets.SliceError:
            events = rules.check_stream(readers.open_whole(path).rows, ref)
        for event in events:
            sheets.write_frame(out, "event", event)
        sheets.write_frame(out, "end", None)
    except ValidationError as exc:
        sheets.write_frame(out, "invalid", (exc.messages, getattr(exc, "code", None)))
    except (CalamineError, zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        sheets.write_frame(out, "unreadable", str(exc))
    except Exception as exc:
        sheets.write_frame(out, "error", f"{type(exc).__name__}: {exc}")
        raise SystemExit(1) from None


if __name__ == "__main__":
    main(sys.stdin.buffer, sys.stdout.buffer)
