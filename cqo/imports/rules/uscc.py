"""The USCC's fast check (equal to validators.validate_uscc, tested against it)."""

from __future__ import annotations

# USCC: a fast path equal to validators.validate_uscc (tested against it); the validator itself
# runs only for rows that fail, to give its exact message.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_VALUE = {c: i for i, c in enumerate(_ORG_ALPHABET)}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHECK = {10: "X", 11: "0"}


def uscc_fast(number: str) -> bool:
    """GB 32100-2015 mod-31 check and GB 11714 organisation-code check of a compact code.

    The weighted sums are written out (a lookup and a multiplication per character): a million
    rows pay for every step here."""
    head = number[:8]
    if len(number) != 18 or not (head.isdigit() and head.isascii()):
        return False
    v = _USCC_VALUE
    try:
        total = (
            v[number[0]]
            + 3 * v[number[1]]
            + 9 * v[number[2]]
            + 27 * v[number[3]]
            + 19 * v[number[4]]
            + 26 * v[number[5]]
            + 16 * v[number[6]]
            + 17 * v[number[7]]
            + 20 * v[number[8]]
            + 29 * v[number[9]]
            + 25 * v[number[10]]
            + 13 * v[number[11]]
            + 8 * v[number[12]]
            + 24 * v[number[13]]
            + 10 * v[number[14]]
            + 30 * v[number[15]]
            + 28 * v[number[16]]
        )  # fmt: skip  (_USCC_WEIGHTS)
        check = v[number[17]]
        if (31 - total) % 31 != check:
            return False
        o = _ORG_VALUE
        org = (
            3 * o[number[8]]
            + 7 * o[number[9]]
            + 9 * o[number[10]]
            + 10 * o[number[11]]
            + 5 * o[number[12]]
            + 8 * o[number[13]]
            + 4 * o[number[14]]
            + 2 * o[number[15]]
        )  # fmt: skip  (_ORG_WEIGHTS)
    except KeyError:
        return False
    remainder = 11 - org % 11
    return _ORG_CHECK.get(remainder, str(remainder)) == number[16]


def compact_uscc(text: str) -> str:
    return text.replace(" ", "").replace("-", "").upper()
