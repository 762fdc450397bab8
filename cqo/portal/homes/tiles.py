"""A tile of a home: one count of work, linked to the list it counts when the viewer may open
that list."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import Promise

# how many rows of each queue a home shows below its counts
ROWS = 5


@dataclass(frozen=True)
class Tile:
    key: str  # the tile's element id on the page: tile-<key>
    label: str | Promise
    count: int | Decimal  # study hours may be fractional
    url: str = ""  # empty: the viewer has no list to open (the rows are on the home)
    tone: str = ""  # a Bootstrap text colour when there is work: primary, danger, warning
    note: str | Promise = ""


def url(name: str, *args: object, **query: str) -> str:
    path = reverse(name, args=args)
    return f"{path}?{urlencode(query)}" if query else path
