"""The audit trail's hash chain: what of an entry is sealed, and how (GB/T 22239-2019 8.1.4.3 c):
应对审计记录进行保护…避免受到未预期的删除、修改或覆盖).

Each sealed entry carries ``chain = MAC(key, previous chain ‖ canonical bytes of the entry)``:

- the previous chain is the 32 bytes of the entry numbered ``seq - 1`` (32 zero bytes before the
  first), so removing, inserting or renumbering an entry breaks every value after it;
- the canonical bytes are a JSON array, UTF-8, no spaces, object keys sorted at every depth,
  of a format tag and the stored fields in a fixed order: seq, the MAC's code, the time (UTC,
  ISO 8601 with microseconds), actor id, actor name, action, target type, id and repr, the
  changes, the note. The values are those read back from the database, on sealing as on
  verifying, so both databases' ways of storing JSON (jsonb orders keys, reformats numbers)
  give the same bytes each time;
- the MAC is keyed (``CQO_AUDIT_KEY``, kept apart from the database like the other keys): whoever
  can write the table but lacks the key cannot compute the values of a changed chain. It is the
  writing suite's (``cqo.lib.crypto.mac_algorithm``: HMAC-SM3 under ``national`` and ``both``,
  HMAC-SHA256 under ``international``), and its code is stored with each entry, so a chain
  begun under one suite stays verifiable after a switch.

Pure functions over plain values: no queries here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from cqo.lib import crypto

FORMAT = "cqo-audit-chain/1"
GENESIS = bytes(32)  # the "previous chain" of the first entry
# the stored fields, in the order a sealer and a verifier read them
FIELDS = (
    "id",
    "seq",
    "chain",
    "alg",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "changes",
    "note",
)


@dataclass(frozen=True, kw_only=True)
class Sealed:
    """What an entry's chain value covers, as stored."""

    seq: int
    alg: str
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    action: str
    target_type: str
    target_id: str
    target_repr: str
    changes: Any  # the stored JSON value, read back from the database
    note: str


def _when(at: dt.datetime) -> str:
    if at.tzinfo is None:  # stored as UTC (USE_TZ)
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: Sealed) -> bytes:
    """The bytes the chain value covers. Different entries give different bytes: JSON escapes
    every string, and the array's length and order are fixed."""
    values = [
        FORMAT,
        entry.seq,
        entry.alg,
        _when(entry.at),
        entry.actor_id,
        entry.actor_name,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.target_repr,
        entry.changes,
        entry.note,
    ]
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # a lone surrogate (SQLite keeps what Python gives it) is encoded, not refused
    return text.encode("utf-8", "surrogatepass")


def link(previous: bytes, entry: Sealed, key: bytes) -> bytes:
    """The chain value of ``entry`` after ``previous``: 32 bytes."""
    return crypto.mac(entry.alg, key, previous + canonical(entry))


def sealed(row: tuple[Any, ...], *, seq: int | None = None, alg: str | None = None) -> Sealed:
    """A row read in ``FIELDS`` order as what it is sealed with (``seq`` and ``alg`` those it
    is about to be given, or its own)."""
    values = dict(zip(FIELDS, row, strict=True))
    return Sealed(
        seq=values["seq"] if seq is None else seq,
        alg=values["alg"] if alg is None else alg,
        at=values["at"],
        actor_id=values["actor_id"],
        actor_name=values["actor_name"],
        action=values["action"],
        target_type=values["target_type"],
        target_id=values["target_id"],
        target_repr=values["target_repr"],
        changes=values["changes"],
        note=values["note"],
    )


def key_bytes(key: str) -> bytes:
    """The MAC key as configured (url-safe base64 when generated, any text when set)."""
    if not key:
        raise ValueError("no audit chain key is configured (CQO_AUDIT_KEY)")
    return key.encode("utf-8")
