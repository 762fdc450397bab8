"""The community over the API (SPEC §9, §10 "a documented REST API covers everything the web
pages do"): alliances and membership, events, the exchange space, the case competition and
the public case library. Case attachments are uploaded on the page (multipart); the API
lists them.

cqo/api.py mounts ``router``, which includes one sub-router per module.
"""

from __future__ import annotations

from ninja import Router

from cqo.community.api import alliances, competitions, events, library, posts

router = Router(tags=["community"])


def _include(part: Router) -> None:
    for path_view in part.path_operations.values():
        for operation in path_view.operations:
            # Keep the operation ids this API had as one module (cqo/community/api.py): generated
            # clients are built on them, and ninja would otherwise derive them from the module.
            name = operation.view_func.__name__
            operation.operation_id = operation.operation_id or f"cqo_community_api_{name}"
    router.add_router("", part)


for part in (alliances.router, events.router, posts.router, competitions.router, library.router):
    _include(part)

__all__ = ["router"]
