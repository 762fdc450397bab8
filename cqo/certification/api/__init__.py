"""REST API of capability-level certification (SPEC §6). The same scope as the pages
(selectors), the same writes (services). Applications and bodies are addressed by UUID,
certificates by their number.

Without a token: ``POST /certification/grade`` (a pure calculator over the pack's Annex A and B)
and ``GET /public/certificates/{number}`` (public verification; nothing personal beyond name and
organisation).

cqo/api.py mounts ``router``, which includes one sub-router per module.
"""

from __future__ import annotations

from ninja import Router

from cqo.certification.api import (
    applications,
    bodies,
    certificates,
    public,
    recommendations,
    reviews,
)

router = Router(tags=["certification"])


def _include(part: Router) -> None:
    for path_view in part.path_operations.values():
        for operation in path_view.operations:
            # Keep the operation ids this API had as one module (cqo/certification/api.py):
            # generated clients are built on them, and ninja would otherwise derive them from the
            # module.
            name = operation.view_func.__name__
            operation.operation_id = operation.operation_id or f"cqo_certification_api_{name}"
    router.add_router("", part)


for part in (
    public.router,
    bodies.router,
    recommendations.router,
    applications.router,
    certificates.router,
    reviews.router,
):
    _include(part)

__all__ = ["router"]
