"""PDFs from HTML templates (WeasyPrint, with Debian's Noto CJK fonts for the Chinese text) and
what the printed pages share: QR codes and dates written the Chinese way.

Everything a page needs is inlined (QR codes and photos as data URIs), so the fetcher refuses
every other scheme: a value typed into a form can never make the renderer read a local file or
call the network.
"""

from __future__ import annotations

import segno
from weasyprint import HTML, URLFetcher  # type: ignore[import-untyped]  # ships no stubs


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    fetcher = URLFetcher(allowed_protocols=["data"])
    # Without a target, write_pdf returns the document as bytes.
    return HTML(string=html, url_fetcher=fetcher, base_url=base_url).write_pdf()


def qr_data_uri(data: str) -> str:
    """An SVG QR code (error correction M) as a data URI for an <img>."""
    return segno.make(data, error="m").svg_data_uri(scale=4, border=1)


def date_cn(value: str) -> str:
    """``2026-11-21`` → ``2026年11月21日``; empty stays empty."""
    if not value:
        return ""
    year, month, day = value.split("-")
    return f"{int(year)}年{int(month)}月{int(day)}日"
