"""The yearly review's scale (level-standard §11 "总结和评价"; §9.4 and §11 name no scale): a
value of the certification pack marked as a platform default, offered and checked from the
body's standard, and the page says the standard sets none."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cqo.certification import selectors, services
from cqo.policy import schema
from tests.certification.conftest import World, certified

PACK = Path(__file__).resolve().parents[2] / "cqo" / "policy" / "packs" / "level-standard.toml"


def test_the_scale_is_a_pack_value_marked_as_a_platform_default() -> None:
    spec = schema.parse(PACK.read_text(encoding="utf-8")).certification
    assert spec is not None
    assert [(r.code, r.label) for r in spec.review_ratings] == [
        ("excellent", "优秀"),
        ("competent", "称职"),
        ("basic", "基本称职"),
        ("incompetent", "不称职"),
    ]
    assert spec.review_ratings_clause is not None
    assert spec.review_ratings_clause.startswith("level-standard §11")
    assert "平台默认" in spec.review_ratings_clause


@pytest.mark.parametrize(
    ("code", "valid"),
    [("excellent", True), ("incompetent", True), ("improve", False), ("优秀", False)],
)
def test_a_rating_outside_the_platforms_codes_is_refused_by_the_schema(
    code: str, valid: bool
) -> None:
    raw = schema.parse(PACK.read_text(encoding="utf-8")).model_dump()
    raw["certification"]["review_ratings"] = [{"code": code, "label": "甲"}]
    if valid:
        assert schema.validate(raw).certification is not None
    else:
        with pytest.raises(schema.PackError, match="review_ratings"):
            schema.validate(raw)


@pytest.mark.django_db
def test_the_body_offers_and_checks_its_standards_scale(world: World, client: Client) -> None:
    cert = certified(world)
    ratings, clause = selectors.review_ratings(cert.body)
    assert [code for code, _label in ratings] == ["excellent", "competent", "basic", "incompetent"]
    assert "平台默认" in clause
    with pytest.raises(ValidationError) as exc:
        services.yearly_review(
            actor=world.p.certifier, cert=cert, year=2026, rating="improve", summary="履职良好"
        )
    assert set(exc.value.message_dict) == {"rating"}
    client.force_login(world.p.certifier)
    page = client.get(reverse("certification:certificate_detail", args=[cert.number]))
    assert "未规定评价等级" in page.content.decode()
