"""Generators of well-formed identifiers, for demo data and tests (never for real records)."""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric, uscc


def make_uscc(region_code: str, rng: random.Random) -> str:
    """A USCC (GB 32100) for an enterprise (authority 9, type 1) with valid check characters."""
    from cqo.reference.validators import org_code_check_digit

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
