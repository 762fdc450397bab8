"""Offline check of an issued certificate's SM2 signature (GB/T 39786-2021 8.4 h) 不可否认性):
needs neither Django nor a database.

The platform signs, under the national suite, each training and level certificate's content
hash: its 64 lower-case hex digits in ASCII, with the GB/T 32918 default user ID
(cqo.lib.crypto.content_signature). A certificate's JSON as the platform publishes it (the
public verification API, ``GET /api/v1/training/certificates/verify/{number}`` or the level
certificate's, or the holder's own certificate from the API) carries ``content_hash`` and
``content_sm2``; with the platform's SM2 verifier key (``sm2_vkey`` of
``GET /api/v1/ledger/key``) the signature is checked here. When the JSON holds the whole signed
content (the holder's own copy), its hash is recomputed too; the public view shows only the
printed facts, so there the hash is taken as published."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from cqo.ledger import note
from cqo.lib import gm

_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class CertificateResult:
    ok: bool
    reason: str
    number: str = ""
    content_checked: bool = False  # the content's hash was recomputed and matched


def _canonical_hash(content: Any) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def verify_certificate(data: Any, vkey: str) -> CertificateResult:
    """Whether ``data`` (a certificate's JSON) carries a valid SM2 signature by ``vkey``."""
    try:
        verifier = note.parse_vkey(vkey)
    except note.NoteError as exc:
        return CertificateResult(False, f"unusable key: {exc}")
    if verifier.alg != note.ALG_SM2:
        return CertificateResult(False, "the key is not an SM2 verifier key (sm2_vkey)")
    if not isinstance(data, dict):
        return CertificateResult(False, "the file is not a certificate's JSON object")
    number = str(data.get("number", ""))
    content_hash, signature = data.get("content_hash"), data.get("content_sm2")
    if not isinstance(content_hash, str) or not _HASH.fullmatch(content_hash):
        return CertificateResult(False, "no content_hash of 64 hex digits", number)
    if not signature:
        return CertificateResult(
            False,
            "the certificate carries no SM2 signature (issued under the international suite, "
            "or migrated from an archive)",
            number,
        )
    try:
        raw = bytes.fromhex(str(signature))
    except ValueError:
        return CertificateResult(False, "content_sm2 is not hexadecimal", number)
    if not gm.sm2_verify(verifier.public_key, content_hash.encode("ascii"), raw):
        return CertificateResult(False, "the SM2 signature does not verify", number)
    content = data.get("content")
    checked = isinstance(content, dict) and _canonical_hash(content) == content_hash
    return CertificateResult(
        True, "the SM2 signature of the content hash verifies", number, checked
    )
