"""Verify a hour-log bundle offline: the entry, its inclusion proof and the signed checkpoint,
against the platform's public key (SPEC §5 "anyone holding the public key verifies it
offline"; level-standard §10). No Django, no database: ``python -m cqo.ledger verify``, the
page ``/ledger/verify/`` and the tests all call ``verify_bundle``.

Bundle format (a JSON object; ``cqo.ledger.services.bundle`` writes it)::

    {
      "version": 1,
      "index": 42,                         # the entry's 0-based position in the log
      "entry": "<base64>",                 # the entry's bytes, exactly as logged
      "inclusion_proof": ["<base64>", …],  # RFC 9162 §2.1.3 audit path, 32-byte hashes
      "checkpoint": "<signed note>"        # C2SP tlog-checkpoint signed by the platform
    }

Other keys may be present (the hour proof adds ``"opening"``, the salt and fields of the
commitment the entry holds); they are ignored here and not covered by this check. Base64 is
the standard alphabet with padding.

What is checked, in order: each key is a well-formed Ed25519 or SM2 vkey (``cqo/ledger/note.py``);
the checkpoint carries a valid signature by exactly each key (name and key ID), and by each key
of ``if_present`` whose line it carries (the platform's SM2 key: checkpoints signed before the
national suite was set carry none); its origin is the keys' name; tree size
and root hash are read from the *verified* checkpoint text only (never from elsewhere in the
bundle); the leaf hash is recomputed from the entry; the inclusion proof leads from that leaf at
``index`` to the signed root (RFC 9162 §2.1.3.2).
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cqo.ledger import merkle, note

BUNDLE_VERSION = 1
MAX_PROOF_HASHES = 64  # a tree of 2**63 leaves needs 63


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    reason: str
    index: int = -1
    size: int = 0
    root: bytes = b""
    entry: bytes = b""
    # a stable name of the outcome ("ok", "bad_signature", …) for pages that word it their way
    code: str = "ok"
    origin: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # the algorithms whose signatures verified ("Ed25519", "SM2")
    signed_by: tuple[str, ...] = ()


class _Fail(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def verify_bundle(
    bundle: Any, vkey: str | Sequence[str], *, if_present: Sequence[str] = ()
) -> VerifyResult:
    """Check ``bundle`` (the parsed JSON object) against the verifier key ``vkey`` (or every key
    of a list of them), and against each key of ``if_present`` whose signature line the
    checkpoint carries."""
    state: dict[str, Any] = {}
    try:
        return _verify(bundle, [vkey] if isinstance(vkey, str) else list(vkey), if_present, state)
    except _Fail as exc:
        return VerifyResult(ok=False, reason=exc.reason, code=exc.code, **state)
    except note.NoteError as exc:
        return VerifyResult(ok=False, reason=str(exc), code=exc.code, **state)


def _verify(
    bundle: Any, vkeys: list[str], if_present: Sequence[str], state: dict[str, Any]
) -> VerifyResult:
    if not isinstance(bundle, dict):
        raise _Fail("bad_bundle", "the bundle is not a JSON object")
    version = bundle.get("version")
    if type(version) is not int or version != BUNDLE_VERSION:
        raise _Fail("bad_bundle", f"unsupported bundle version {version!r} (expected 1)")
    if not vkeys:
        raise note.NoteError("bad_key", "no verifier key")
    verifiers = [note.parse_vkey(v) for v in vkeys]
    optional = [note.parse_vkey(v) for v in if_present]

    checkpoint_note = bundle.get("checkpoint")
    if not isinstance(checkpoint_note, str):
        raise _Fail("bad_bundle", "the bundle has no checkpoint note")
    verifiers += [v for v in optional if v not in verifiers and note.carries(checkpoint_note, v)]
    # every key must have signed; all signature lines are over the note's one text
    texts = [note.open_note(checkpoint_note, v) for v in verifiers]
    text = texts[0]
    head = note.parse_checkpoint(text)
    state.update(size=head.size, root=head.root, origin=head.origin)
    for verifier in verifiers:
        if head.origin != verifier.name:
            raise _Fail(
                "wrong_origin",
                f"the checkpoint is of the log {head.origin!r}, not {verifier.name!r}",
            )
    signed_by = tuple(dict.fromkeys(v.algorithm for v in verifiers))
    state["signed_by"] = signed_by
    verifier = verifiers[0]

    index = bundle.get("index")
    if type(index) is not int:
        raise _Fail("bad_bundle", "the bundle's index is not an integer")
    state["index"] = index
    if not 0 <= index < head.size:
        raise _Fail(
            "index_out_of_range",
            f"index {index} is not in the signed tree of size {head.size}",
        )
    entry = _b64_field(bundle.get("entry"), "entry")
    state["entry"] = entry
    proof_raw = bundle.get("inclusion_proof")
    if not isinstance(proof_raw, list) or len(proof_raw) > MAX_PROOF_HASHES:
        raise _Fail("bad_bundle", "the bundle's inclusion_proof is not a list of hashes")
    proof = [_b64_field(h, "inclusion_proof") for h in proof_raw]
    if any(len(h) != merkle.HASH_SIZE for h in proof):
        raise _Fail("bad_bundle", "every hash of the inclusion proof must be 32 bytes")

    leaf = merkle.leaf_hash(entry)
    if not merkle.verify_inclusion(index, head.size, leaf, proof, head.root):
        raise _Fail(
            "not_included",
            "the inclusion proof does not lead from the entry to the signed root",
        )
    return VerifyResult(
        ok=True,
        reason=(
            f"entry {index} is in the log {head.origin} of {head.size} entries, "
            f"whose root {head.root.hex()} is signed by the key {verifier.name}"
            f" ({' and '.join(signed_by)})"
        ),
        index=index,
        size=head.size,
        root=head.root,
        entry=entry,
        code="ok",
        origin=head.origin,
        extra={k: v for k, v in bundle.items() if k not in _KNOWN},
        signed_by=signed_by,
    )


_KNOWN = {"version", "index", "entry", "inclusion_proof", "checkpoint"}


def _b64_field(value: Any, name: str) -> bytes:
    if not isinstance(value, str):
        raise _Fail("bad_bundle", f"the bundle's {name} is not base64 text")
    try:
        return note.b64decode(value)
    except (binascii.Error, ValueError) as exc:
        raise _Fail("bad_bundle", f"the bundle's {name} is not valid base64") from exc


def load_bundle(text: str | bytes) -> Any:
    """Parse a bundle file's JSON; ``ValueError`` when it is not JSON."""
    return json.loads(text)


def read_vkey(arg: str) -> str:
    """The verifier key given on a command line: the vkey itself, or a file holding it (its
    first non-empty line)."""
    path = Path(arg)
    try:
        is_file = path.is_file()
    except (OSError, ValueError):
        is_file = False
    if is_file:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                return line.strip()
        return ""
    return arg.strip()
