"""The printed hour proof reads as a certificate (who, what, when, the hours of its kind, the
issuer and the date, a seal area) with the proof itself as a QR code, not as printed base64 or
command lines; the JSON file stays on the record's page. The trainer's page says in words how
hours are reported."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import segno
from django.test import Client

from cqo.hours import printing
from cqo.ledger import services as ledger
from cqo.ledger.verify import verify_bundle
from cqo.test import PASSWORD, Personas, file_appointment
from tests.citing import assert_cites_like_users, capture_printing
from tests.hours.test_hours import add

pytestmark = pytest.mark.django_db

BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{60,}")


def test_the_printed_proof_shows_people_what_they_need(
    personas: Personas, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_appointment(personas)
    record = add(personas, kind="lecture", hours="3.5", title="质量提升专题讲座")
    printed = capture_printing(monkeypatch)
    assert client.login(username="cqo", password=PASSWORD)
    response = client.get(f"/hours/{record.public_id}/proof.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (html,) = printed
    text = re.sub(r"<(style|script)\b.*?</\1>|<[^>]+>", " ", html, flags=re.S)
    for shown in (
        personas.person.name,
        personas.person.id_number_masked,
        "质量提升专题讲座",
        "培训讲座",
        "3.5",
        "陕西质量培训中心",
        "出具单位",
        "首席质量官管理平台",
        "出具日期",
        "（盖章）",
        "《首席质量官能力水平认定》（征求意见稿） 第10章",
    ):
        assert shown in text, shown
    assert not BASE64_RUN.search(text), "no machine text printed"
    assert "python" not in text and "--key" not in text
    assert 'class="qr' in html and "data:image/svg+xml" in html
    assert_cites_like_users(html)
    # the same proof is offered as a JSON file, and it verifies
    bundle = client.get(f"/hours/{record.public_id}/proof.json").json()
    assert verify_bundle(bundle, ledger.public_vkey()).ok


def test_the_qr_code_holds_the_whole_proof(personas: Personas) -> None:
    from cqo.hours import services

    record = add(personas)
    bundle = services.proof_bundle(record)
    qr, whole = printing.proof_qr(bundle, "https://example.org/ledger/verify/")
    assert whole
    data = printing.compact(bundle)
    assert qr == segno.make(data, error="m", boost_error=False, mode="byte").svg_data_uri(
        scale=2, border=2
    )
    # what a scanner reads is the proof itself, verifiable offline
    assert verify_bundle(json.loads(data), ledger.public_vkey()).ok


def _bundle(hashes: int, name: str = "张三") -> dict[str, Any]:
    return {
        "version": 1,
        "index": 5,
        "entry": "e" * 200,
        "inclusion_proof": ["A" * 44] * hashes,
        "checkpoint": "origin\n6\n" + "r" * 44 + "\n\n— origin " + "s" * 88 + "\n",
        "opening": {"salt": "0" * 64, "fields": {"name": name}, "commitment": "c" * 64},
    }


@pytest.mark.parametrize(
    ("hashes", "whole"),
    [
        (0, True),  # the first entry of a log
        (20, True),  # a log of a million entries
        (30, True),  # a billion: error correction L still holds it
        (60, False),  # too long for one code: the verification address instead
    ],
)
def test_a_proof_too_long_for_one_code_gives_the_address(hashes: int, whole: bool) -> None:
    qr, got = printing.proof_qr(_bundle(hashes), "https://example.org/ledger/verify/")
    assert got is whole
    assert qr.startswith("data:image/svg+xml")


def test_the_trainers_page_says_in_words_how_to_report_hours(
    personas: Personas, client: Client
) -> None:
    assert client.login(username=personas.trainer.username, password=PASSWORD)
    page = client.get("/hours/", {"year": dt.date.today().year}).content.decode()
    assert 'id="how-to-report"' in page
    assert "POST /api" not in page and "API 令牌" not in page
    assert 'href="/api/v1/docs"' in page
