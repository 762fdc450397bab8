from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cqo.imports.legacy.services import may_migrate


def legacy(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # the navigation's 历史数据迁移 link: only for those who may migrate (the region's level is
    # a query, asked only where the menu is drawn)
    return {"legacy_menu": SimpleLazyObject(lambda: user is not None and may_migrate(user))}
