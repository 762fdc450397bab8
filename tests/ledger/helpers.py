"""Builders shared by the ledger tests: entries, a log held in memory, notes signed by any key."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cqo.ledger import merkle, note


def entries_for(n: int, start: int = 0) -> list[bytes]:
    return [f"entry-{i}".encode() for i in range(start, start + n)]


def leaf_hashes_of(entries: list[bytes]) -> list[bytes]:
    return [hashlib.sha256(b"\x00" + e).digest() for e in entries]


def memory_subtree(leaf_hashes: list[bytes]) -> Callable[[int, int], bytes]:
    """subtree_hash(level, index) over the complete subtrees of leaves held in memory."""
    levels = merkle.complete_levels(leaf_hashes)
    return lambda level, index: levels[level][index]


def signed_checkpoint(
    key: Ed25519PrivateKey, size: int, root: bytes, name: str = "test.example/log"
) -> str:
    return note.sign(note.checkpoint_text(name, size, root), name, key)


def vkey_of(key: Ed25519PrivateKey, name: str = "test.example/log") -> str:
    return note.vkey(name, note.raw_public_key(key))


def memory_bundle(
    entries: list[bytes], index: int, key: Ed25519PrivateKey, name: str = "test.example/log"
) -> dict[str, Any]:
    """A bundle as cqo.ledger.services.bundle writes it, for a log held in memory."""
    hashes = leaf_hashes_of(entries)
    return {
        "version": 1,
        "index": index,
        "entry": note.b64(entries[index]),
        "inclusion_proof": [note.b64(h) for h in merkle.inclusion_proof(index, hashes)],
        "checkpoint": signed_checkpoint(key, len(entries), merkle.root(hashes), name),
    }
