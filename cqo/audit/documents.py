"""Uploaded documents as their reviewers open them: a scan, a photo, a piece of evidence is
served only by a view that has already checked the viewer's scope, shown in the browser where
the browser can show it safely (PDF, PNG, JPEG, by the file's own leading bytes, never by its
name), offered as a download otherwise, and every opening is a line in the change log of the
record it belongs to (who looked at what, when)."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from cqo.audit.models import AuditEntry
from cqo.audit.services import audit_record
from cqo.lib.uploads import MAGIC

# what a browser shows itself without running anything the uploader wrote
INLINE = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


def _kind(file: FieldFile) -> str | None:
    head = file.read(16)
    file.seek(0)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    return None


def document_response(
    *,
    user: object,
    file: FieldFile,
    target_type: str,
    target_id: str,
    target_repr: str,
    what: str,
    filename: str = "",
) -> FileResponse:
    """The stored ``file`` for a viewer the calling view has let through, audited on the
    record (``target_*``) as ``what`` was opened (e.g. 聘任授权证书扫描件)."""
    if not file:
        raise Http404
    name = filename or PurePath(file.name or "").name
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    kind = _kind(handle)
    inline = kind in INLINE
    content_type = (
        INLINE[kind]
        if kind in INLINE
        else (mimetypes.guess_type(name)[0] or "application/octet-stream")
    )
    audit_record(
        actor=user,  # type: ignore[arg-type]
        action=AuditEntry.Action.VIEW,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        note=what,
    )
    response = FileResponse(
        handle, as_attachment=not inline, filename=name, content_type=content_type
    )
    # an uploaded file is not a page of the platform: no scripts, no framing by other sites
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
