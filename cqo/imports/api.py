"""REST API of the official enterprise-list import (SPEC §3 "Bulk import"): upload a file (202
with the list's id; the import runs in the background), poll its status and progress, download
the row-by-row error report. Regulators (their region's subtree) and the platform admin only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from cqo.accounts.api import ERRORS
from cqo.accounts.models import User
from cqo.imports import selectors, services
from cqo.imports.models import EnterpriseList
from cqo.lib import dates
from cqo.reference.apitypes import Choices, FormOptional
from cqo.registry.api.common import actor, page
from cqo.registry.api.schemas import REGION_CODE, PageQuery

EnterpriseListStatus = Annotated[
    EnterpriseList.Status, Choices("EnterpriseListStatus", EnterpriseList.Status)
]

router = Router(tags=["imports"])


class ImportIn(Schema):
    as_of: dates.EventDate = Field(description="the list's as-of date (截止日期)")
    region: Annotated[str | None, FormOptional()] = Field(
        None, pattern=REGION_CODE, description="the list's region; default: the caller's"
    )
    mode: EnterpriseList.Mode = Field(
        EnterpriseList.Mode.ALL_OR_NOTHING, description="all_or_nothing or good_rows"
    )
    reference_year: Annotated[int | None, FormOptional()] = Field(
        None, ge=1949, le=2100, description="above-scale reference year; default: as-of year"
    )


class ListCreated(Schema):
    id: uuid.UUID = Field(description="the import's public id")
    status: EnterpriseListStatus


class ListOut(Schema):
    id: uuid.UUID
    region: str = Field(description="GB/T 2260 code of the list's region")
    as_of: dt.date = Field(description="the list's as-of date (shown beside coverage figures)")
    reference_year: int = Field(description="reference year of the above-scale flags")
    file_name: str
    sha256: str
    mode: EnterpriseList.Mode
    status: EnterpriseListStatus
    message: str
    progress: int = Field(description="file rows processed so far")
    progress_total: int = Field(description="file rows to process (an estimate for CSV)")
    rows_total: int
    rows_ok: int
    rows_bad: int
    created: int
    updated: int
    has_error_report: bool
    created_by: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class ListPage(Schema):
    count: int
    items: list[ListOut]


def _out(lst: EnterpriseList) -> ListOut:
    done, total = selectors.progress_of(lst)
    return ListOut(
        id=lst.public_id,
        region=lst.region_id,
        as_of=lst.as_of,
        reference_year=lst.reference_year,
        file_name=lst.file_name,
        sha256=lst.sha256,
        mode=EnterpriseList.Mode(lst.mode),
        status=EnterpriseList.Status(lst.status),
        message=lst.message,
        progress=done,
        progress_total=total,
        rows_total=lst.rows_total,
        rows_ok=lst.rows_ok,
        rows_bad=lst.rows_bad,
        created=lst.created_count,
        updated=lst.updated_count,
        has_error_report=bool(lst.error_report),
        created_by=lst.created_by.get_username() if lst.created_by else None,
        created_at=lst.created_at,
        started_at=lst.started_at,
        finished_at=lst.finished_at,
    )


def _importer(request: HttpRequest) -> User:
    user = actor(request)
    if not selectors.may_import(user):
        raise PermissionDenied
    return user


@router.post("/imports/enterprises", response={202: ListCreated, **ERRORS})
def import_create(request: HttpRequest, file: File[UploadedFile], data: Form[ImportIn]) -> Status:
    """Upload an official enterprise list (xlsx, xls, ods or csv; header as the template on
    the page /imports/enterprises/). All-or-nothing by default; ``good_rows`` imports the
    rows that pass."""
    user = _importer(request)
    lst = services.list_create(
        actor=user,
        upload=file,
        as_of=data.as_of,
        region=data.region,
        mode=data.mode,
        reference_year=data.reference_year,
    )
    return Status(202, ListCreated(id=lst.public_id, status=EnterpriseList.Status(lst.status)))


@router.get("/imports/enterprises", response={200: ListPage, **ERRORS})
def import_list(request: HttpRequest, query: Query[PageQuery]) -> ListPage:
    user = _importer(request)
    count, items = page(selectors.list_list(user=user), query)
    return ListPage(count=count, items=[_out(i) for i in items])


@router.get("/imports/enterprises/{list_id}", response={200: ListOut, **ERRORS})
def import_get(request: HttpRequest, list_id: uuid.UUID) -> ListOut:
    user = _importer(request)
    return _out(selectors.list_get(user=user, public_id=list_id))


@router.get(
    "/imports/enterprises/{list_id}/errors.xlsx",
    response={404: ERRORS[404], 401: ERRORS[401], 403: ERRORS[403], 422: ERRORS[422]},
    openapi_extra={
        "responses": {
            "200": {
                "description": "the error report",
                "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}
                },
            }
        }
    },
)
def import_errors(request: HttpRequest, list_id: uuid.UUID) -> FileResponse:
    user = _importer(request)
    lst = selectors.list_get(user=user, public_id=list_id)
    if not lst.error_report:
        raise Http404
    try:
        handle = lst.error_report.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=PurePath(lst.error_report.name or "errors.xlsx").name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
