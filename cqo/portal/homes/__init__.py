"""Each role's home (工作台): its work queue, a count for each kind of work with a link to the
list it counts (only where the role may open that list), and the first few rows of each. Every
count is read fresh and every list is bounded; the reads are the owning apps' selectors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cqo.accounts.models import Role, User
from cqo.portal.homes import auditor, bodies, enterprise, officer, regulators, security
from cqo.portal.homes.tiles import Tile

Builder = Callable[[User], dict[str, Any]]

_BY_ROLE: dict[str, Builder] = {
    Role.REGULATOR: regulators.regulator,
    Role.DEPARTMENT: regulators.department,
    Role.ADMIN: regulators.regulator,
    Role.ENTERPRISE: enterprise.clerk,
    Role.CQO: officer.cqo,
    Role.CERTIFIER: bodies.certifier,
    Role.TRAINER: bodies.trainer,
    Role.SECURITY: security.security,
    Role.AUDITOR: auditor.auditor,
}


def home_context(user: User) -> dict[str, Any]:
    """The work queue of ``user``'s role."""
    builder = _BY_ROLE.get(user.role)
    return builder(user) if builder is not None else {}


__all__ = ["Tile", "home_context"]
