"""A file's rows checked in a stream: the header found, then batches of checked rows."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cqo.imports.rules.checker import row_checker
from cqo.imports.rules.columns import Header, looks_like_header, match_header
from cqo.imports.rules.rows import Reference, RowError, written_columns

HEADER_SEARCH_ROWS = 10  # title rows an official list may carry above its header
BATCH = 2000  # checked rows per event


def find_header(rows: Iterator[tuple[int, list[Any]]]) -> tuple[Header, int, int]:
    """The header (within the first rows: title rows may sit above it), its row number, and
    how many file rows were read to find it; ``ValidationError`` naming the expected columns."""
    first: list[Any] | None = None
    seen = read = 0
    for number, cells in rows:
        read += 1
        if is_empty(cells):
            continue
        if looks_like_header(cells):
            return match_header(cells), number, read
        first = first if first is not None else cells
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise ValidationError(_("文件中没有内容（应有表头行和数据行）"), code="empty")
    match_header(first)  # raises, naming the expected columns
    raise ValidationError(_("未找到表头行"), code="header")  # pragma: no cover


# A checked row as the stream carries it: (row number, USCC, USCC valid, the values of
# ``written_columns(header)`` in that order, errors). Plain tuples: a large file's rows cross
# between processes as pickles, and a tuple is the cheapest thing to pickle and unpickle.
Checked = tuple[int, str, bool, tuple[Any, ...], list[RowError]]


def check_stream(rows: Iterable[tuple[int, list[Any]]], ref: Reference) -> Iterator[Any]:
    """A file's rows, checked: first ``("header", header, header_row, rows_read)``, then
    ``("rows", rows_read, [Checked, …])`` batches of its non-empty rows. Pure, so
    it runs in the importer or, for a large file, in the process reading the file
    (``cqo.imports.worker``); the importer then does what needs the database."""
    rows = iter(rows)
    header, header_row, read = find_header(rows)
    yield "header", header, header_row, read
    check = row_checker(header, ref)
    empty = is_empty
    pick = operator.itemgetter(*written_columns(header))
    batch: list[Checked] = []
    read = 0
    for number, cells in rows:
        read += 1
        if empty(cells):
            continue
        row, errors = check(number, cells)
        batch.append((number, row.uscc, row.uscc_ok, pick(row.values), errors))
        if len(batch) >= BATCH:
            yield "rows", read, batch
            batch, read = [], 0
    yield "rows", read, batch


def is_empty(cells: Sequence[Any]) -> bool:
    for c in cells:
        if c is not None and c != "" and not (isinstance(c, str) and not c.strip()):
            return False
    return True
