"""The offline check of a certificate's SM2 signature (python -m cqo.ledger certificate): the
signature over the published content hash, the content's hash when the whole content is given,
and a clear refusal of anything else."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cqo.ledger import note
from cqo.ledger.certificates import verify_certificate
from cqo.lib import gm

KEY = gm.sm2_new_private_key()
VKEY = note.signer_vkey("test.example/log", note.Sm2Key(KEY))
CONTENT = {"number": "PX-2026-000001", "holder": "李堃", "hours": "16"}


def _hash(content: dict[str, Any]) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def certificate(**overrides: Any) -> dict[str, Any]:
    digest = _hash(CONTENT)
    data = {
        "number": CONTENT["number"],
        "content": {"holder": "李堃"},  # the public view: the printed facts only
        "content_hash": digest,
        "content_sm2": gm.sm2_sign(KEY, digest.encode("ascii")).hex(),
    }
    data.update(overrides)
    return data


def test_a_published_certificate_verifies_with_the_platforms_sm2_key() -> None:
    result = verify_certificate(certificate(), VKEY)
    assert result.ok and not result.content_checked and result.number == "PX-2026-000001"


def test_the_whole_content_is_checked_against_its_hash() -> None:
    result = verify_certificate(certificate(content=CONTENT), VKEY)
    assert result.ok and result.content_checked


def test_a_changed_hash_or_signature_fails() -> None:
    assert not verify_certificate(certificate(content_hash="1" * 64), VKEY).ok
    good = certificate()
    bad = good["content_sm2"][:-2] + ("00" if good["content_sm2"][-2:] != "00" else "01")
    assert not verify_certificate(certificate(content_sm2=bad), VKEY).ok


def test_another_key_fails() -> None:
    other = note.signer_vkey("test.example/log", note.Sm2Key(gm.sm2_new_private_key()))
    assert not verify_certificate(certificate(), other).ok


def test_unsigned_or_malformed_certificates_are_refused_with_the_reason() -> None:
    unsigned = verify_certificate(certificate(content_sm2=""), VKEY)
    assert not unsigned.ok and "no SM2 signature" in unsigned.reason
    assert "64 hex" in verify_certificate(certificate(content_hash="xyz"), VKEY).reason
    assert "hexadecimal" in verify_certificate(certificate(content_sm2="zz"), VKEY).reason
    assert not verify_certificate([1, 2], VKEY).ok


def test_an_ed25519_key_is_not_an_sm2_key() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    ed = note.signer_vkey("test.example/log", Ed25519PrivateKey.generate())
    assert "not an SM2" in verify_certificate(certificate(), ed).reason
