from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cqo.accounts.models import Role
from cqo.accounts.roles import role_label


def role(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    current = getattr(user, "role", None)
    return {
        "Role": Role,
        "role": current,
        # the user menu's name of the role (a query only where a page shows it)
        "role_label": SimpleLazyObject(lambda: role_label(user) if user and current else ""),
        # the navigation's 监督管理 menu: regulators, departments and the system administrator
        "oversight_menu": current in (Role.REGULATOR, Role.DEPARTMENT, Role.ADMIN),
        # the security and audit administrators do their own work only (三员分立): no menu of
        # the business records
        "business_menu": current not in (Role.SECURITY, Role.AUDITOR),
        # the audit administrator's navigation: the audit trail, none of the business menus
        # (三员分立, cqo/accounts/duties.py)
        "audit_menu": current == Role.AUDITOR,
    }
