"""A filing's checks cite only the documents that govern it, else the platform's own decision
(SPEC §12.24): a Shaanxi filing does not cite the Jiangsu or Shenzhen documents."""

from __future__ import annotations

import pytest

from cqo.registry.rules import PLATFORM_FORM, FilingFacts, filing_checks, governing_clause

SHAANXI = ("shaanxi-2021", "national-default")
SHENZHEN = ("shenzhen-guide", "national-default")
HANGZHOU = ("hangzhou-spec", "national-default")
LISTING = "shaanxi-2021 §五(三); jiangsu-2020 §七; SPEC §12.15"
SELF = "shenzhen-guide §3.1 注2; SPEC §12.17"


@pytest.mark.parametrize(
    ("clause", "packs", "cited"),
    [
        (LISTING, SHAANXI, "shaanxi-2021 §五(三)"),
        (LISTING, ("jiangsu-2020", "national-default"), "jiangsu-2020 §七"),
        (LISTING, HANGZHOU, "SPEC §12.15"),
        (LISTING, ("national-default",), "SPEC §12.15"),
        (SELF, SHAANXI, "SPEC §12.17"),
        (SELF, SHENZHEN, "shenzhen-guide §3.1 注2"),
        ("SPEC §12.17", SHAANXI, "SPEC §12.17"),
        (PLATFORM_FORM, SHAANXI, PLATFORM_FORM),
        ("shenzhen-guide 附录A", SHENZHEN, "shenzhen-guide 附录A"),
        ("shenzhen-guide 附录A", SHAANXI, "shenzhen-guide 附录A"),  # nothing else to cite
    ],
)
def test_a_check_cites_its_governing_documents(
    clause: str, packs: tuple[str, ...], cited: str
) -> None:
    assert governing_clause(clause, packs) == cited


def _facts(**overrides: object) -> FilingFacts:
    base: dict[str, object] = {
        "enterprise_id": 1,
        "enterprise_group_id": None,
        "rank": "top_manager",
        "reports_to_top": True,
        "declaration_confirmed": True,
        "other_active_at_enterprise": False,
    }
    return FilingFacts(**{**base, **overrides})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("packs", "listing", "self_appointed"),
    [
        (SHAANXI, "shaanxi-2021 §五(三)", "SPEC §12.17"),
        (SHENZHEN, "SPEC §12.15", "shenzhen-guide §3.1 注2"),
        ((), LISTING, SELF),  # no governing pack known: every source the check has
    ],
)
def test_the_checks_of_a_filing_cite_its_packs(
    packs: tuple[str, ...], listing: str, self_appointed: str
) -> None:
    checks = {c.code: c.clause for c in filing_checks(_facts(packs=packs))}
    assert checks["not_exit_listed"] == listing
    assert checks["not_self_appointed"] == self_appointed
    assert checks["declaration"] == PLATFORM_FORM
