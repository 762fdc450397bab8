"""Check characters of the national identifiers, and generators of well-formed ones for demo data
and tests (never for real records)."""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric, uscc

ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def org_code_check_digit(body: str) -> str:
    """GB 11714-1997 check character of the 8-character organisation code body."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    remainder = 11 - sum(ORG_ALPHABET.index(c) * w for c, w in zip(body, weights, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def make_uscc(region_code: str, rng: random.Random) -> str:
    """A USCC (GB 32100) for an enterprise (authority 9, type 1) with valid check characters."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    org = body + org_code_check_digit(body)
    head = f"91{region_code}{org}"
    return head + uscc.calc_check_digit(head)


def make_id_number(region_code: str, birth: dt.date, gender: str, rng: random.Random) -> str:
    """A resident ID number (GB 11643) with the given birth date and gender (M/F)."""
    seq = rng.randrange(0, 100)
    last = rng.randrange(0, 5) * 2 + (1 if gender == "M" else 0)
    body = f"{region_code}{birth:%Y%m%d}{seq:02d}{last}"
    number = body + ric.calc_check_digit(body + "0")
    # stdnum also requires the address code to have existed at the birth date; callers pick
    # another region or date when this raises.
    ric.validate(number)
    return number
