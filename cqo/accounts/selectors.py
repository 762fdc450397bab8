from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from cqo.accounts import access
from cqo.accounts.models import ApiToken, User


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens that still work, newest first."""
    return ApiToken.objects.filter(access.token_q(user), expires_at__gt=timezone.now()).order_by(
        "-created_at", "-pk"
    )
