"""The printed assessment report names the documents it rests on by title and number and the
targets' document by its label (SPEC §12.24): no pack id, no SPEC number, no version string."""

from __future__ import annotations

import pytest

from cqo.coverage import report
from cqo.test import Personas
from tests.citing import assert_cites_like_users, capture_printing
from tests.coverage.test_report import AS_OF, _known

pytestmark = pytest.mark.django_db


def test_the_printed_report_cites_documents_by_title(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    _known(personas)
    printed = capture_printing(monkeypatch)
    for user in (personas.province, personas.county_a):
        report.to_pdf(report.build(user, None, AS_OF))
    assert len(printed) == 2
    assert "依据：陕质委办〔2021〕15号 第六条（三）（首席质量官制度推进情况纳入" in printed[0]
    # a Shaanxi report rests on Shaanxi's document only
    assert all("苏质委办" not in html for html in printed)
    assert "陕质委办〔2021〕15号，2021-08-24 起施行" in printed[0]
    for html in printed:
        assert_cites_like_users(html)
