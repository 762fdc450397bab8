"""Without a token: the grade calculator over the pack's Annex A and B, and the public
verification of a certificate."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from cqo.accounts.api import ErrorOut
from cqo.certification import rules, selectors
from cqo.certification.api.outputs import public_values
from cqo.certification.api.schemas import (
    GradeIn,
    GradeOut,
    LevelCertificateNumber,
    PublicLevelCertificateOut,
    UnmetOut,
)
from cqo.lib import clock
from cqo.lib.errors import TooManyRequests
from cqo.lib.lookups import too_many_lookups
from cqo.policy.selectors import certification_pack, governing_for_version

router = Router()


# The grade calculator and public verification ---------------------------------------------------


@router.post("/certification/grade", auth=None, response={200: GradeOut, 422: ErrorOut})
def grade(request: HttpRequest, payload: GradeIn) -> GradeOut:
    """Annex A and B of the level standard as a pure calculator (no login, nothing stored): the
    subtotals of 8.1–8.5, the total, the 表 B.1 minimums not reached and the 表 B.2 grade
    (half-open bands). Every one of the 13 cells is required; a missing, unknown, negative,
    non-numeric, over-maximum or finer-than-0.1 score is a 422 whose field is the code."""
    version = certification_pack("level-standard", clock.today())
    spec = governing_for_version(version, clock.today()).rules.certification
    if spec is None:  # pragma: no cover (the pack has the section)
        raise ValidationError({"scores": "no certification tables"})
    scores, errors = rules.parse_scores(spec, payload.scores)
    if errors:
        raise ValidationError({code: [message] for code, message in errors.items()})
    g = rules.grade(spec, scores)
    return GradeOut(
        subtotals=g.subtotals,
        total=g.total,
        unmet=[
            UnmetOut(code=u.code, name=u.name, minimum=u.minimum, score=u.score) for u in g.unmet
        ],
        grade=g.grade,  # type: ignore[arg-type]
        standard=version.label,
    )


@router.get(
    "/public/certificates/{number}",
    auth=None,
    response={200: PublicLevelCertificateOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def public_certificate(request: HttpRequest, number: LevelCertificateNumber) -> HttpResponse:
    """Verify a level certificate by its number or QR code, no login: the facts printed on it
    (holder, organisation, level, body, dates) and the status now (valid, suspended,
    discontinued, withdrawn, void, superseded or expired). At most ``CQO_PUBLIC_VERIFY_RATE``
    lookups per client address (429 beyond)."""
    if too_many_lookups(request):
        raise TooManyRequests(_("查验过于频繁，请稍后再试"))
    # validated once against the schema and sent as it is (the busiest public answer)
    answer = PublicLevelCertificateOut(**public_values(selectors.public_certificate(number)))
    return HttpResponse(answer.model_dump_json(), content_type="application/json; charset=utf-8")
