"""Rotating the log's signing key (operations guide): with the previous seed in
CQO_LEDGER_KEYS_OLD, checkpoints are served signed by both keys, so verifiers pinned to either
key accept them; once the old seed is dropped, new checkpoints carry the new key only. Stored
checkpoints keep the note they were signed with."""

from __future__ import annotations

import base64
import os

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from cqo.ledger import note, selectors, services
from cqo.ledger.models import Checkpoint
from cqo.ledger.verify import verify_bundle

pytestmark = pytest.mark.django_db


def _seed() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _vkey(seed: str) -> str:
    key = selectors._private_key(seed)
    return note.vkey(selectors.origin(), note.raw_public_key(key))


def _signed_by(text: str, seed: str) -> bool:
    try:
        note.open_note(text, note.parse_vkey(_vkey(seed)))
    except note.NoteError:
        return False
    return True


def test_checkpoints_carry_both_keys_during_a_rotation_and_the_new_one_after() -> None:
    old, new = settings.CQO_LEDGER_KEY, _seed()
    services.append_many([b"entry %d" % i for i in range(5)])
    first = services.checkpoint()
    assert _signed_by(first.note, old) and not _signed_by(first.note, new)

    with override_settings(CQO_LEDGER_KEY=new, CQO_LEDGER_KEYS_OLD=[old]):
        # the stored checkpoint, served again: signed by the new key too, stored as it was
        again = services.checkpoint(first.size)
        assert _signed_by(again.note, old) and _signed_by(again.note, new)
        assert Checkpoint.objects.get(size=first.size).note == first.note
        # a new checkpoint is signed by both
        services.append(b"entry 5")
        grown = services.checkpoint()
        assert grown.size == 6 and _signed_by(grown.note, old) and _signed_by(grown.note, new)
        # a bundle verifies with the new key
        assert verify_bundle(services.bundle(2), _vkey(new)).ok
        key = Client().get("/api/v1/ledger/key").json()
        assert key["vkey"] == _vkey(new) and key["previous_vkeys"] == [_vkey(old)]
        # cosigning twice adds nothing
        assert note.cosign(grown.note, selectors.origin(), selectors.signing_key()) == grown.note

    with override_settings(CQO_LEDGER_KEY=new, CQO_LEDGER_KEYS_OLD=[]):
        services.append(b"entry 6")
        last = services.checkpoint()
        assert _signed_by(last.note, new) and not _signed_by(last.note, old)
        assert Client().get("/api/v1/ledger/key").json()["previous_vkeys"] == []


def test_a_stored_note_no_configured_key_signed_is_never_signed_anew() -> None:
    services.append_many([b"entry %d" % i for i in range(3)])
    cp = services.checkpoint()
    text = cp.note.split("\n\n")[0] + "\n"
    forged = note.sign(text, selectors.origin(), selectors._private_key(_seed()))
    with connection.cursor() as cursor:  # behind the platform's back: the model refuses
        cursor.execute("UPDATE ledger_checkpoint SET note = %s WHERE id = %s", [forged, cp.pk])
    with override_settings(CQO_LEDGER_KEY=_seed(), CQO_LEDGER_KEYS_OLD=[settings.CQO_LEDGER_KEY]):
        served = services.checkpoint(cp.size)
        assert served.note == forged
    assert Checkpoint.objects.get(pk=cp.pk).note == forged


def test_the_audit_accepts_the_checkpoints_of_a_retired_key_named_by_its_verifier_key() -> None:
    from cqo.ledger.audit import ledger_audit

    old, new = settings.CQO_LEDGER_KEY, _seed()
    services.append_many([b"entry %d" % i for i in range(4)])
    services.checkpoint()
    with override_settings(CQO_LEDGER_KEY=new, CQO_LEDGER_KEYS_OLD=[old]):
        assert ledger_audit().ok  # during the rotation
        services.append(b"entry 4")
        services.checkpoint()
    with override_settings(CQO_LEDGER_KEY=new, CQO_LEDGER_KEYS_OLD=[]):
        report = ledger_audit()  # the old key gone and not named: its checkpoint is unsigned
        assert (report.ok, report.kind, report.position) == (False, "checkpoint", "4")
        with override_settings(CQO_LEDGER_RETIRED_VKEYS=[_vkey(old)]):
            assert ledger_audit().ok
