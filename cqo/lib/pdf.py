"""PDFs from HTML templates (WeasyPrint, with Debian's Noto CJK fonts for the Chinese text and
Hanazono and BabelStone Han for the rare characters Noto lacks) and what the printed pages
share: QR codes and dates written the Chinese way.

Everything a page needs is inlined (QR codes and photos as data URIs), so the fetcher refuses
every other scheme: a value typed into a form can never make the renderer read a local file or
call the network.

A render has a bounded cost. Every text that reaches a page is bounded in length where it is
typed (cqo/lib/bounds.py), and each render runs in a child process that is killed after
``CQO_PDF_TIMEOUT_SECONDS``: a page that would still take longer raises ``RenderTimeout`` (503
with ``Retry-After``, cqo/lib/faults.py) instead of holding a web or Celery worker, and the
child's memory goes back to the system when it exits. Children are forked from a forkserver
that has already loaded WeasyPrint and the fonts (``_WARM_UP``), so a render costs what it cost
in-process plus a few milliseconds; one such server is started per process on its first render
and ends with it. The forkserver never holds the parent's threads or database connections, so
this is safe under gunicorn's sync and threaded workers, runserver's threads and Celery's
prefork workers alike.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import re
import resource
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from multiprocessing.process import AuthenticationString  # type: ignore[attr-defined]  # not in the stubs
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.utils.translation import gettext

# The families every PDF template lists, in order: Noto CJK for the text, then Hanazono
# (HanaMinA: the BMP, HanaMinB: Extensions B–F) and BabelStone Han for the rare characters
# (GB 18030-2022) that Noto CJK lacks, DejaVu Sans for the ballot boxes ☐☑. The forkserver warms
# these up once, so no child pays for loading them.
FONT_FAMILIES = (
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "HanaMinA",
    "HanaMinB",
    "BabelStone Han",
    "DejaVu Sans",
)
_WARM_UP = "".join(
    f"<p style=\"font-family: '{family}'\">首席质量官 Aa1 𠀀 ☐☑</p>" for family in FONT_FAMILIES
)
_CONTEXT = multiprocessing.get_context("forkserver")
# The server imports the parent's main module once (so no child imports it again) and warms up.
_CONTEXT.set_forkserver_preload(["__main__", "cqo.lib.pdf_warm"])
_ROOT = str(Path(__file__).resolve().parents[2])
_started = threading.Lock()
_weasyprint_log = logging.getLogger("weasyprint")


class RenderError(RuntimeError):
    """The child could not render the page (a renderer bug, or the child was killed)."""


class RenderTimeout(RenderError):
    """The render ran past ``CQO_PDF_TIMEOUT_SECONDS`` and was stopped."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            gettext(
                "生成 PDF 超过 %(seconds)s 秒仍未完成，已停止。请稍后重试；"
                "如仍超时，请联系平台管理员。"
            )
            % {"seconds": f"{seconds:g}"}
        )


def _render(html: str, base_url: str | None) -> bytes:
    from weasyprint import HTML, URLFetcher  # type: ignore[import-untyped]  # ships no stubs

    fetcher = URLFetcher(allowed_protocols=["data"])
    # Without a target, write_pdf returns the document as bytes.
    result: bytes = HTML(string=html, url_fetcher=fetcher, base_url=base_url).write_pdf()
    return result


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _child(conn: Connection, html: str, base_url: str | None, timeout: float) -> None:
    # The kernel stops a child whose parent died before it could (SIGXCPU, then SIGKILL), so
    # no render outlives its timeout by more than a second of CPU time.
    limit = math.ceil(timeout) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))
    # WeasyPrint's warnings (a glyph no font has, a style it ignores) go back to the parent,
    # which logs them where the request's other log lines are.
    collect = _Collect()
    logging.getLogger("weasyprint").addHandler(collect)
    try:
        conn.send(("pdf", _render(html, base_url), collect.messages))
    except BaseException:  # whatever it was, the parent reports it
        conn.send(("error", traceback.format_exc(), collect.messages))
    finally:
        conn.close()


