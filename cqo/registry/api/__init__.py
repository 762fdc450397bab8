"""REST API of the registry: enterprises (by USCC), persons and filings (by UUID), and 指导督促
(SPEC §3, §10). It covers what the registry pages do, so a client never needs the pages.

Every read goes through ``selectors`` (so an object outside the viewer's scope answers 404) and
every write through ``services`` (which check permission and state, validate, and audit). The
schemas only type the wire format: business rules live in the services, whose
``ValidationError`` becomes ``422 {"detail": [{"field", "message"}]}`` in cqo/api.py.

cqo/api.py mounts ``router``, which includes one sub-router per module.
"""

from __future__ import annotations

from ninja import Router

from cqo.registry.api import enterprises, filings, oversight, persons, preparation

router = Router(tags=["registry"])


def _include(part: Router) -> None:
    for path_view in part.path_operations.values():
        for operation in path_view.operations:
            # Keep the operation ids this API had as one module (cqo/registry/api.py): generated
            # clients are built on them, and ninja would otherwise derive them from the module.
            name = operation.view_func.__name__
            operation.operation_id = operation.operation_id or f"cqo_registry_api_{name}"
    router.add_router("", part)


for part in (
    enterprises.router,
    persons.router,
    preparation.router,
    filings.router,
    oversight.router,
):
    _include(part)

__all__ = ["router"]
