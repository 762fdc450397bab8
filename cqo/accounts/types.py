from django.http import HttpRequest

from cqo.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """The request of a view behind @login_required: its user is a real User."""

    user: User  # type: ignore[assignment]
