from typing import Any

from django.http import HttpRequest

from cqo.accounts.models import Role


def role(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    current = getattr(user, "role", None)
    return {
        "Role": Role,
        "role": current,
        # the navigation's 监督管理 menu: regulators, departments and the platform admin
        "oversight_menu": current in (Role.REGULATOR, Role.DEPARTMENT)
        or bool(getattr(user, "is_superuser", False)),
    }
