"""The bytes a chain value covers (cqo/audit/chain.py): one encoding per entry whatever order
its JSON's keys come in, and different entries never encode alike."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cqo.audit import chain

AT = dt.datetime(2026, 12, 7, 4, 30, 1, 123456, tzinfo=dt.UTC)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
texts = st.text(max_size=30)
entries = st.builds(
    chain.Sealed,
    seq=st.integers(1, 2**62),
    alg=st.sampled_from(["hmac-sm3", "hmac-sha256"]),
    at=st.datetimes(
        min_value=dt.datetime(2012, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    actor_id=st.none() | st.integers(1, 2**62),
    actor_name=texts,
    action=texts,
    target_type=texts,
    target_id=texts,
    target_repr=texts,
    changes=st.dictionaries(st.text(max_size=8), json_values, max_size=5),
    note=texts,
)


def _reordered(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reordered(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(v) for v in value]
    return value


@given(entries)
def test_the_order_of_keys_does_not_change_the_bytes(entry: chain.Sealed) -> None:
    assert chain.canonical(entry) == chain.canonical(
        replace(entry, changes=_reordered(entry.changes))
    )


@given(entries)
def test_the_bytes_decode_to_the_fields_in_their_order(entry: chain.Sealed) -> None:
    decoded = json.loads(chain.canonical(entry).decode("utf-8", "surrogatepass"))
    assert decoded[0] == chain.FORMAT
    assert decoded[1:4] == [entry.seq, entry.alg, entry.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")]
    assert decoded[4:10] == [
        entry.actor_id,
        entry.actor_name,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.target_repr,
    ]
    assert decoded[10] == entry.changes and decoded[11] == entry.note


@given(entries, entries)
def test_different_entries_encode_differently(a: chain.Sealed, b: chain.Sealed) -> None:
    assert (chain.canonical(a) == chain.canonical(b)) == (_key(a) == _key(b))


def _key(entry: chain.Sealed) -> str:
    # what the entry is, as a value (JSON equality: 1 == 1.0, as the database keeps them)
    return json.dumps(
        [
            entry.seq,
            entry.alg,
            entry.at.isoformat(),
            entry.actor_id,
            entry.actor_name,
            entry.action,
            entry.target_type,
            entry.target_id,
            entry.target_repr,
            entry.changes,
            entry.note,
        ],
        sort_keys=True,
        ensure_ascii=False,
    )


@given(entries)
def test_a_change_of_any_field_changes_the_chain_value(entry: chain.Sealed) -> None:
    key = b"k" * 32
    value = chain.link(chain.GENESIS, entry, key)
    assert len(value) == 32
    for changed in (
        replace(entry, seq=entry.seq + 1),
        replace(entry, note=entry.note + "x"),
        replace(entry, target_repr=entry.target_repr + "x"),
        replace(entry, actor_id=None if entry.actor_id else 1),
        replace(entry, at=entry.at + dt.timedelta(microseconds=1)),
        replace(entry, changes={**entry.changes, "添加": 1}),
        replace(entry, alg="hmac-sm3" if entry.alg == "hmac-sha256" else "hmac-sha256"),
    ):
        if changed != entry:
            assert chain.link(chain.GENESIS, changed, key) != value
    assert chain.link(b"\x01" * 32, entry, key) != value
    assert chain.link(chain.GENESIS, entry, b"other key") != value


def test_a_naive_time_counts_as_utc() -> None:
    entry = chain.Sealed(
        seq=1, alg="hmac-sha256", at=AT, actor_id=None, actor_name="system", action="update",
        target_type="course", target_id="1", target_repr="", changes={}, note="",
    )  # fmt: skip
    assert chain.canonical(entry) == chain.canonical(replace(entry, at=AT.replace(tzinfo=None)))
    shanghai = AT.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert chain.canonical(entry) == chain.canonical(replace(entry, at=shanghai))
