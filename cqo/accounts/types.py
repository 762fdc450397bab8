from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from cqo.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """The request of a view behind @login_required: its user is a real User."""

    user: User  # type: ignore[assignment]


def actor(request: HttpRequest) -> User:
    """The signed-in caller of an API operation (set by cqo.api.BearerToken)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
