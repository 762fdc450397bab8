"""How the pages name a user's role (the user menu, the account page). Mostly the role's own
label; a ``certifier`` login bound to an expert of a body's roster is that body's 认定专家, not
the body itself. Which logins are experts is the certification app's to say, and it sits above
accounts in the layer order: accounts asks here and certification answers when it starts
(cqo/certification/apps.py), as for the departments (departments.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# a label for a user's role, or None to leave it to the next answer or the role's own (the user
# is typed loosely: accounts.models asks here, so this module does not import it back)
RoleLabel = Callable[[Any], "str | None"]

_answers: dict[str, RoleLabel] = {}


def provide(name: str, answer: RoleLabel) -> None:
    _answers[name] = answer


def role_label(user: Any) -> str:
    for answer in _answers.values():
        label = answer(user)
        if label:
            return label
    return str(user.get_role_display())
