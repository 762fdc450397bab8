"""SM2 on the hour log (the national suite): checkpoints carry an SM2 signature line beside the
Ed25519 one; Ed25519 verifiers keep working, the offline verifier and the public page check
both, and a changed SM2 line is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from cqo.ledger import note, selectors, services
from cqo.ledger.verify import verify_bundle
from cqo.lib import gm
from tests.ledger.helpers import entries_for, memory_bundle, vkey_of

ROOT_DIR = Path(__file__).resolve().parents[2]
NAME = "test.example/log"
ED = Ed25519PrivateKey.generate()
SM2 = note.Sm2Key(gm.sm2_new_private_key())
SM2_VKEY = note.signer_vkey(NAME, SM2)


def _both_signed(index: int = 5) -> dict[str, Any]:
    bundle = memory_bundle(entries_for(9), index, ED)
    bundle["checkpoint"] = note.cosign(bundle["checkpoint"], NAME, SM2)
    return bundle


def _tamper_sm2_line(signed: str) -> str:
    """The SM2 line (the last) with one byte of its signature changed."""
    head, last = signed[:-1].rsplit("\n", 1)
    name, sig = last[len(note.SIG_PREFIX) :].split(" ")
    raw = bytearray(note.b64decode(sig))
    raw[-1] ^= 1
    return f"{head}\n{note.SIG_PREFIX}{name} {note.b64(bytes(raw))}\n"


def test_the_sm2_vkey_names_the_algorithm_and_point():
    verifier = note.parse_vkey(SM2_VKEY)
    assert verifier.alg == note.ALG_SM2 and verifier.algorithm == "SM2"
    assert verifier.public_key == SM2.public and len(verifier.public_key) == 65
    off_curve = note.vkey(NAME, SM2.public[:-1] + bytes([SM2.public[-1] ^ 1]), note.ALG_SM2)
    with pytest.raises(note.NoteError, match="SM2 curve"):
        note.parse_vkey(off_curve)


def test_a_note_with_both_lines_opens_with_either_key():
    signed = _both_signed()["checkpoint"]
    lines = signed.split("\n\n", 1)[1].splitlines()
    assert len(lines) == 2 and all(line.startswith(f"— {NAME} ") for line in lines)
    text = note.open_note(signed, note.parse_vkey(vkey_of(ED)))  # as before the suite
    assert note.open_note(signed, note.parse_vkey(SM2_VKEY)) == text
    assert len(note.b64decode(lines[1].split(" ")[2])) == 4 + gm.SM2_SIGNATURE_BYTES


def test_the_sm2_line_is_over_the_text_with_the_default_user_id():
    signed = _both_signed()["checkpoint"]
    text = signed.split("\n\n", 1)[0] + "\n"
    sig = note.b64decode(signed.splitlines()[-1].split(" ")[2])[4:]
    assert gm.sm2_verify(SM2.public, text.encode(), sig, b"1234567812345678")
    assert not gm.sm2_verify(SM2.public, text.encode(), sig, b"another user id!")


def test_a_changed_sm2_line_fails_the_sm2_check_only():
    tampered = _tamper_sm2_line(_both_signed()["checkpoint"])
    note.open_note(tampered, note.parse_vkey(vkey_of(ED)))  # another key's line: skipped
    with pytest.raises(note.NoteError, match=r"\(SM2\) does not verify"):
        note.open_note(tampered, note.parse_vkey(SM2_VKEY))


def test_the_verifier_checks_every_key_given_and_those_present():
    bundle = _both_signed()
    result = verify_bundle(bundle, [vkey_of(ED), SM2_VKEY])
    assert result.ok and result.signed_by == ("Ed25519", "SM2"), result.reason
    assert verify_bundle(bundle, vkey_of(ED), if_present=[SM2_VKEY]).signed_by == (
        "Ed25519",
        "SM2",
    )
    bundle["checkpoint"] = _tamper_sm2_line(bundle["checkpoint"])
    assert verify_bundle(bundle, [vkey_of(ED), SM2_VKEY]).code == "bad_signature"
    assert verify_bundle(bundle, vkey_of(ED), if_present=[SM2_VKEY]).code == "bad_signature"
    assert verify_bundle(bundle, vkey_of(ED)).ok  # an Ed25519 verifier as before
    # a checkpoint with no SM2 line: required, it fails; if present, the Ed25519 check suffices
    plain = memory_bundle(entries_for(9), 5, ED)
    assert verify_bundle(plain, [vkey_of(ED), SM2_VKEY]).code == "unsigned"
    assert verify_bundle(plain, vkey_of(ED), if_present=[SM2_VKEY]).signed_by == ("Ed25519",)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT_DIR)
    return subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "cqo.ledger", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT_DIR,
        timeout=60,
        check=False,
    )


def test_the_cli_checks_both_signatures_and_fails_on_a_changed_sm2_line(tmp_path: Path):
    path = tmp_path / "hour-proof.json"
    bundle = _both_signed()
    path.write_text(json.dumps(bundle), encoding="utf-8")
    done = _run("verify", str(path), "--key", vkey_of(ED), "--key", SM2_VKEY)
    assert done.returncode == 0, done.stderr
    assert "signatures Ed25519, SM2" in done.stdout
    bundle["checkpoint"] = _tamper_sm2_line(bundle["checkpoint"])
    path.write_text(json.dumps(bundle), encoding="utf-8")
    done = _run("verify", str(path), "--key", vkey_of(ED), "--key", SM2_VKEY)
    assert done.returncode == 1 and "(SM2) does not verify" in done.stderr
    assert _run("verify", str(path), "--key", vkey_of(ED)).returncode == 0


# The platform's log under the national suite --------------------------------------------------


@pytest.fixture
def national(settings: Any) -> None:
    settings.CQO_CRYPTO_SUITE = "national"


@pytest.mark.django_db
def test_checkpoints_carry_both_lines_under_the_national_suite(national: None):
    services.append_many(entries_for(10))
    bundle = services.bundle(3)
    result = verify_bundle(bundle, selectors.published_vkeys())
    assert result.ok and result.signed_by == ("Ed25519", "SM2"), result.reason
    assert verify_bundle(bundle, services.public_vkey()).ok
    key = Client().get("/api/v1/ledger/key").json()
    assert key["sm2_vkey"] == selectors.sm2_vkey()


@pytest.mark.django_db
def test_a_checkpoint_stored_before_the_switch_is_served_with_an_sm2_line(settings: Any):
    settings.CQO_CRYPTO_SUITE = "international"
    services.append_many(entries_for(10))
    stored = services.checkpoint()
    assert len(stored.note.split("\n\n", 1)[1].splitlines()) == 1
    assert Client().get("/api/v1/ledger/key").json()["sm2_vkey"] is None
    settings.CQO_CRYPTO_SUITE = "national"
    bundle = services.bundle(3)
    assert verify_bundle(bundle, [services.public_vkey(), selectors.sm2_vkey()]).ok
    # a note no configured key signed gains no SM2 line
    forged = type(stored)(
        pk=stored.pk, size=stored.size, root=stored.root, note=_forge(stored.note)
    )
    assert services.signed_now(forged).note == forged.note


def _forge(signed: str) -> str:
    text, block = signed.split("\n\n", 1)
    return text.replace("\n10\n", "\n11\n") + "\n\n" + block


@pytest.mark.django_db
def test_the_verify_page_checks_the_sm2_line(national: None):
    services.append_many(entries_for(10))
    client = Client()
    bundle = services.bundle(4)
    html = client.post("/ledger/verify/", {"bundle": json.dumps(bundle)}).content.decode()
    assert "border-success" in html and "Ed25519、SM2" in html
    assert selectors.sm2_vkey() in client.get("/ledger/").content.decode()
    bundle["checkpoint"] = _tamper_sm2_line(bundle["checkpoint"])
    html = client.post("/ledger/verify/", {"bundle": json.dumps(bundle)}).content.decode()
    assert "border-danger" in html and "(SM2) does not verify" in html


@pytest.mark.django_db
def test_the_audit_reports_a_changed_sm2_line_of_a_stored_checkpoint(national: None):
    from cqo.ledger.audit import ledger_audit
    from tests.ledger.test_audit import sql

    services.append_many(entries_for(10))
    cp = services.checkpoint()
    assert ledger_audit().ok
    # behind the platform's back: the model refuses to change a stored checkpoint
    sql("UPDATE {checkpoint} SET note = %s WHERE size = %s", [_tamper_sm2_line(cp.note), 10])
    report = ledger_audit()
    assert not report.ok and "(SM2) does not verify" in report.reason
