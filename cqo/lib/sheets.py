"""Rows of a large xlsx sheet in bounded memory, read by python-calamine slice by slice; and the
frames a child process uses to stream results to its parent.

python-calamine reads a whole sheet into memory before the first row comes out (about 700 MB
for a 1,000,000-row, 13-column list) and holds the GIL while it parses. ``read_sliced``:

1. finds the workbook's first sheet (workbook.xml and its relationships, as calamine does) and
   streams that sheet's XML out of the zip, cutting it after every ``rows``-th ``</row>``;
2. wraps each slice in a small copy of the workbook (every other part unchanged, the sheet's
   ``<dimension>`` dropped so calamine sizes the range by the slice, the part after
   ``</sheetData>`` — merged cells — kept in every slice) and lets calamine read it, so cell
   types, shared strings, dates, formulas' cached values and merged ranges mean exactly what
   calamine says they mean for the whole file;
3. yields the rows as ``(row_number, cells)`` with 1-based sheet row numbers and cells from
   column A.

A workbook saved by Excel or WPS keeps its text in one shared-string table (``sharedStrings.xml``:
about three entries a row in an official list), which calamine parses whole for every workbook it
opens: handed to every slice, a million-row list's table would be parsed a hundred times over. So
the table is decompressed once into a temporary file with the place of each entry
(``SharedStrings``), and each slice is given only the entries its own cells use, renumbered
(``SharedStrings.for_slice``).

It raises ``SliceError`` for a layout it does not know (read the file whole then). The importer
runs it in a child process (``cqo.imports.worker``), which checks the rows too and sends them
as frames (``write_frame`` / ``Child``): the two processes overlap, and neither holds more than
a slice. Pickle is safe there: a parent reads only frames of the child it started, on a pipe.
Framing: 8-byte big-endian length, then the pickle of ``(kind, payload)``.

No Django here (STYLE: ``lib`` imports no app).
"""

from __future__ import annotations

import io
import itertools
import operator
import os
import pickle
import posixpath
import queue
import re
import struct
import subprocess
import sys
import tempfile
import threading
import zipfile
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

_FRAME = struct.Struct(">Q")
AHEAD = 8  # frames read ahead of the consumer (each a few hundred KB)
_BLOCK = 1 << 20
_SHEET_DATA = re.compile(rb"<sheetData\s*(/?)>")
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
# A shared-string cell's index: every ``t="s"`` attribute is matched, its index captured when the
# cell's value follows as calamine reads it; a match without one (another layout) makes the slice
# take the whole table, so no cell ever reads an empty placeholder.
# (An attribute whose name merely ends in "t" gives at worst an extra entry, or the whole table.)
_SHARED_CELL = re.compile(
    rb"""t\s*=\s*["']s["'][^>]*>\s*(?:<(?:[A-Za-z_][\w.-]*:)?v>\s*(\d+)\s*<)?"""
)
_USUAL_SHARED_CELL = re.compile(rb'(?<=\st="s"><v>)\d+(?=</v>)')
_OTHER_SHARED_CELL = re.compile(rb"""t\s*=\s*'s'|t\s+=\s*["']s|t=\s+["']s""")
_NOT_AN_ENTRY = re.compile(rb"<si(?![>/\s])|<!\[CDATA\[")
SHARED_STRINGS = "xl/sharedstrings.xml"  # the member calamine reads, in lower case
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


class SliceError(Exception):
    """The file is not an xlsx the slicer understands; read it whole instead."""


