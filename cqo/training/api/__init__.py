"""REST API of training (SPEC §5): plans, courses, sessions, enrolment, attendance and results,
training certificates. The same scope as the pages (selectors), the same writes (services).
Records are addressed by their public id (UUID); certificates by their number.

The public verification (``GET /public/training-certificates/{number}``) needs no token and
shows no ID number.

cqo/api.py mounts ``router``, which includes one sub-router per module.
"""

from __future__ import annotations

from ninja import Router

from cqo.training.api import certificates, courses, enrolments, plans, qualifications

router = Router(tags=["training"])


def _include(part: Router) -> None:
    for path_view in part.path_operations.values():
        for operation in path_view.operations:
            # Keep the operation ids this API had as one module (cqo/training/api.py): generated
            # clients are built on them, and ninja would otherwise derive them from the module.
            name = operation.view_func.__name__
            operation.operation_id = operation.operation_id or f"cqo_training_api_{name}"
    router.add_router("", part)


for part in (
    plans.router,
    courses.router,
    enrolments.router,
    certificates.router,
    qualifications.router,
):
    _include(part)

__all__ = ["router"]
