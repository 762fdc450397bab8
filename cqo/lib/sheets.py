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

It raises ``SliceError`` for a layout it does not know (read the file whole then). The importer
runs it in a child process (``cqo.imports.worker``), which checks the rows too and sends them
as frames (``write_frame`` / ``Child``): the two processes overlap, and neither holds more than
a slice. Pickle is safe there: a parent reads only frames of the child it started, on a pipe.
Framing: 8-byte big-endian length, then the pickle of ``(kind, payload)``.

No Django here (STYLE: ``lib`` imports no app).
"""

from __future__ import annotations

import io
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

_FRAME = struct.Struct(">Q")
AHEAD = 8  # frames read ahead of the consumer (each a few hundred KB)
_BLOCK = 1 << 20
_SHEET_DATA = re.compile(rb"<sheetData\s*(/?)>")
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
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
    dropped), ``rows`` consecutive ``<row>`` elements, and the XML after ``</sheetData>``."""
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
        buffer = buffer[match.end() :]
        count, cut, done = 0, 0, False
        while not done:
            block = stream.read(_BLOCK)
            done = not block
            buffer += block
            # cut after every ``rows``-th ``</row>`` in what has arrived
            while True:
                end = buffer.find(b"</row>", cut)
                if end < 0:
                    break
                cut = end + 6
                count += 1
                if count == rows:
                    yield head, buffer[:cut], tail
                    buffer, cut, count = buffer[cut:], 0, 0
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


def _slice_book(others: dict[str, bytes], part: str, xml: bytes) -> Any:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in others.items():
            z.writestr(name, data)
        z.writestr(part, xml)
    out.seek(0)
    return out


def read_sliced(
    path: str, rows_per_slice: int
) -> tuple[list[Any], Iterator[tuple[int, list[Any]]]]:
    """The sheet's merged ranges (calamine's ``merged_cell_ranges``) and its rows, one slice in
    memory at a time; empty rows may be left out."""
    from python_calamine import CalamineWorkbook

    book = zipfile.ZipFile(path)
    try:
        part = first_sheet_part(book)
        others = {n: book.read(n) for n in book.namelist() if n != part and not n.endswith("/")}
        slices = _slices(book, part, rows_per_slice)
        first = next(slices, None)
    except BaseException:
        book.close()
        raise
    if first is None:
        book.close()
        return [], iter(())

    def load(slice_: tuple[bytes, bytes, bytes]) -> Any:
        head, body, tail = slice_
        return CalamineWorkbook.from_filelike(
            _slice_book(others, part, head + body + tail)
        ).get_sheet_by_index(0)

    sheet = load(first)
    merged = list(sheet.merged_cell_ranges or [])

    def rows() -> Iterator[tuple[int, list[Any]]]:
        nonlocal sheet
        rows_before = 0  # rows of earlier slices, for sheets whose rows carry no r=""
        current = first
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
                rows_before += body.count(b"<row ") + body.count(b"<row>")
                following = next(slices, None)
                if following is None:
                    return
                current, sheet = following, load(following)
        finally:
            book.close()

    return merged, rows()


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