def first_sheet_part(book: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet (the one calamine's index 0 reads).

    The parts parsed here are a few KB of the uploaded file; ElementTree does not resolve
    external entities, and a billion-laughs expansion is bounded by the part's size limit.
    """
    try:
        if book.getinfo("xl/workbook.xml").file_size > 10 << 20:
            raise SliceError("workbook.xml is implausibly large")
        workbook = ET.fromstring(book.read("xl/workbook.xml"))  # noqa: S314
        rels = ET.fromstring(book.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ET.ParseError) as exc:
        raise SliceError(str(exc)) from exc
    sheet = workbook.find(f"{{{_MAIN_NS}}}sheets/{{{_MAIN_NS}}}sheet")
    if sheet is None:
        raise SliceError("the workbook lists no sheet")
    rid = sheet.get(f"{{{_REL_NS}}}id")
    for rel in rels.findall(f"{{{_PKG_REL_NS}}}Relationship"):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            part = posixpath.normpath(part)
            if part not in book.namelist():
                raise SliceError(f"the first sheet's part {part} is missing")
            return part
    raise SliceError("the first sheet has no relationship")


def _slices(book: zipfile.ZipFile, part: str, rows: int) -> Iterator[tuple[bytes, bytes, bytes]]:
    """``(head, rows_xml, tail)`` of each slice: the sheet XML before its rows (``<dimension>``
    dropped), ``rows`` consecutive ``<row>`` elements, and the XML after ``</sheetData>``.

    The blocks read are counted for ``</row>`` and joined only when they hold a slice, which
    one split then cuts (a million rows pay for no step of their own here)."""
    tail = _tail(book, part)
    with book.open(part) as stream:
        buffer = b""
        while (match := _SHEET_DATA.search(buffer)) is None:
            block = stream.read(_BLOCK)
            if not block:
                raise SliceError("the sheet has no <sheetData>")
            buffer += block
        head = _DIMENSION.sub(b"", buffer[: match.start()]) + b"<sheetData>"
        if match.group(1):  # <sheetData/>: no rows at all
            return
        if not tail:
            raise SliceError("the sheet has no </sheetData>")
        rest = buffer[match.end() :]
        blocks, ends = [rest], rest.count(b"</row>")
        while True:
            block = stream.read(_BLOCK)
            if block:
                # a </row> across the seam is in neither block's count
                ends += block.count(b"</row>") + (blocks[-1][-5:] + block[:5]).count(b"</row>")
                blocks.append(block)
            while ends >= rows:
                joined = b"".join(blocks)
                after = joined.split(b"</row>", rows)[-1]
                yield head, joined[: len(joined) - len(after)], tail
                blocks, ends = [after], ends - rows
            if not block:
                break
        buffer = b"".join(blocks)
        body = buffer[: buffer.rfind(b"</sheetData>")] if b"</sheetData>" in buffer else b""
        if body.strip():
            yield head, body, tail


def _tail(book: zipfile.ZipFile, part: str) -> bytes:
    """The sheet XML from ``</sheetData>`` to its end (merged cells live there), found in one
    streaming pass that keeps nothing before it; empty if the sheet has no ``</sheetData>``."""
    tail: bytes | None = None
    previous = b""
    with book.open(part) as stream:
        while block := stream.read(_BLOCK):
            if tail is not None:
                tail += block
                continue
            window = previous + block
            at = window.find(b"</sheetData>")
            if at >= 0:
                tail = window[at:]
            else:
                previous = window[-16:]
    return tail or b""


class SharedStrings:
    """A workbook's shared-string table in a temporary file, with where each entry starts, so
    that each slice is handed only the entries its cells use (``for_slice``)."""

    def __init__(self, book: zipfile.ZipFile, name: str) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115  (closed by close())
        self.starts = array("q")
        self.understood = True
        carry, base = b"", 0
        with book.open(name) as stream:
            while True:
                block = stream.read(_BLOCK)
                buffer = carry + block
                # a tag cut at the block's end is scanned with the next block
                cut = buffer.rfind(b"<") if block else len(buffer)
                scan, carry = buffer[: max(cut, 0)], buffer[max(cut, 0) :]
                self._scan(scan, base)
                self.file.write(scan)
                base += len(scan)
                if not block:
                    break
        # the table's own markup: before the first entry, and its closing tag
        self.file.seek(max(0, base - 4096))
        ending = self.file.read()
        close = ending.rfind(b"</sst>")
        if close < 0 or not self.starts:
            self.understood = False
            return
        self.end = base - len(ending) + close
        self.head = os.pread(self.file.fileno(), self.starts[0], 0)
        if not self.head.rstrip().endswith(b">") or b"<sst" not in self.head:
            self.understood = False

    def _scan(self, scan: bytes, base: int) -> None:
        """Note where each ``<si`` entry of ``scan`` (at ``base`` in the file) starts."""
        if _NOT_AN_ENTRY.search(scan):
            self.understood = False  # an element named si…, or text calamine reads otherwise
        pieces = scan.split(b"<si")
        if len(pieces) > 1:
            # piece k ends where entry k begins: the lengths (and the 3 bytes of each "<si")
            # added up, in C
            lengths = map(operator.add, map(len, pieces[:-1]), itertools.repeat(3))
            self.starts.extend(
                map(operator.add, itertools.accumulate(lengths), itertools.repeat(base - 3))
            )

    def whole(self) -> bytes:
        self.file.seek(0)
        return self.file.read()

    def _read(self, first: int, last: int) -> bytes:
        """Entries ``first`` to ``last``, as the file has them."""
        end = self.starts[last + 1] if last + 1 < len(self.starts) else self.end
        return os.pread(self.file.fileno(), end - self.starts[first], self.starts[first])

    def _settled(self, used: list[int]) -> bytes | None:
        """The table of a slice that needs no entry read: an empty one when no cell uses the
        table, the whole one when a cell's index is past its end (calamine reports it)."""
        if not used:
            return self.head + b"</sst>"
        if max(used) >= len(self.starts):
            return self.whole()
        return None

    def for_slice(self, body: bytes) -> tuple[bytes, bytes]:
        """A slice of sheet XML and the table to read it with.

        The usual layout (``t="s"><v>N</v>``, as Excel, WPS, LibreOffice and xlsxwriter write
        it): the slice's shared-string indices are renumbered in the order its cells use them,
        and the table holds those entries alone, so neither the work nor the memory of a slice
        grows with the table. Any other layout: the indices stay, and the table holds the
        entries the cells use in their places with an empty ``<si/>`` at every other index
        below the highest. A cell neither scan understands: the whole table."""
        if not self.understood:
            return body, self.whole()
        order: dict[bytes, bytes] = {}

        def renumber(match: re.Match[bytes]) -> bytes:
            index = match[0]
            new = order.get(index)
            if new is None:
                new = order[index] = b"%d" % len(order)
            return new

        renumbered, cells = _USUAL_SHARED_CELL.subn(renumber, body)
        # every t="s" renumbered, and none written another way that would keep its index
        if cells == body.count(b't="s"') and not _OTHER_SHARED_CELL.search(body):
            used = list(map(int, order))
            if (settled := self._settled(used)) is not None:
                return body, settled
            parts = [self.head]
            i, n = 0, len(used)
            while i < n:  # entries met in a row of the file are read in one go
                j = i
                while j + 1 < n and used[j + 1] == used[j] + 1:
                    j += 1
                parts.append(self._read(used[i], used[j]))
                i = j + 1
            parts.append(b"</sst>")
            return renumbered, b"".join(parts)
        return body, self._in_place(body)

    def _in_place(self, body: bytes) -> bytes:
        found = set(_SHARED_CELL.findall(body))
        if b"" in found:
            return self.whole()
        used = sorted(map(int, found))
        if (settled := self._settled(used)) is not None:
            return settled
        parts = [self.head]
        nxt = 0  # the next index to write

        def read(first: int, last: int) -> None:
            nonlocal nxt
            if first > nxt:
                parts.append(b"<si/>" * (first - nxt))
            parts.append(self._read(first, last))
            nxt = last + 1

        # A slice's cells use a few entries met early (the sheet's recurring values) and a
        # dense run of the entries first met in it: the run is read whole, unused entries
        # between its indices too (harmless: no cell reads them), the few others one by one.
        n = len(used)
        dense = next(k for k in range(n) if used[-1] - used[k] < 2 * (n - k))
        for k in range(dense):
            read(used[k], used[k])
        read(used[dense], used[-1])
        parts.append(b"</sst>")
        return b"".join(parts)

    def close(self) -> None:
        self.file.close()


def _slice_book(others: dict[str, bytes], part: str, xml: bytes) -> Any:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in others.items():
            z.writestr(name, data)
        z.writestr(part, xml)
    out.seek(0)
    return out


class _Slicer:
    """The workbook being read: its first sheet's part, every other part (the shared-string
    table aside), the table itself and the sheet's slices; ``close`` releases the file and the
    table."""

    def __init__(self, path: str, rows_per_slice: int, open_book: Callable[[Any], Any]) -> None:
        self.open_book = open_book
        self.book = zipfile.ZipFile(path)
        self.shared: SharedStrings | None = None
        self.table = ""
        try:
            self.part = first_sheet_part(self.book)
            names = [n for n in self.book.namelist() if n != self.part and not n.endswith("/")]
            table = [n for n in names if n.lower() == SHARED_STRINGS]
            if len(table) == 1:
                self.shared = SharedStrings(self.book, table[0])
                self.table = table[0]
                names.remove(table[0])
            self.others = {n: self.book.read(n) for n in names}
            self.slices = _slices(self.book, self.part, rows_per_slice)
            self.first = next(self.slices, None)
        except BaseException:
            self.close()
            raise

    def load(self, slice_: tuple[bytes, bytes, bytes]) -> Any:
        """The slice's sheet, as calamine reads it from a small copy of the workbook."""
        head, body, tail = slice_
        parts = self.others
        if self.shared is not None:
            body, strings = self.shared.for_slice(body)
            parts = {**self.others, self.table: strings}
        book = _slice_book(parts, self.part, head + body + tail)
        return self.open_book(book).get_sheet_by_index(0)

    def close(self) -> None:
        self.book.close()
        if self.shared is not None:
            self.shared.close()


def read_sliced(
    path: str, rows_per_slice: int
) -> tuple[list[Any], Iterator[tuple[int, list[Any]]]]:
    """The sheet's merged ranges (calamine's ``merged_cell_ranges``) and its rows, one slice in
    memory at a time; empty rows may be left out."""
    from python_calamine import CalamineWorkbook

    slicer = _Slicer(path, rows_per_slice, CalamineWorkbook.from_filelike)
    first = slicer.first
    if first is None:
        slicer.close()
        return [], iter(())
    try:
        sheet = slicer.load(first)
        merged = list(sheet.merged_cell_ranges or [])
    except BaseException:
        slicer.close()
        raise
    return merged, _sliced_rows(slicer, first, sheet)


def _sliced_rows(
    slicer: _Slicer, current: tuple[bytes, bytes, bytes], sheet: Any
) -> Iterator[tuple[int, list[Any]]]:
    """The rows of ``current`` (read as ``sheet``) and of every slice after it, numbered as in
    the sheet; the workbook is closed when they end or are given up."""
    rows_before = 0  # rows of earlier slices, for sheets whose rows carry no r=""
    try:
        while True:
            body = current[1]
            numbered = _ROW_NUMBER.search(body) is not None
            # to_python skips the empty rows and columns before the first cell (iter_rows
            # would start at row 1: a million empty rows before the last slice)
            start_row, start_col = sheet.start if sheet.start else (0, 0)
            offset = start_row if numbered else rows_before + start_row
            pad = [""] * start_col
            for i, cells in enumerate(sheet.to_python(skip_empty_area=True)):
                yield offset + i + 1, pad + cells if pad else cells
            rows_before += body.count(b"<row")
            following = next(slicer.slices, None)
            if following is None:
                return
            current, sheet = following, slicer.load(following)
    finally:
        slicer.close()


def write_frame(out: Any, kind: str, payload: Any) -> None:
    data = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_FRAME.pack(len(data)))
    out.write(data)
    out.flush()


class Child:
    """Start ``python -m <module>`` in the project root, hand it ``payload`` (pickled on its
    stdin), iterate the frames it writes to stdout; ``close`` always reaps it."""

    def __init__(self, module: str, payload: Any) -> None:
        root = Path(__file__).resolve().parents[2]
        self.finished = False
        self.stopping = threading.Event()
        self.reader: threading.Thread | None = None
        # stderr to a file, not a pipe: a chatty child must never block on a full pipe
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115  (closed by close())
        self.proc = subprocess.Popen(  # noqa: S603  (our own module, fixed arguments)
            [sys.executable, "-m", module],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
        )
        assert self.proc.stdin is not None  # noqa: S101  (Popen with stdin=PIPE)
        try:
            self.proc.stdin.write(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
            self.proc.stdin.close()
        except BrokenPipeError:
            pass  # it died at once; frames() reports what it wrote to stderr

    def frames(self, last: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
        """The child's frames up to one whose kind is in ``last``; a child that stops without
        one yields ``("crashed", <the end of its stderr>)``.

        A thread reads the pipe into a bounded queue (reading releases the GIL), so the child
        never waits on a full pipe while this process works on the frames it already has: the
        two run side by side, at most ``AHEAD`` frames apart."""
        raw: queue.Queue[bytes | None] = queue.Queue(maxsize=AHEAD)
        self.reader = threading.Thread(target=self._read, args=(raw,), daemon=True)
        self.reader.start()
        while (data := raw.get()) is not None:
            kind, payload = pickle.loads(data)  # noqa: S301  (frames of our own child process)
            if kind in last:
                self.finished = True
                yield kind, payload
                return
            yield kind, payload
        self.proc.wait()
        self.stderr.seek(0)
        err = self.stderr.read().decode(errors="replace")
        yield "crashed", err.strip()[-2000:] or f"exit status {self.proc.returncode}"

    def _read(self, raw: queue.Queue[bytes | None]) -> None:
        stdout = self.proc.stdout
        assert stdout is not None  # noqa: S101  (Popen with stdout=PIPE)
        try:
            while len(size := stdout.read(_FRAME.size)) == _FRAME.size:
                if not self._put(raw, stdout.read(_FRAME.unpack(size)[0])):
                    return
        except (OSError, ValueError):
            pass  # the pipe was closed under us: close() is reaping the child
        self._put(raw, None)

    def _put(self, raw: queue.Queue[bytes | None], item: bytes | None) -> bool:
        """Queue ``item`` unless the consumer has gone (close() was called)."""
        while not self.stopping.is_set():
            try:
                raw.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def close(self) -> None:
        """Reap the child: one that sent its last frame may take a moment to exit; one that
        did not (the parent gave up on it) is killed."""
        self.stopping.set()
        try:
            self.proc.wait(timeout=10 if self.finished else 0)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.reader is not None:  # the child is gone: its pipe ends, so does the reader
            self.reader.join(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.stderr.close()
