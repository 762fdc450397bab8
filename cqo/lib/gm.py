"""The national (商用密码) primitives: SM3, HMAC-SM3, SM4-GCM and SM2 signatures. No Django.

- SM3 (GB/T 32905-2016) and SM4 (GB/T 32907-2016) come from ``cryptography`` (OpenSSL): the
  same library as the international suite, constant-time and maintained. SM4 runs in GCM mode
  (GB/T 17964-2021 §13 names GCM among the block cipher modes; RFC 8998 uses SM4-GCM in TLS):
  a 96-bit random nonce and a 128-bit tag.
- SM2 (GB/T 32918.2-2016) from ``gmalg``: OpenSSL's SM2 signatures are not reachable through
  ``cryptography``. ``gmalg`` was chosen over ``gmssl`` because it draws the signing nonce from
  ``secrets`` (``gmssl`` 3.2.2 draws it from ``random.choice``, which would let anyone who sees
  enough signatures recover the private key), checks that r and s lie in [1, n-1] before
  verifying, and computes Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) with the user ID it
  is given (GB/T 32918.2-2016 §5.5), on the recommended curve sm2p256v1 (GB/T 32918.5-2017).
  It is pure Python (a few milliseconds per signature, ``make bench``): the platform signs a
  checkpoint or a certificate at a time, never in bulk.

Signatures are 64 bytes, r ‖ s, each 32 bytes big-endian (the raw form of GM/T 0009-2012 §7.2,
not its DER). Public keys are the 65-byte uncompressed point 04 ‖ x ‖ y (GB/T 32918.1 §4.2.9).
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from gmalg import SM2
from gmalg.errors import GMError

# GB/T 35276-2017 §10 (and GM/T 0009-2012 §10): the user ID when none is agreed
SM2_DEFAULT_UID = b"1234567812345678"
# sm2p256v1's group order n (GB/T 32918.5-2017 §3)
SM2_N = 0xFFFFFFFE_FFFFFFFF_FFFFFFFF_FFFFFFFF_7203DF6B_21C6052B_53BBF409_39D54123
SM2_SIGNATURE_BYTES = 64
SM2_PUBLIC_KEY_BYTES = 65
SM4_KEY_BYTES = 16
GCM_NONCE_BYTES = 12  # the 96-bit nonce GCM is defined for (NIST SP 800-38D §5.2.1.1)
GCM_TAG_BYTES = 16


class NationalCryptoError(ValueError):
    """A malformed SM2 key or signature, or an SM4-GCM token that does not open."""


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    """HMAC (GB/T 15852.2-2012, the construction of RFC 2104) with SM3."""
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """nonce ‖ ciphertext ‖ tag, under a fresh random nonce."""
    nonce = os.urandom(GCM_NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return nonce + body + encryptor.tag


def sm4_gcm_decrypt(key: bytes, sealed: bytes, aad: bytes = b"") -> bytes:
    """The plaintext of ``nonce ‖ ciphertext ‖ tag``; ``NationalCryptoError`` when the tag does
    not match (a wrong key, or a changed byte anywhere, the associated data included)."""
    if len(sealed) < GCM_NONCE_BYTES + GCM_TAG_BYTES:
        raise NationalCryptoError("the SM4-GCM token is too short")
    nonce, body, tag = (
        sealed[:GCM_NONCE_BYTES],
        sealed[GCM_NONCE_BYTES:-GCM_TAG_BYTES],
        sealed[-GCM_TAG_BYTES:],
    )
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise NationalCryptoError("the SM4-GCM token does not authenticate") from exc


def sm2_new_private_key() -> bytes:
    """32 bytes: a scalar in [1, n-2] (GB/T 32918.1-2016 §6.1)."""
    return (secrets.randbelow(SM2_N - 2) + 1).to_bytes(32, "big")


def _private_scalar(private_key: bytes) -> bytes:
    if len(private_key) != 32 or not 1 <= int.from_bytes(private_key, "big") <= SM2_N - 2:
        raise NationalCryptoError("an SM2 private key is a 32-byte scalar in [1, n-2]")
    return private_key


def sm2_public_key(private_key: bytes) -> bytes:
    """04 ‖ x ‖ y of d·G."""
    public = SM2().generate_pk(_private_scalar(private_key))
    return bytes(public)


@lru_cache(maxsize=64)
def sm2_valid_public_key(public_key: bytes) -> bool:
    """An uncompressed point on sm2p256v1, not the point at infinity (GB/T 32918.1 §6.2).
    Cached: the check multiplies the point by n, as long as a verification, and a platform
    verifies with a handful of keys."""
    if len(public_key) != SM2_PUBLIC_KEY_BYTES or public_key[0] != 0x04:
        return False
    try:
        return bool(SM2().verify_pk(public_key))
    except (GMError, ValueError, TypeError):
        return False


def sm2_sign(private_key: bytes, message: bytes, uid: bytes = SM2_DEFAULT_UID) -> bytes:
    """r ‖ s of the SM2 signature of ``message`` with Z_A over ``uid`` (GB/T 32918.2 §6.1)."""
    signer = SM2(sk=_private_scalar(private_key), uid=uid)
    r, s = signer.sign(message)
    return r.rjust(32, b"\0") + s.rjust(32, b"\0")


def sm2_verify(
    public_key: bytes, message: bytes, signature: bytes, uid: bytes = SM2_DEFAULT_UID
) -> bool:
    """Whether ``signature`` (r ‖ s) is the SM2 signature of ``message`` by ``public_key``
    (GB/T 32918.2 §7.1); a malformed key or signature is simply not valid."""
    if len(signature) != SM2_SIGNATURE_BYTES or not sm2_valid_public_key(public_key):
        return False
    try:
        return bool(SM2(pk=public_key, uid=uid).verify(message, signature[:32], signature[32:]))
    except (GMError, ValueError, TypeError):
        return False
