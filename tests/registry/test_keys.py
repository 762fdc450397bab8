"""Rotating the personal-data keys: the stored tokens move to the new key, the values stay, and
after a hash-key change the lookups work again once the hashes are recomputed."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from cqo.audit.models import AuditEntry
from cqo.lib import crypto
from cqo.registry.models import Enterprise, Person
from cqo.test import Personas

pytestmark = pytest.mark.django_db


def _values() -> dict[int, tuple[str, str]]:
    return {p.pk: (p.id_number, p.mobile) for p in Person.objects.all()}


def test_rotation_moves_every_token_to_the_new_key(personas: Personas):
    p = personas
    Enterprise.objects.filter(pk=p.enterprise_a.pk).update(
        responsible_mobile_enc=crypto.encrypt("13912345678")
    )
    before = _values()
    assert len(before) >= 1
    old = list(settings.CQO_DATA_KEYS)
    new = Fernet.generate_key().decode()
    with override_settings(CQO_DATA_KEYS=[new, *old]):
        call_command("rotate_data_keys", stdout=io.StringIO())
    # the new key alone reads everything; the old one alone reads nothing any more
    with override_settings(CQO_DATA_KEYS=[new]):
        assert _values() == before
        assert Enterprise.objects.get(pk=p.enterprise_a.pk).responsible_mobile == "13912345678"
    with override_settings(CQO_DATA_KEYS=old), pytest.raises(ValueError):
        _values()
    entry = AuditEntry.objects.get(target_type="data_keys")
    assert entry.changes["persons"][1] == len(before)


def test_rehash_restores_lookups_after_a_hash_key_change(personas: Personas):
    number = personas.person.id_number
    with override_settings(CQO_HASH_KEY="a-new-hash-key-for-this-test-0123456789"):
        # before the rehash the lookup misses: hashes were made with the old key
        assert not Person.objects.filter(id_number_hash=crypto.keyed_hash(number)).exists()
        call_command("rotate_data_keys", "--rehash", stdout=io.StringIO())
        found = Person.objects.get(id_number_hash=crypto.keyed_hash(number))
        assert found.pk == personas.person.pk
        assert found.mobile_hash == crypto.keyed_hash(found.mobile)


def test_a_token_no_key_reads_stops_the_rotation(personas: Personas):
    other = Fernet.generate_key().decode()
    Person.objects.filter(pk=personas.person.pk).update(
        mobile_enc=Fernet(other.encode()).encrypt(b"13800000000").decode()
    )
    with pytest.raises(ValueError, match="cannot be read"):
        call_command("rotate_data_keys", stdout=io.StringIO())
