"""The offline verifier (cqo/ledger/verify.py and ``python -m cqo.ledger verify``): a bundle is
accepted only with a valid signature by the given key over a checkpoint whose root the entry's
inclusion proof reaches; everything else is refused with its reason. No database."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cqo.ledger import merkle, note
from cqo.ledger.verify import verify_bundle
from tests.ledger.helpers import (
    entries_for,
    leaf_hashes_of,
    memory_bundle,
    signed_checkpoint,
    vkey_of,
)

ROOT_DIR = Path(__file__).resolve().parents[2]
KEY = Ed25519PrivateKey.generate()
OTHER = Ed25519PrivateKey.generate()
VKEY = vkey_of(KEY)
ENTRIES = entries_for(21)


def bundle(index: int = 5) -> dict[str, Any]:
    return memory_bundle(ENTRIES, index, KEY)


def test_it_accepts_a_genuine_bundle_and_reports_what_it_checked() -> None:
    for i in range(len(ENTRIES)):
        result = verify_bundle(bundle(i), VKEY)
        assert result.ok, result.reason
        assert (result.index, result.size, result.entry) == (i, 21, ENTRIES[i])
        assert result.root == merkle.root(leaf_hashes_of(ENTRIES))
        assert result.code == "ok"


def test_it_ignores_and_passes_on_unknown_keys() -> None:
    b = bundle()
    b["opening"] = {"salt": "00", "fields": {"name": "张三"}}
    result = verify_bundle(b, VKEY)
    assert result.ok
    assert result.extra == {"opening": {"salt": "00", "fields": {"name": "张三"}}}


def _flip(b64: str) -> str:
    raw = bytearray(note.b64decode(b64))
    raw[-1] ^= 1
    return note.b64(bytes(raw))


TAMPERS = {
    "altered entry": (lambda b: b.update(entry=note.b64(b"entry-6")), "not_included"),
    "one bit of the entry": (lambda b: b.update(entry=_flip(b["entry"])), "not_included"),
    "altered proof": (
        lambda b: b["inclusion_proof"].__setitem__(0, _flip(b["inclusion_proof"][0])),
        "not_included",
    ),
    "proof too short": (lambda b: b["inclusion_proof"].pop(), "not_included"),
    "proof too long": (
        lambda b: b["inclusion_proof"].append(b["inclusion_proof"][0]),
        "not_included",
    ),
    "other index": (lambda b: b.update(index=4), "not_included"),
    "index beyond the signed tree": (lambda b: b.update(index=21), "index_out_of_range"),
    "negative index": (lambda b: b.update(index=-1), "index_out_of_range"),
    "index as text": (lambda b: b.update(index="5"), "bad_bundle"),
    "index as bool": (lambda b: b.update(index=True), "bad_bundle"),
    "no version": (lambda b: b.pop("version"), "bad_bundle"),
    "version 2": (lambda b: b.update(version=2), "bad_bundle"),
    "entry not base64": (lambda b: b.update(entry="не base64"), "bad_bundle"),
    "url-safe base64": (lambda b: b.update(entry="_-__"), "bad_bundle"),
    "proof not a list": (lambda b: b.update(inclusion_proof="AAAA"), "bad_bundle"),
    "short proof hash": (lambda b: b["inclusion_proof"].__setitem__(0, "AAAA"), "bad_bundle"),
    "no checkpoint": (lambda b: b.pop("checkpoint"), "bad_bundle"),
    "checkpoint size changed": (
        lambda b: b.update(checkpoint=b["checkpoint"].replace("\n21\n", "\n22\n")),
        "bad_signature",
    ),
    "signature altered": (
        lambda b: b.update(
            checkpoint=b["checkpoint"][:-6]
            + ("A" if b["checkpoint"][-6] != "A" else "B")
            + b["checkpoint"][-5:]
        ),
        "bad_signature",
    ),
    "signature removed": (
        lambda b: b.update(checkpoint=b["checkpoint"].split("\n\n")[0] + "\n"),
        "unsigned",
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPERS))
def test_it_refuses_a_tampered_bundle(case: str) -> None:
    tamper, code = TAMPERS[case]
    b = copy.deepcopy(bundle())
    tamper(b)
    result = verify_bundle(b, VKEY)
    assert not result.ok
    assert result.code == code, result.reason
    assert result.reason


def test_it_refuses_a_checkpoint_signed_by_another_key() -> None:
    b = memory_bundle(ENTRIES, 5, OTHER)
    result = verify_bundle(b, VKEY)
    assert (result.ok, result.code) == (False, "unsigned")
    # and the genuine bundle against another key
    result = verify_bundle(bundle(), vkey_of(OTHER))
    assert (result.ok, result.code) == (False, "unsigned")


def test_it_takes_the_root_only_from_the_signed_checkpoint() -> None:
    # A forger logs a different entry 5 in a tree of their own; their proof is genuine for
    # their root. Giving that root beside the genuine signed note, or in an unsigned note,
    # or re-using our signature line under their text, gets nowhere.
    forged = list(ENTRIES)
    forged[5] = b"forged hours"
    hashes = leaf_hashes_of(forged)
    forged_root = merkle.root(hashes)
    b = bundle()
    b["entry"] = note.b64(forged[5])
    b["inclusion_proof"] = [note.b64(h) for h in merkle.inclusion_proof(5, hashes)]
    b["root"] = note.b64(forged_root)
    b["tree_size"] = 21
    assert verify_bundle(b, VKEY).code == "not_included"

    unsigned = note.checkpoint_text("test.example/log", 21, forged_root)
    assert verify_bundle({**b, "checkpoint": unsigned}, VKEY).code == "unsigned"
    our_signature = bundle()["checkpoint"].split("\n\n")[1]
    spliced = unsigned + "\n" + our_signature
    assert verify_bundle({**b, "checkpoint": spliced}, VKEY).code == "bad_signature"


def test_it_refuses_a_checkpoint_of_another_log_by_the_same_key() -> None:
    hashes = leaf_hashes_of(ENTRIES)
    other_log = signed_checkpoint(KEY, 21, merkle.root(hashes), name="test.example/log")
    b = {**bundle(), "checkpoint": other_log.replace("test.example/log\n21", "elsewhere\n21", 1)}
    assert verify_bundle(b, VKEY).code == "bad_signature"
    text = note.checkpoint_text("elsewhere.example/log", 21, merkle.root(hashes))
    b["checkpoint"] = note.sign(text, "test.example/log", KEY)
    assert verify_bundle(b, VKEY).code == "wrong_origin"


@pytest.mark.parametrize("value", [None, [], "text", 5, {"version": 1}])
def test_it_refuses_what_is_not_a_bundle(value: Any) -> None:
    result = verify_bundle(value, VKEY)
    assert not result.ok and result.code in ("bad_bundle",)


def test_it_refuses_a_malformed_key() -> None:
    assert verify_bundle(bundle(), "not a key").code == "bad_key"


# The command line, in a process without Django ----------------------------------------------


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT_DIR)
    return subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "cqo.ledger", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        cwd=ROOT_DIR,
        timeout=60,
        check=False,
    )


@pytest.fixture
def bundle_file(tmp_path: Path) -> Path:
    path = tmp_path / "hour-proof.json"
    path.write_text(json.dumps(bundle()), encoding="utf-8")
    return path


def test_the_cli_exits_0_on_a_genuine_bundle(bundle_file: Path, tmp_path: Path) -> None:
    done = _run("verify", str(bundle_file), "--key", VKEY)
    assert done.returncode == 0, done.stderr
    assert "VERIFIED" in done.stdout and "tree size  21" in done.stdout
    key_file = tmp_path / "platform.vkey"
    key_file.write_text(VKEY + "\n", encoding="utf-8")
    assert _run("verify", str(bundle_file), "--key", str(key_file)).returncode == 0
    assert _run("verify", "-", "--key", VKEY, stdin=bundle_file.read_text()).returncode == 0


def test_the_cli_exits_1_with_the_reason_on_a_tampered_bundle(tmp_path: Path) -> None:
    b = bundle()
    b["entry"] = note.b64(b"entry-6")
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(b), encoding="utf-8")
    done = _run("verify", str(path), "--key", VKEY)
    assert done.returncode == 1
    assert "NOT VERIFIED" in done.stderr and "inclusion proof" in done.stderr
    done = _run("verify", str(path), "--key", vkey_of(OTHER))
    assert done.returncode == 1 and "no signature" in done.stderr
    path.write_text("{not json", encoding="utf-8")
    assert _run("verify", str(path), "--key", VKEY).returncode == 1


def test_the_cli_exits_2_on_unusable_arguments(bundle_file: Path, tmp_path: Path) -> None:
    assert _run("verify", str(tmp_path / "missing.json"), "--key", VKEY).returncode == 2
    assert _run("verify", str(bundle_file), "--key", "garbage").returncode == 2
    assert _run("verify", str(bundle_file)).returncode == 2  # no --key
    assert _run().returncode == 2


def test_the_verifier_imports_no_django() -> None:
    code = (
        "import sys, cqo.ledger.__main__, cqo.ledger.verify; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", code], cwd=ROOT_DIR, env=env, timeout=60, check=False
    )
    assert done.returncode == 0
