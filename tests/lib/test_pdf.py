from __future__ import annotations

import logging
import multiprocessing

import pytest

from cqo.lib import pdf


@pytest.mark.parametrize(
    ("iso", "text"), [("2026-11-01", "2026年11月1日"), ("2025-12-31", "2025年12月31日"), ("", "")]
)
def test_it_writes_dates_the_chinese_way(iso: str, text: str) -> None:
    assert pdf.date_cn(iso) == text


def test_it_makes_a_qr_code_as_an_svg_data_uri() -> None:
    assert pdf.qr_data_uri("https://cqo.example.gov.cn/verify/x/").startswith("data:image/svg+xml")


def test_it_renders_chinese_html_to_a_pdf_without_fetching_files(tmp_path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    html = f'<p>首席质量官</p><img src="file://{secret}">'
    out = pdf.html_to_pdf(html)
    assert out.startswith(b"%PDF")


def _slow_page(items: int) -> str:
    # a long list over many pages: seconds of layout, far past a tiny timeout
    return "<ol>" + "<li>负责企业质量品牌战略、规划和计划的制定与实施</li>" * items + "</ol>"


def test_it_stops_a_render_past_its_timeout_and_leaves_no_child() -> None:
    with pytest.raises(pdf.RenderTimeout) as caught:
        pdf.html_to_pdf(_slow_page(3000), timeout=0.2)
    assert "0.2 秒" in str(caught.value)
    assert caught.value.seconds == 0.2
    assert not [p for p in multiprocessing.active_children() if p.name == "cqo-pdf"]


def test_it_takes_the_timeout_from_the_settings(settings) -> None:
    settings.CQO_PDF_TIMEOUT_SECONDS = 0.2
    with pytest.raises(pdf.RenderTimeout):
        pdf.html_to_pdf(_slow_page(3000))


def test_it_renders_within_the_timeout(settings) -> None:
    settings.CQO_PDF_TIMEOUT_SECONDS = 60
    assert pdf.html_to_pdf(_slow_page(3)).startswith(b"%PDF")


def test_it_logs_the_renderers_warnings_in_the_calling_process(caplog) -> None:
    # U+10FFFD (private use) has no glyph in any font: WeasyPrint warns in the child, and the
    # warning reaches this process's log
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf.html_to_pdf("<p>\U0010fffd</p>")
    assert any(".notdef" in r.getMessage() and "U+10FFFD" in r.getMessage() for r in caplog.records)


def test_it_reports_a_renderer_that_fails() -> None:
    # no page at all: WeasyPrint raises in the child, and its traceback comes back as a
    # RenderError (a 500 with the cause in the log), not as a hang or a timeout
    with pytest.raises(pdf.RenderError) as caught:
        pdf.html_to_pdf(None)  # type: ignore[arg-type]
    assert not isinstance(caught.value, pdf.RenderTimeout)
    assert "TypeError" in str(caught.value)
