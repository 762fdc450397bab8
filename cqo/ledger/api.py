"""Public REST API of the hour log (SPEC §5, §12.14): no token needed, the log holds only
commitments. Hashes and entry bytes are standard base64.

- ``GET /ledger/checkpoint``: the latest signed checkpoint as JSON (size, root, note);
  ``GET /ledger/checkpoint.txt``: the same note as ``text/plain`` (the C2SP wire form);
- ``GET /ledger/entries/{index}``: one entry and its leaf hash;
- ``GET /ledger/proofs/inclusion?index=&size=``: RFC 9162 §2.1.3 audit path;
- ``GET /ledger/proofs/consistency?from=&to=``: RFC 9162 §2.1.4 consistency proof;
- ``GET /ledger/key``: the verifier key (vkey) and the raw Ed25519 public key.

An index or size beyond the tree answers 422 ``{"detail": [{"field", "message"}]}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from cqo.accounts.api import ErrorOut
from cqo.ledger import note, selectors, services

router = Router(tags=["ledger"])

MAX_INT = 2**63 - 1
ERRORS: dict[int, type[Schema]] = {422: ErrorOut}
FOUND: dict[int, type[Schema]] = {404: ErrorOut, 422: ErrorOut}


class CheckpointOut(Schema):
    size: int = Field(description="tree size: the number of entries")
    root: str = Field(description="Merkle tree hash, base64")
    note: str = Field(description="the C2SP tlog-checkpoint signed note")
    created_at: dt.datetime


class LogEntryOut(Schema):
    index: int
    entry: str = Field(description="the entry's bytes, base64")
    leaf_hash: str = Field(description="SHA-256(0x00 ‖ entry), base64")
    created_at: dt.datetime = Field(description="when the entry entered the log")


class InclusionQuery(Schema):
    index: int = Field(ge=0, le=MAX_INT, description="the leaf's 0-based index")
    size: int = Field(ge=1, le=MAX_INT, description="the tree size the proof is for")


class InclusionOut(Schema):
    index: int
    size: int
    leaf_hash: str = Field(description="base64")
    hashes: list[str] = Field(description="the audit path, leaf side first, base64")


class ConsistencyQuery(Schema):
    model_config = ConfigDict(populate_by_name=True)

    first: int = Field(alias="from", ge=1, le=MAX_INT, description="the earlier tree size")
    second: int = Field(alias="to", ge=1, le=MAX_INT, description="the later tree size")


class ConsistencyOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    first: int = Field(alias="from")
    second: int = Field(alias="to")
    hashes: list[str] = Field(description="the consistency proof, base64")


class KeyOut(Schema):
    vkey: str = Field(description="<name>+<key id hex>+<base64(0x01 ‖ public key)>")
    name: str
    key_id: str = Field(description="4 bytes, hex")
    algorithm: str = "Ed25519"
    public_key: str = Field(description="the raw 32-byte Ed25519 public key, base64")
    previous_vkeys: list[str] = Field(
        default_factory=list,
        description="keys of before a rotation, still cosigning new checkpoints for a while",
    )
    sm2_vkey: str | None = Field(
        default=None,
        description="under the national suite, the SM2 verifier key of the checkpoints' second "
        "signature line: <name>+<key id hex>+<base64(0xff ‖ 04 ‖ x ‖ y)>",
    )


def _checkpoint_out(cp: Any) -> CheckpointOut:
    return CheckpointOut(
        size=cp.size, root=note.b64(bytes(cp.root)), note=cp.note, created_at=cp.created_at
    )


@router.get(
    "/ledger/checkpoint",
    auth=None,
    response={200: CheckpointOut, **ERRORS},
    summary="The latest signed checkpoint (JSON)",
)
def checkpoint_latest(request: HttpRequest) -> CheckpointOut:
    """The checkpoint of the whole log as it is now (signed on first request)."""
    return _checkpoint_out(services.checkpoint())


@router.get(
    "/ledger/checkpoint.txt",
    auth=None,
    summary="The latest signed checkpoint (text/plain signed note)",
    openapi_extra={
        "responses": {
            200: {
                "description": "C2SP signed note",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        }
    },
)
def checkpoint_latest_text(request: HttpRequest) -> HttpResponse:
    return HttpResponse(services.checkpoint().note, content_type="text/plain; charset=utf-8")


@router.get(
    "/ledger/entries/{index}",
    auth=None,
    response={200: LogEntryOut, **FOUND},
    summary="One entry of the log",
)
def entry_get(
    request: HttpRequest, index: Annotated[int, Field(ge=0, le=2**63 - 1)]
) -> LogEntryOut:
    if index >= selectors.tree_size():  # well-formed, but the log has no such entry yet
        raise Http404
    entry = selectors.entry_get(index)
    return LogEntryOut(
        index=entry.index,
        entry=note.b64(bytes(entry.entry)),
        leaf_hash=note.b64(entry.leaf_hash),
        created_at=entry.created_at,
    )


@router.get(
    "/ledger/proofs/inclusion",
    auth=None,
    response={200: InclusionOut, **ERRORS},
    summary="Inclusion proof of an entry in the tree of a given size",
)
def proof_inclusion(request: HttpRequest, query: Query[InclusionQuery]) -> InclusionOut:
    hashes = services.inclusion_proof(query.index, query.size)
    leaf = selectors.leaf_hashes(query.index, query.index + 1)[0]
    return InclusionOut(
        index=query.index,
        size=query.size,
        leaf_hash=note.b64(leaf),
        hashes=[note.b64(h) for h in hashes],
    )


@router.get(
    "/ledger/proofs/consistency",
    auth=None,
    response={200: ConsistencyOut, **ERRORS},
    by_alias=True,
    summary="Consistency proof between two tree sizes",
)
def proof_consistency(request: HttpRequest, query: Query[ConsistencyQuery]) -> ConsistencyOut:
    hashes = selectors.consistency_proof(query.first, query.second)
    return ConsistencyOut.model_validate(
        {"from": query.first, "to": query.second, "hashes": [note.b64(h) for h in hashes]}
    )


@router.get("/ledger/key", auth=None, response={200: KeyOut}, summary="The log's public key")
def key_get(request: HttpRequest) -> KeyOut:
    verifier = selectors.verifier()
    return KeyOut(
        vkey=verifier.vkey,
        name=verifier.name,
        key_id=verifier.key_id.hex(),
        public_key=note.b64(verifier.public_key),
        previous_vkeys=selectors.previous_vkeys(),
        sm2_vkey=selectors.sm2_vkey() if selectors.signs_sm2() else None,
    )
