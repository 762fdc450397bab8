"""Rows of a spreadsheet or CSV file, streamed (ECOSYSTEM §6: python-calamine reads xlsx, xls,
xlsb and ods about ten times faster than openpyxl; formulas come back as their cached values).

Each reader yields ``(row_number, cells)`` with the row number a person sees in Excel (1-based)
or in a text editor (the CSV line's record number).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import pickle
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from cqo.imports import rules
from cqo.lib import sheets, uploads

SPREADSHEET = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
SUFFIXES = (*SPREADSHEET, ".csv")


@dataclass
class Source:
    rows: Iterator[tuple[int, list[Any]]]
    total: int  # rows in the sheet incl. the header; an estimate for CSV


def kind_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(_("只能导入 xlsx、xls、ods 或 csv 文件"), code="file_type")
    return suffix


# the largest list or archive file accepted (an import's own limit, above the upload checks')
MAX_FILE_BYTES = 512 * 1024 * 1024


def upload_digest(upload: Any) -> tuple[str, int]:
    """The SHA-256 and size of an uploaded file (kept with the import, named in its audit
    entry), read once in chunks; an empty or oversized file is refused."""
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    if size == 0:
        raise ValidationError({"file": [_("文件为空")]})
    if size > MAX_FILE_BYTES:
        raise ValidationError({"file": [_("文件不能超过512MB")]})
    return digest.hexdigest(), size


def upload_name(upload: Any, errors: dict[str, list[str]]) -> str:
    """The name of an uploaded list or archive file once every import's checks have passed:
    a readable kind by its name, then size, type by content and zip/xlsx bombs, refused before
    the file is stored or parsed. Raises ``errors`` (the caller's other fields) with the file's
    own, if any."""
    name = PurePath(upload.name or "").name[:255]
    try:
        kind_of(name)
        uploads.check_list(upload)
    except ValidationError as exc:
        errors["file"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return name


def open_source(path: str, name: str) -> Source:
    """The file's rows, read in this process (a whole sheet at once)."""
    if kind_of(name) == ".csv":
        return _csv(path)
    return open_whole(path)


def checked(path: str, name: str, ref: rules.Reference) -> tuple[Iterator[Any], int]:
    """The events of ``rules.check_stream`` over the file's rows, and about how many rows it
    has (for progress). A large xlsx (sheet XML of ``CQO_IMPORT_SLICE_BYTES`` or more) is read
    and checked slice by slice in a child process (``cqo.imports.worker``): memory stays that
    of a slice, and reading and checking overlap with writing."""
    if kind_of(name) in (".xlsx", ".xlsm"):
        part_size = _sheet_part_size(path)
        if part_size is not None and part_size >= settings.CQO_IMPORT_SLICE_BYTES:
            return _from_worker(path, ref), _dimension_rows(path) or part_size // 300
    source = open_source(path, name)
    return rules.check_stream(source.rows, ref), source.total


def _unreadable(exc: object) -> ValidationError:
    message = _("无法读取该表格文件：%(error)s") % {"error": exc}
    return ValidationError(message, code="file_unreadable")


_CHILD_SETTINGS = (
    "USE_I18N",
    "LANGUAGE_CODE",
    "LANGUAGES",
    "LOCALE_PATHS",
    "USE_TZ",
    "TIME_ZONE",
    "CQO_MIN_AGE",
    "CQO_MAX_AGE",
)


def _from_worker(path: str, ref: rules.Reference) -> Iterator[Any]:
    # the reference is pickled apart: the child unpickles it once Django is configured
    payload = pickle.dumps(
        (path, ref, settings.CQO_IMPORT_SLICE_ROWS, translation.get_language()),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    child = sheets.Child(
        "cqo.imports.worker", ({k: getattr(settings, k) for k in _CHILD_SETTINGS}, payload)
    )
    try:
        for kind, payload in child.frames(last=("end", "invalid", "unreadable", "error")):
            if kind == "event":
                yield payload
            elif kind == "invalid":
                messages, code = payload
                raise ValidationError(messages[0] if len(messages) == 1 else messages, code=code)
            elif kind == "unreadable":
                raise _unreadable(payload)
            elif kind != "end":  # error, crashed
                raise RuntimeError(f"the list reader failed: {payload}")
    finally:
        child.close()


def open_whole(path: str) -> Source:
    """The whole first sheet through calamine in this process (small files, xls, xlsb, ods)."""
    try:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        merged = sheet.merged_cell_ranges or []
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        raise _unreadable(exc) from exc
    # iter_rows starts at the sheet's row 1 but at its first column with content: pad the
    # columns so that every cell stays in its column whatever the file
    start_row, start_col = sheet.start if sheet.start else (0, 0)
    pad = [""] * start_col

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for index, cells in enumerate(sheet.iter_rows(), start=1):
                yield index, pad + cells if pad else cells
        except CalamineError as exc:
            raise _unreadable(exc) from exc

    return Source(rows=filled(rows(), merged), total=start_row + sheet.height)


def _sheet_part_size(path: str) -> int | None:
    """The uncompressed size of the first sheet's XML; None if the zip is not one we slice."""
    try:
        with zipfile.ZipFile(path) as book:
            return book.getinfo(sheets.first_sheet_part(book)).file_size
    except (zipfile.BadZipFile, OSError, KeyError, sheets.SliceError):
        return None


def _dimension_rows(path: str) -> int:
    with zipfile.ZipFile(path) as book, book.open(sheets.first_sheet_part(book)) as stream:
        match = re.search(rb'<dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"', stream.read(4096))
    return int(match.group(1)) if match else 0


def filled(
    rows: Iterator[tuple[int, list[Any]]], merged: list[Any]
) -> Iterator[tuple[int, list[Any]]]:
    """A range merged over several rows shows its top value on each of them; fill it down in
    its first column so each row carries what the reader of the sheet sees (only on rows with
    content of their own: a merge does not make a row). Rows and columns are the sheet's,
    0-based in ``merged``."""
    fills: dict[int, list[tuple[int, int]]] = {}
    wanted: dict[int, list[int]] = {}
    for (r1, c1), (r2, _c2) in merged:
        if r2 > r1:
            wanted.setdefault(r1, []).append(c1)
            for r in range(r1 + 1, r2 + 1):
                fills.setdefault(r, []).append((c1, r1))
    if not fills:
        yield from rows
        return
    tops: dict[tuple[int, int], Any] = {}
    for number, cells in rows:
        index = number - 1
        for col in wanted.get(index, ()):
            if col < len(cells):
                tops[(index, col)] = cells[col]
        if index in fills and any(c not in ("", None) for c in cells):
            for col, r1 in fills[index]:
                if 0 <= col < len(cells) and cells[col] in ("", None):
                    cells[col] = tops.get((r1, col), "")
        yield number, cells


def _encoding(path: str) -> str:
    """UTF-8 (with or without BOM) if every byte decodes as such, else GB18030 (Excel and WPS
    on Chinese Windows save CSV in the ANSI code page)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


def _csv(path: str) -> Source:
    encoding = _encoding(path)
    size = Path(path).stat().st_size
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(1 << 16)
    lines = max(1, sample.count("\n"))
    estimate = max(lines, round(size / max(1, len(sample.encode(encoding, "replace"))) * lines))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        # A cell may be as long as the file (which the upload limit bounds): an over-long cell
        # is then a row error naming its column's limit (rules.check_stream), not a refusal of
        # the whole file by the csv module's default of 131,072 characters.
        csv.field_size_limit(max(size, csv.field_size_limit()))
        with open(path, encoding=encoding, errors="replace", newline="") as handle:
            try:
                for index, cells in enumerate(csv.reader(handle)):
                    yield index + 1, cells
            except csv.Error as exc:
                raise ValidationError(
                    _("CSV 文件格式错误：%(error)s") % {"error": exc}, code="file_unreadable"
                ) from exc

    return Source(rows=rows(), total=estimate if size else 0)
