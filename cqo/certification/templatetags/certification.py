"""What the certification navigation offers a user, by the predicates its views check."""

from __future__ import annotations

from typing import Any

from django import template

from cqo.certification import selectors
from cqo.certification.models import LevelCertificate

register = template.Library()


@register.simple_tag
def may_read_bodies(user: Any) -> bool:
    """The 认定主体 tab: only for those the body pages serve (views/bodies.py)."""
    return selectors.may_read_bodies(user)


@register.simple_tag
def may_open_certificate(user: Any, certificate: LevelCertificate) -> bool:
    """A certificate's number links to its page only for those the page serves
    (selectors.certificate_q: not a panel's expert, who sees the application only)."""
    visible = LevelCertificate.objects.filter(selectors.certificate_q(user), pk=certificate.pk)
    return visible.exists()
