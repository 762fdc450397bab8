from __future__ import annotations

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
