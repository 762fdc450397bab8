"""Rotating the personal-data keys (SPEC §10: ID numbers and mobiles encrypted at rest, looked
up by keyed hash).

The data key: put the new key first in CQO_DATA_KEY and the old one in CQO_DATA_KEYS_OLD; every
value still reads, and ``rotate_data_keys`` re-encrypts the stored tokens with the new key, after
which the old key can be dropped. The hash key (CQO_HASH_KEY) has no "old" list — a lookup
hashes with the current key only — so after changing it, ``rotate_data_keys --rehash`` must run
before the platform serves again: it recomputes every lookup hash from the decrypted value.

The suite (CQO_CRYPTO_SUITE, cqo/lib/crypto.py) moves the same way: every token is re-encrypted
in the suite set (Fernet → SM4-GCM or back), and a row whose token changes suite has its lookup
hashes recomputed in the new suite's hash (HMAC-SHA256 ↔ HMAC-SM3) in the same batch, so a row's
token and hashes are always of one suite. To switch without a pause in lookups, set ``both``
first (it writes national and looks up under either hash), run the rotation, then ``national``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from cqo.accounts.models import User
from cqo.audit.models import AuditEntry
from cqo.audit.services import audit_record
from cqo.lib import crypto
from cqo.notify.models import ContactDetails
from cqo.registry.models import Enterprise, Person

BATCH = 2000


@dataclass
class Rotated:
    persons: int = 0
    enterprises: int = 0
    contacts: int = 0  # the notice mobiles people gave (cqo.notify)


def _batches(model: Any, fields: list[str]) -> Any:
    last = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").only("pk", *fields)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def _moves(token: str) -> bool:
    """Whether re-encrypting ``token`` moves it into the other suite."""
    written = crypto.NATIONAL if crypto.writes_national() else crypto.INTERNATIONAL
    return crypto.token_suite(token) not in ("", written)


def rotate(*, rehash: bool = False, actor: User | None = None) -> Rotated:
    """Re-encrypt every stored personal value with the current suite's current data key and
    recompute its lookup hash with the current hash key (``rehash``), or in the current suite
    when its token changes suite; one transaction per batch, so a rotation interrupted half-way
    can simply be run again (tokens of either key and suite still read)."""
    done = Rotated()
    person_fields = ["id_number_enc", "mobile_enc", "id_number_hash", "mobile_hash"]
    for rows in _batches(Person, person_fields):
        for p in rows:
            if rehash or _moves(p.id_number_enc):
                p.id_number_hash = crypto.keyed_hash(crypto.decrypt(p.id_number_enc))
            if rehash or _moves(p.mobile_enc):
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
    for rows in _batches(ContactDetails, ["mobile_enc", "mobile_hash"]):
        for c in rows:
            if rehash or _moves(c.mobile_enc):
                c.mobile_hash = crypto.keyed_hash(crypto.decrypt(c.mobile_enc))
            c.mobile_enc = crypto.reencrypt(c.mobile_enc)
        with transaction.atomic():
            ContactDetails.objects.bulk_update(rows, ["mobile_enc", "mobile_hash"])
        done.contacts += len(rows)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        target_type="data_keys",
        target_id="rotation",
        target_repr="personal-data keys",
        changes={
            "persons": [None, done.persons],
            "enterprises": [None, done.enterprises],
            "contacts": [None, done.contacts],
        },
        note=f"re-encrypted with the current data key ({crypto.suite()} suite)"
        + (", lookup hashes recomputed" if rehash else ""),
    )
    return done
