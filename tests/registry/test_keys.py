"""Rotating the personal-data keys: the stored tokens move to the new key, the values stay, and
after a hash-key change the lookups work again once the hashes are recomputed."""

from __future__ import annotations

import base64
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import override_settings

from cqo.audit.models import AuditEntry
from cqo.lib import crypto, gm
from cqo.registry import selectors
from cqo.registry.models import Enterprise, Person
from cqo.test import Personas

pytestmark = pytest.mark.django_db


def _values() -> dict[int, tuple[str, str]]:
    return {p.pk: (p.id_number, p.mobile) for p in Person.objects.all()}


def test_rotation_moves_every_token_to_the_new_key(personas: Personas, settings):
    settings.CQO_CRYPTO_SUITE = "international"  # Fernet keys; the SM4 keys' test is below
    call_command("rotate_data_keys", stdout=io.StringIO())  # the personas' rows into Fernet
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
    entry = AuditEntry.objects.filter(target_type="data_keys").latest("pk")
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


def _suites() -> set[str]:
    tokens = Person.objects.values_list("id_number_enc", "mobile_enc")
    return {crypto.token_suite(t) for pair in tokens for t in pair} - {""}


def _found(person: Person) -> bool:
    return selectors.person_by_identity(id_number=person.id_number, name=person.name) is not None


def test_rotation_moves_rows_between_suites_with_their_lookup_hashes(personas: Personas, settings):
    person = personas.person
    settings.CQO_CRYPTO_SUITE = "international"
    call_command("rotate_data_keys", stdout=io.StringIO())
    assert _suites() == {"international"}
    before = _values()
    assert _found(person)

    settings.CQO_CRYPTO_SUITE = "national"
    # the Fernet tokens still read; the lookup hashes are still HMAC-SHA256 until the rotation
    assert _values() == before
    assert not _found(person)
    out = io.StringIO()
    call_command("rotate_data_keys", stdout=out)
    assert "national suite" in out.getvalue()
    assert _suites() == {"national"}
    assert _values() == before
    assert _found(person)
    row = Person.objects.get(pk=person.pk)
    assert (
        row.id_number_hash
        == crypto.keyed_hash(person.id_number)
        == (gm.hmac_sm3(settings.CQO_HASH_KEY.encode(), person.id_number.encode()).hex())
    )
    assert row.mobile_hash == crypto.keyed_hash(row.mobile)

    settings.CQO_CRYPTO_SUITE = "international"
    assert _values() == before  # and SM4 tokens read under the international suite
    call_command("rotate_data_keys", stdout=io.StringIO())
    assert _suites() == {"international"}
    assert _found(person)


def test_the_both_suite_finds_rows_of_either_suite_during_the_move(personas: Personas, settings):
    settings.CQO_CRYPTO_SUITE = "international"
    call_command("rotate_data_keys", stdout=io.StringIO())
    settings.CQO_CRYPTO_SUITE = "both"
    assert _found(personas.person)  # not moved yet: found under its HMAC-SHA256 hash
    assert crypto.token_suite(crypto.encrypt("13800138000")) == "national"
    call_command("rotate_data_keys", stdout=io.StringIO())
    assert _suites() == {"national"}
    assert _found(personas.person)


def test_rotation_moves_sm4_tokens_to_the_new_sm4_key(personas: Personas, settings):
    settings.CQO_CRYPTO_SUITE = "national"
    call_command("rotate_data_keys", stdout=io.StringIO())
    before = _values()
    old = list(settings.CQO_SM4_KEYS)
    new = base64.urlsafe_b64encode(bytes(range(100, 116))).decode()
    settings.CQO_SM4_KEYS = [new, *old]
    call_command("rotate_data_keys", stdout=io.StringIO())
    settings.CQO_SM4_KEYS = [new]
    assert _values() == before
    settings.CQO_SM4_KEYS = old
    with pytest.raises(ValueError):
        _values()


def test_the_notice_mobiles_move_with_the_rotation(personas: Personas, settings):
    """The mobiles people gave for notices (cqo.notify) are personal data like the registry's:
    a rotation moves them to the new key and suite with their lookup hashes."""
    from cqo.notify.models import ContactDetails
    from cqo.notify.services import contact_set

    settings.CQO_CRYPTO_SUITE = "international"
    contact_set(actor=personas.cqo, user=personas.cqo, email="", mobile="13900001111")
    old = list(settings.CQO_DATA_KEYS)
    new = Fernet.generate_key().decode()
    with override_settings(CQO_DATA_KEYS=[new, *old]):
        out = io.StringIO()
        call_command("rotate_data_keys", stdout=out)
        assert "1 notice contacts" in out.getvalue()
    with override_settings(CQO_DATA_KEYS=[new]):
        assert ContactDetails.objects.get(user=personas.cqo).mobile == "13900001111"
    with override_settings(CQO_DATA_KEYS=old), pytest.raises(ValueError):
        _ = ContactDetails.objects.get(user=personas.cqo).mobile
    settings.CQO_CRYPTO_SUITE = "national"
    with override_settings(CQO_DATA_KEYS=[new]):
        call_command("rotate_data_keys", stdout=io.StringIO())
        row = ContactDetails.objects.get(user=personas.cqo)
        assert crypto.token_suite(row.mobile_enc) == "national"
        assert row.mobile == "13900001111"
        assert row.mobile_hash == crypto.keyed_hash("13900001111")
