from typing import Any

from django.http import HttpRequest

from cqo.accounts.models import Role


def role(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"Role": Role, "role": getattr(user, "role", None)}
