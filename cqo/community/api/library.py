"""The public case library over the API (no login)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from cqo.accounts.api import ErrorOut
from cqo.community import selectors
from cqo.community.api.converters import (
    _paged,
    case_out,
)
from cqo.community.api.schemas import (
    UUID,
    CaseOut,
    CasePage,
    LibraryQuery,
)

router = Router()

# The public case library ----------------------------------------------------------------------


@router.get("/public/cases", auth=None, response={200: CasePage, 422: ErrorOut})
def public_cases(request: HttpRequest, query: Query[LibraryQuery]) -> dict[str, Any]:
    """The case library, no login: awarded cases of published competitions."""
    return _paged(selectors.library(q=query.q, method=query.method), query, case_out)


@router.get(
    "/public/cases/{case_id}", auth=None, response={200: CaseOut, 404: ErrorOut, 422: ErrorOut}
)
def public_case(request: HttpRequest, case_id: UUID) -> CaseOut:
    return case_out(selectors.library_get(case_id))