def _in_child(html: str, base_url: str | None, timeout: float) -> bytes:
    receive, send = _CONTEXT.Pipe(duplex=False)
    try:
        with _started, _plain_parent():
            # the first render of a process starts the forkserver and waits for it
            _ensure_forkserver()
            child = _CONTEXT.Process(
                target=_child, args=(send, html, base_url, timeout), name="cqo-pdf"
            )
            child.start()
    except BaseException:
        receive.close()
        raise
    finally:
        send.close()  # the child has its own end
    try:
        # The clock starts once the child is forked: starting the forkserver is not the page's.
        if not receive.poll(timeout):
            raise RenderTimeout(timeout)
        try:
            kind, payload, warnings = receive.recv()
        except EOFError as exc:  # died without a word: killed (OOM) or crashed
            child.join(timeout=5)
            raise RenderError(f"PDF renderer exited with status {child.exitcode}") from exc
        for message in warnings:
            _weasyprint_log.warning("%s", message)
        if kind != "pdf":
            raise RenderError(f"PDF renderer failed:\n{payload}")
        return bytes(payload)
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(timeout=5)
        child.close()


@contextmanager
def _plain_parent() -> Iterator[None]:
    """Let a Celery prefork worker start the render child. Its processes are daemonic, and
    multiprocessing refuses children to a daemon lest its exit orphan them; they also carry
    billiard's authentication key, which the standard library refuses to pickle. The render
    child cannot outlive its timeout (killed by the parent, or by its own CPU limit), so for its
    start the worker is shown as a plain process with the same key."""
    config: dict[str, Any] = multiprocessing.current_process()._config  # type: ignore[attr-defined]  # private, see above
    saved = dict(config)
    config["daemon"] = False
    config["authkey"] = AuthenticationString(bytes(saved["authkey"]))
    try:
        yield
    finally:
        config.clear()
        config.update(saved)


def _ensure_forkserver() -> None:
    """Start the forkserver unless it runs. Python 3.11's forkserver imports its preload with
    the sys.path of a bare ``python -c`` (3.12 passes the parent's), so the project root reaches
    it through PYTHONPATH, set only while it starts."""
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([_ROOT, *([saved] if saved else [])])
    try:
        forkserver.ensure_running()
    finally:
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved


def html_to_pdf(html: str, *, base_url: str | None = None, timeout: float | None = None) -> bytes:
    """The page as PDF bytes, rendered in a child process that is killed after ``timeout``
    seconds (default ``CQO_PDF_TIMEOUT_SECONDS``): ``RenderTimeout`` then."""
    seconds = float(settings.CQO_PDF_TIMEOUT_SECONDS if timeout is None else timeout)
    return _in_child(html, base_url, seconds)


def qr_data_uri(data: str) -> str:
    """An SVG QR code (error correction M) as a data URI for an <img>."""
    return segno.make(data, error="m").svg_data_uri(scale=4, border=1)


def date_cn(value: str) -> str:
    """``2026-11-21`` → ``2026年11月21日``; empty stays empty."""
    if not value:
        return ""
    year, month, day = value.split("-")
    return f"{int(year)}年{int(month)}月{int(day)}日"


_PACK_ID = re.compile(r"^[a-z][a-z0-9-]{1,40}\s+")
_NUMERALS = "一二三四五六七八九十"
_ARTICLE = re.compile(rf"§([{_NUMERALS}]+)(?:\(([{_NUMERALS}]+)\))?")


def clause_cn(clause: str) -> str:
    """A pack clause as a printed page cites it (SPEC §12.24): without the pack id and the
    decision numbers, a 意见's sections as 条 — ``shaanxi-2021 §四(三); SPEC §12.1`` →
    ``第四条（三）`` — and a standard's clauses by number (``shenzhen-guide §4.3`` → ``4.3``).
    The document itself is named once on the page, by its title and number."""
    parts = []
    for part in clause.split(";"):
        part = _PACK_ID.sub("", part.strip())
        if not part or part.startswith("SPEC"):
            continue
        part = _ARTICLE.sub(
            lambda m: f"第{m.group(1)}条" + (f"（{m.group(2)}）" if m.group(2) else ""), part
        )
        parts.append(part.replace("§", ""))
    return "；".join(parts)


def warm_up() -> None:
    """Load WeasyPrint, fontconfig and every font the templates name. The forkserver does this
    once (cqo/lib/pdf_warm.py is its preload), and the children it forks inherit them loaded."""
    _render(_WARM_UP, None)
