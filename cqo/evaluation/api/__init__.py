"""REST API of the enterprise side (SPEC §7): the CQO evaluation, the CQO-system
self-assessment with improvement tasks, and quality cost and loss. Same scope (selectors) and
same writes (services) as the pages. Enterprises are addressed by USCC, records by public id.
Amounts are decimal strings in yuan, exact to the fen.

cqo/api.py mounts ``router``, which includes one sub-router per module."""

from __future__ import annotations

from ninja import Router

from cqo.evaluation.api import evaluations, quality

router = Router(tags=["evaluation"])


def _include(part: Router) -> None:
    for path_view in part.path_operations.values():
        for operation in path_view.operations:
            # Keep the operation ids this API had as one module (cqo/evaluation/api.py): generated
            # clients are built on them, and ninja would otherwise derive them from the module.
            name = operation.view_func.__name__
            operation.operation_id = operation.operation_id or f"cqo_evaluation_api_{name}"
    router.add_router("", part)


for part in (evaluations.router, quality.router):
    _include(part)

__all__ = ["router"]
