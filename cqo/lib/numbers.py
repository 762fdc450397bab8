"""The unguessable part of a public document number (certificates verified without login).

A traceable number (issuer, year, sequence) alone can be walked: whoever holds one certificate
asks for its neighbours and reads who else is certified. New numbers therefore end in a check
part: five characters drawn at random from Crockford's base-32 alphabet (no I, L, O or U, so a
printed number reads back unambiguously) and one ISO/IEC 7064 MOD 37,36 check character over
the whole number, which catches any single mistyped character and any swap of two neighbours.
A guessed neighbour is valid once in 32⁵ (about 33 million) tries; the public lookup is also
rate-limited per address.

The random part is stored with the number, never derived from a key: nothing to rotate, and
printed numbers stay valid for good.
"""

from __future__ import annotations

import re
import secrets

from stdnum.iso7064 import mod_37_36

RANDOM_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 5
# the check part as it appears at the end of a number (the check character is any of 0–9, A–Z)
CHECK_PART = rf"[{RANDOM_ALPHABET}]{{{RANDOM_LENGTH}}}[0-9A-Z]"
CHECK_PART_LENGTH = RANDOM_LENGTH + 1

_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def _check_character(text: str) -> str:
    return mod_37_36.calc_check_digit(_NOT_ALNUM.sub("", text.upper()))


def check_part(base: str) -> str:
    """A fresh check part for the number ``base`` (appended by the caller with its separator)."""
    random = "".join(secrets.choice(RANDOM_ALPHABET) for _ in range(RANDOM_LENGTH))
    return random + _check_character(base + random)


def check_part_valid(base: str, part: str) -> bool:
    """Whether ``part`` is a check part of ``base``: the right shape and check character."""
    part = part.upper()
    if len(part) != CHECK_PART_LENGTH or any(c not in RANDOM_ALPHABET for c in part[:-1]):
        return False
    return _check_character(base + part[:-1]) == part[-1]
