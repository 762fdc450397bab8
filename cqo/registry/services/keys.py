"""Rotating the personal-data keys (SPEC §10: ID numbers and mobiles encrypted at rest, looked
up by keyed hash).

The data key: put the new key first in CQO_DATA_KEY and the old one in CQO_DATA_KEYS_OLD; every
value still reads, and ``rotate_data_keys`` re-encrypts the stored tokens with the new key, after
which the old key can be dropped. The hash key (CQO_HASH_KEY) has no "old" list — a lookup
hashes with the current key only — so after changing it, ``rotate_data_keys --rehash`` must run
before the platform serves again: it recomputes every lookup hash from the decrypted value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from cqo.accounts.models import User
from cqo.audit.models import AuditEntry
from cqo.audit.services import audit_record
from cqo.lib import crypto
from cqo.registry.models import Enterprise, Person

BATCH = 2000


@dataclass
class Rotated:
    persons: int = 0
    enterprises: int = 0


def _batches(model: Any, fields: list[str]) -> Any:
    last = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").only("pk", *fields)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def rotate(*, rehash: bool = False, actor: User | None = None) -> Rotated:
    """Re-encrypt every stored personal value with the current data key and (``rehash``)
    recompute its lookup hash with the current hash key; one transaction per batch, so a
    rotation interrupted half-way can simply be run again (tokens of either key still read)."""
    done = Rotated()
    person_fields = ["id_number_enc", "mobile_enc"]
    if rehash:
        person_fields += ["id_number_hash", "mobile_hash"]
    for rows in _batches(Person, person_fields):
        for p in rows:
            if rehash:
                p.id_number_hash = crypto.keyed_hash(crypto.decrypt(p.id_number_enc))
                p.mobile_hash = crypto.keyed_hash(crypto.decrypt(p.mobile_enc))
            p.id_number_enc = crypto.reencrypt(p.id_number_enc)
            p.mobile_enc = crypto.reencrypt(p.mobile_enc)
        with transaction.atomic():
            Person.objects.bulk_update(rows, person_fields)
        done.persons += len(rows)
    for rows in _batches(Enterprise, ["responsible_mobile_enc"]):
        for e in rows:
            e.responsible_mobile_enc = crypto.reencrypt(e.responsible_mobile_enc)
        with transaction.atomic():
            Enterprise.objects.bulk_update(rows, ["responsible_mobile_enc"])
        done.enterprises += len(rows)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target_type="data_keys",
        target_id="rotation",
        target_repr="personal-data keys",
        changes={"persons": [None, done.persons], "enterprises": [None, done.enterprises]},
        note="re-encrypted with the current data key"
        + (", lookup hashes recomputed" if rehash else ""),
    )
    return done
