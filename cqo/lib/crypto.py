"""Field encryption, keyed lookup hashes and masking for personal data (SPEC §10), in the
cryptographic suite chosen by ``CQO_CRYPTO_SUITE``.

ID numbers and mobiles are stored encrypted; equality lookups and uniqueness use a keyed hash of
the normalised value under a separate key (CQO_HASH_KEY), so the database never holds a plain
value and the hash cannot be reversed by enumerating ID numbers without the key.

The suites:

- ``international``: Fernet tokens (AES-128-CBC + HMAC-SHA256) under CQO_DATA_KEYS, lookup hashes
  HMAC-SHA256.
- ``national``: SM4-GCM tokens under CQO_SM4_KEYS (GB/T 32907, ``cqo.lib.gm``), lookup hashes
  HMAC-SM3 (GB/T 32905).
- ``both``: writes as ``national``; looks a value up under either hash, so a platform switching
  suite keeps finding every person while ``rotate_data_keys`` moves the rows.

Whatever the suite, a stored token says how it was made, and ``decrypt`` reads both kinds with
the keys configured: the suite decides what is written, never what can be read. An SM4-GCM token
is ``sm4g:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`` (no padding): a Fernet token is
url-safe base64 throughout, so the ``:`` tells the two apart; the key id (8 hex digits, the
first 4 bytes of SM3 over a label and the key) picks the key among CQO_SM4_KEYS as the first key
encrypts and the others still read (rotation); the nonce is 12 random bytes, the tag 16, and
the ``sm4g:<key id>:`` prefix is the associated data, so a token moved under another key id
does not open. A lookup hash does not say its suite (64 hex digits either way): when the suite
changes, ``rotate_data_keys`` recomputes the hash of every row whose token it moves.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from cqo.lib import gm

INTERNATIONAL, NATIONAL, BOTH = "international", "national", "both"
SM4_PREFIX = "sm4g:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _keys() -> tuple[str, ...]:
    from django.conf import settings

    # The first key encrypts; the others still decrypt (key rotation).
    return tuple(k for k in settings.CQO_DATA_KEYS if k)


@lru_cache(maxsize=4)
def _sm4_keyring(keys: tuple[str, ...]) -> tuple[str, dict[str, bytes]]:
    """(the writing key's id, every key by id) of CQO_SM4_KEYS."""
    ring: dict[str, bytes] = {}
    for text in keys:
        try:
            key = base64.urlsafe_b64decode(text.encode())
        except (binascii.Error, ValueError) as exc:
            raise ValueError("an SM4 key is not url-safe base64") from exc
        if len(key) != gm.SM4_KEY_BYTES:
            raise ValueError("an SM4 key is 16 bytes")
        ring.setdefault(sm4_key_id(key), key)
    return sm4_key_id(base64.urlsafe_b64decode(keys[0].encode())), ring


def sm4_key_id(key: bytes) -> str:
    return gm.sm3(b"cqo sm4 key id\n" + key)[:4].hex()


def _sm4_keys() -> tuple[str, dict[str, bytes]]:
    from django.conf import settings

    keys = tuple(k for k in settings.CQO_SM4_KEYS if k)
    if not keys:
        raise ValueError("no SM4 data key is configured (CQO_SM4_KEY)")
    return _sm4_keyring(keys)


def suite() -> str:
    from django.conf import settings

    return str(getattr(settings, "CQO_CRYPTO_SUITE", INTERNATIONAL))


def writes_national() -> bool:
    return suite() in (NATIONAL, BOTH)


def signs_national() -> bool:
    """Whether signatures (checkpoints, certificates) carry an SM2 signature beside Ed25519:
    under ``national`` as under ``both``, since verifiers of the Ed25519 line must keep working."""
    return writes_national()


def token_suite(token: str) -> str:
    """The suite a stored token was written in ("" for an empty value)."""
    if not token:
        return ""
    return NATIONAL if token.startswith(SM4_PREFIX) else INTERNATIONAL


def _sm4_encrypt(value: str) -> str:
    key_id, ring = _sm4_keys()
    prefix = f"{SM4_PREFIX}{key_id}:"
    sealed = gm.sm4_gcm_encrypt(ring[key_id], value.encode(), prefix.encode())
    return prefix + base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def _sm4_decrypt(token: str) -> str:
    _, ring = _sm4_keys()
    parts = token.split(":")
    if len(parts) != 3 or parts[1] not in ring:
        raise ValueError("encrypted value cannot be read with the configured SM4 data keys")
    try:
        sealed = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
        return gm.sm4_gcm_decrypt(
            ring[parts[1]], sealed, f"{SM4_PREFIX}{parts[1]}:".encode()
        ).decode()
    except (binascii.Error, ValueError) as exc:  # a tampered token fails loudly too
        raise ValueError(
            "encrypted value cannot be read with the configured SM4 data keys"
        ) from exc


def encrypt(value: str) -> str:
    if not value:
        return ""
    if writes_national():
        return _sm4_encrypt(value)
    return _fernet(_keys()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if token.startswith(SM4_PREFIX):
        return _sm4_decrypt(token)
    try:
        return _fernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must fail loudly, never show garbage
        raise ValueError("encrypted value cannot be read with the configured data key") from exc


def reencrypt(token: str) -> str:
    """The same value encrypted in the current suite with its current key (the first of
    CQO_DATA_KEYS or CQO_SM4_KEYS), read with any of them: what a key rotation, or a change of
    suite, does to every stored token."""
    if not token:
        return ""
    if writes_national() or token.startswith(SM4_PREFIX):
        return encrypt(decrypt(token))
    try:
        return _fernet(_keys()).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("encrypted value cannot be read with the configured data keys") from exc


def keyed_hash(value: str, *, in_suite: str = "") -> str:
    """The lookup hash of ``value`` as stored: in the writing suite, or ``in_suite``'s."""
    from django.conf import settings

    if not value:
        return ""
    national = (in_suite or suite()) in (NATIONAL, BOTH)
    key, data = settings.CQO_HASH_KEY.encode(), value.encode()
    if national:
        return gm.hmac_sm3(key, data).hex()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def lookup_hashes(value: str) -> list[str]:
    """The hashes a stored row of ``value`` may carry: the writing suite's, and under ``both``
    the international one of rows ``rotate_data_keys`` has not moved yet."""
    if not value:
        return [""]
    hashes = [keyed_hash(value)]
    if suite() == BOTH:
        hashes.append(keyed_hash(value, in_suite=INTERNATIONAL))
    return hashes


# The MACs a stored chain value may be made with, by the short code stored beside it (the audit
# trail's hash chain): HMAC-SM3 (GB/T 15852.2-2012 with GB/T 32905-2016) under the national
# suites, HMAC-SHA256 (RFC 2104, FIPS 180-4) under the international one. Both give 32 bytes.
HMAC_SM3, HMAC_SHA256 = "hmac-sm3", "hmac-sha256"
MAC_ALGORITHMS = (HMAC_SM3, HMAC_SHA256)


def mac_algorithm() -> str:
    """The MAC the writing suite makes new values with."""
    return HMAC_SM3 if writes_national() else HMAC_SHA256


def mac(algorithm: str, key: bytes, data: bytes) -> bytes:
    """``algorithm``'s MAC of ``data`` under ``key``; ValueError for an unknown code."""
    if algorithm == HMAC_SM3:
        return gm.hmac_sm3(key, data)
    if algorithm == HMAC_SHA256:
        return hmac.new(key, data, hashlib.sha256).digest()
    raise ValueError(f"unknown MAC algorithm {algorithm!r}")


@lru_cache(maxsize=4)
def _sm2_key(text: str) -> tuple[bytes, bytes]:
    try:
        private = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
        return private, gm.sm2_public_key(private)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("CQO_SM2_KEY is not a url-safe base64 SM2 private key") from exc


def sm2_private_key() -> bytes:
    """The platform's SM2 private key (CQO_SM2_KEY, generated on first run like the others)."""
    from django.conf import settings

    return _sm2_key(settings.CQO_SM2_KEY)[0]


def sm2_public_key() -> bytes:
    """04 ‖ x ‖ y of the platform's SM2 key: what verifiers of its SM2 signatures hold."""
    from django.conf import settings

    return _sm2_key(settings.CQO_SM2_KEY)[1]


def sm2_sign(message: bytes) -> bytes:
    """The platform's SM2 signature (r ‖ s, default user ID) of ``message``."""
    return gm.sm2_sign(sm2_private_key(), message)


def sm2_verify(message: bytes, signature: bytes) -> bool:
    return gm.sm2_verify(sm2_public_key(), message, signature)


def content_signature(content_hash: str) -> str:
    """The SM2 signature (hex of r ‖ s) of an issued certificate's content hash under the
    national suite, "" under the international one. What is signed is the hash exactly as
    printed and published: its 64 lower-case hex digits in ASCII, with Z_A over the default user
    ID, so a verifier holding the platform's SM2 key needs only what the verification page
    shows."""
    if not signs_national() or not content_hash:
        return ""
    return sm2_sign(content_hash.encode("ascii")).hex()


def content_signature_valid(content_hash: str, signature: str) -> bool:
    return _content_signature_valid(sm2_public_key(), content_hash, signature)


@lru_cache(maxsize=1024)
def _content_signature_valid(public_key: bytes, content_hash: str, signature: str) -> bool:
    """Cached: a pure-Python SM2 verification costs tens of milliseconds (``make bench``), and
    a certificate's page checks it for the content check and for its own line."""
    try:
        raw = bytes.fromhex(signature)
    except ValueError:
        return False
    return gm.sm2_verify(public_key, content_hash.encode("ascii"), raw)


def mask(value: str, keep_start: int, keep_end: int) -> str:
    """Replace the middle of ``value`` with asterisks, keeping the given ends."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]
