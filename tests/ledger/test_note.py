"""C2SP signed notes and tlog-checkpoints (cqo/ledger/note.py), against the published vector of
golang.org/x/mod/sumdb/note so Go's verifiers (and everyone else's) read our checkpoints."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cqo.ledger import note
from tests.ledger.helpers import signed_checkpoint, vkey_of

# golang.org/x/mod/sumdb/note: the example key pair and signed note of its documentation
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZS"
    "NXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def go_key() -> Ed25519PrivateKey:
    raw = base64.b64decode(GO_SKEY.split("+", 4)[4])  # PRIVATE+KEY+<name>+<id>+<key>
    assert raw[0] == 1  # Ed25519
    return Ed25519PrivateKey.from_private_bytes(raw[1:])


def test_it_signs_byte_for_byte_like_go_sumdb_note() -> None:
    key = go_key()
    assert note.vkey("PeterNeumann", note.raw_public_key(key)) == GO_VKEY
    assert note.key_id("PeterNeumann", note.raw_public_key(key)).hex() == "c74f20a3"
    assert note.sign(GO_TEXT, "PeterNeumann", key) == GO_NOTE


def test_it_opens_the_go_note_with_its_vkey() -> None:
    verifier = note.parse_vkey(GO_VKEY)
    assert verifier.name == "PeterNeumann"
    assert verifier.key_id.hex() == "c74f20a3"
    assert note.open_note(GO_NOTE, verifier) == GO_TEXT


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        (lambda n: n.replace("cryptography", "cryptographY"), "bad_signature"),
        (lambda n: n.replace("6KE6R", "6KE6S"), "bad_signature"),
        (lambda n: n.replace("PeterNeumann x08", "PeterNeumanm x08"), "unsigned"),
        (lambda n: n.replace("x08go/", "AAAAAA"), "unsigned"),  # another key ID
        (lambda n: n.replace("\n\n", "\n"), "unsigned"),
        (lambda n: n.replace("— ", "-- "), "bad_note"),
        (lambda n: n.rstrip("\n"), "bad_note"),
        (lambda n: n.replace("AM=\n", "AM=\n\n"), "bad_note"),
        (lambda n: n.replace("x08go/", "x08go!"), "bad_note"),
        (lambda n: n.replace("PeterNeumann x08", "Peter Neumann x08"), "bad_note"),
        (lambda n: "", "bad_note"),
    ],
)
def test_it_refuses_a_tampered_or_malformed_note(tamper: Callable[[str], str], code: str) -> None:
    with pytest.raises(note.NoteError) as caught:
        note.open_note(tamper(GO_NOTE), note.parse_vkey(GO_VKEY))
    assert caught.value.code == code


def test_it_ignores_other_keys_signatures_but_needs_its_own() -> None:
    witness = Ed25519PrivateKey.generate()
    cosigned = GO_NOTE + note.sign(GO_TEXT, "witness.example", witness).split("\n\n")[1]
    assert note.open_note(cosigned, note.parse_vkey(GO_VKEY)) == GO_TEXT
    assert note.open_note(cosigned, note.parse_vkey(vkey_of(witness, "witness.example"))) == GO_TEXT
    stranger = Ed25519PrivateKey.generate()
    with pytest.raises(note.NoteError) as caught:
        note.open_note(GO_NOTE, note.parse_vkey(vkey_of(stranger, "PeterNeumann")))
    assert caught.value.code == "unsigned"


def test_it_rejects_a_note_where_its_own_key_signs_something_else() -> None:
    other_text = GO_TEXT.replace("answer", "question")
    forged_sig = note.sign(other_text, "PeterNeumann", go_key()).split("\n\n")[1]
    with pytest.raises(note.NoteError) as caught:
        note.open_note(GO_TEXT + "\n" + forged_sig, note.parse_vkey(GO_VKEY))
    assert caught.value.code == "bad_signature"


@pytest.mark.parametrize(
    "vkey",
    [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong ID
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+AhpcQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # not base64
        "PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # algorithm 2
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",  # short key
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_it_refuses_malformed_verifier_keys(vkey: str) -> None:
    with pytest.raises(note.NoteError) as caught:
        note.parse_vkey(vkey)
    assert caught.value.code == "bad_key"


def test_it_reads_a_vkey_whose_base64_contains_a_plus() -> None:
    for _ in range(50):
        key = Ed25519PrivateKey.generate()
        vkey = vkey_of(key, "a.example/log")
        assert note.parse_vkey(vkey).public_key == note.raw_public_key(key)


def test_it_writes_and_reads_a_c2sp_checkpoint() -> None:
    root = bytes(range(32))
    text = note.checkpoint_text("cqo-platform.local/hours", 20852163, root)
    assert text == (
        "cqo-platform.local/hours\n20852163\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    )
    parsed = note.parse_checkpoint(text)
    assert (parsed.origin, parsed.size, parsed.root, parsed.extensions) == (
        "cqo-platform.local/hours",
        20852163,
        root,
        (),
    )
    assert note.parse_checkpoint(text + "timestamp 1700000000\n").extensions == (
        "timestamp 1700000000",
    )


@pytest.mark.parametrize(
    "text",
    [
        "origin\n5\n",
        "origin\n05\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "origin\n-5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "origin\n٥\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "origin\n99999999999999999999\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n",
        "origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n",
        "\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "origin\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    ],
)
def test_it_refuses_malformed_checkpoints(text: str) -> None:
    with pytest.raises(note.NoteError):
        note.parse_checkpoint(text)


def test_it_refuses_to_sign_text_that_would_not_parse_back() -> None:
    key = Ed25519PrivateKey.generate()
    for text in ["", "no newline", "a\n\nb\n", "tab\there\n"]:
        with pytest.raises(note.NoteError):
            note.sign(text, "a.example", key)
    with pytest.raises(note.NoteError):
        note.sign("ok\n", "a+b", key)


def test_it_round_trips_a_signed_checkpoint() -> None:
    key = Ed25519PrivateKey.generate()
    signed = signed_checkpoint(key, 7, b"\x07" * 32)
    text = note.open_note(signed, note.parse_vkey(vkey_of(key)))
    assert note.parse_checkpoint(text).size == 7
