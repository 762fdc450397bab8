"""Field encryption, keyed lookup hashes and masking for personal data (SPEC §10).

ID numbers and mobiles are stored as Fernet tokens (AES-128-CBC + HMAC-SHA256); equality lookups
and uniqueness use an HMAC-SHA256 of the normalised value under a separate key, so the database
never holds a plain value and the hash cannot be reversed by enumerating ID numbers without the key.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _keys() -> tuple[str, ...]:
    from django.conf import settings

    # The first key encrypts; the others still decrypt (key rotation).
    return tuple(k for k in settings.CQO_DATA_KEYS if k)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet(_keys()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must fail loudly, never show garbage
        raise ValueError("encrypted value cannot be read with the configured data key") from exc


def reencrypt(token: str) -> str:
    """The same value encrypted with the current key (the first of CQO_DATA_KEYS), read with
    any of them: what a key rotation does to every stored token."""
    if not token:
        return ""
    try:
        return _fernet(_keys()).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("encrypted value cannot be read with the configured data keys") from exc


def keyed_hash(value: str) -> str:
    from django.conf import settings

    if not value:
        return ""
    return hmac.new(settings.CQO_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def mask(value: str, keep_start: int, keep_end: int) -> str:
    """Replace the middle of ``value`` with asterisks, keeping the given ends."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]
