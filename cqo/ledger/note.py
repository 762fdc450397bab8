"""C2SP signed notes with Ed25519 keys, and the tlog-checkpoint body they carry. No Django.

Formats (https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint; the same bytes as
golang.org/x/mod/sumdb/note, so Go's and other ecosystems' verifiers read our checkpoints):

- a note is its text (non-empty UTF-8 ending in a newline), a blank line, and one signature
  line per key: ``— <key name> <base64(key ID ‖ signature)>\\n`` (U+2014 and a space); the
  signature is over the text, final newline included;
- key ID = the first 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte Ed25519 public key);
- the verifier key (vkey) is ``<name>+<hex key ID>+<base64(0x01 ‖ public key)>``;
- a checkpoint's text is ``<origin>\\n<tree size>\\n<base64 root hash>\\n`` and optional
  extension lines. Base64 is the standard alphabet with padding (RFC 4648 §4).

SM2 (the national suite, CQO_CRYPTO_SUITE): a note may carry, beside the Ed25519 line and under
the same key name, a line by an SM2 key (GB/T 32918.2, Z_A over the default user ID
1234567812345678, signing the text exactly as Ed25519 does). Its algorithm byte is 0xff, the
signed-note spec's mark of an algorithm it does not define; key ID and vkey are formed as for
Ed25519 with 0xff and the 65-byte uncompressed point (04 ‖ x ‖ y) in place of 0x01 and the
32-byte key; the signature is r ‖ s, 64 bytes. A verifier that knows only the Ed25519 key skips
the SM2 line as another key's (its key ID differs), so existing verifiers keep working.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from functools import cached_property

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from cqo.lib import gm

ALG_ED25519 = 0x01
ALG_SM2 = 0xFF  # signed-note: 0xff for an algorithm the spec does not itself define
SIG_PREFIX = "— "  # U+2014 EM DASH, then a space
MAX_SIGNATURES = 100  # as golang.org/x/mod/sumdb/note: more is refused, not skimmed
MAX_NOTE_CHARS = 1_000_000
MAX_TREE_SIZE = 2**63 - 1


class NoteError(ValueError):
    """A malformed key, note or checkpoint, or a signature that does not verify. ``code`` names
    the failure for callers that show their own message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: bytes
    public_key: bytes  # 32 raw bytes (Ed25519) or the 65-byte point 04 ‖ x ‖ y (SM2)
    alg: int = ALG_ED25519

    @property
    def vkey(self) -> str:
        return vkey(self.name, self.public_key, self.alg)

    @property
    def algorithm(self) -> str:
        return "SM2" if self.alg == ALG_SM2 else "Ed25519"


@dataclass(frozen=True)
class Sm2Key:
    """An SM2 private key (the 32-byte scalar) that signs notes."""

    private: bytes

    @cached_property
    def public(self) -> bytes:
        return gm.sm2_public_key(self.private)


SigningKey = Ed25519PrivateKey | Sm2Key


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict standard base64: refuses other alphabets, missing padding and stray characters."""
    if not isinstance(text, str) or not text.isascii():
        raise binascii.Error("not base64")
    return base64.b64decode(text.encode("ascii"), validate=True)


def valid_name(name: str) -> bool:
    """Key names are non-empty UTF-8 without Unicode spaces or '+'."""
    return (
        isinstance(name, str)
        and bool(name)
        and "+" not in name
        and not any(c.isspace() for c in name)
        and name.isprintable()
    )


def raw_public_key(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _alg_and_public(private_key: SigningKey) -> tuple[int, bytes]:
    if isinstance(private_key, Sm2Key):
        return ALG_SM2, private_key.public
    return ALG_ED25519, raw_public_key(private_key)


def key_id(name: str, public_key: bytes, alg: int = ALG_ED25519) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()[:4]


def vkey(name: str, public_key: bytes, alg: int = ALG_ED25519) -> str:
    if not valid_name(name):
        raise NoteError("bad_key", f"invalid key name {name!r}")
    return f"{name}+{key_id(name, public_key, alg).hex()}+{b64(bytes([alg]) + public_key)}"


def signer_vkey(name: str, private_key: SigningKey) -> str:
    alg, public = _alg_and_public(private_key)
    return vkey(name, public, alg)


def parse_vkey(text: str) -> Verifier:
    """Read ``<name>+<hex key ID>+<base64(0x01 ‖ key)>`` (Ed25519) or ``…+<base64(0xff ‖ 04 ‖ x ‖
    y)>`` (SM2); the ID must match the key, an SM2 key must be a point of sm2p256v1."""
    if not isinstance(text, str):
        raise NoteError("bad_key", "the verifier key is not text")
    text = text.strip()
    parts = text.split("+")
    # the base64 part may itself contain '+': split off name and ID only
    if len(parts) < 3:
        raise NoteError("bad_key", "a verifier key is <name>+<key id>+<base64 key>")
    name, hex_id, key_b64 = parts[0], parts[1], "+".join(parts[2:])
    if not valid_name(name):
        raise NoteError("bad_key", "the verifier key's name is invalid")
    if len(hex_id) != 8 or any(c not in "0123456789abcdef" for c in hex_id):
        raise NoteError("bad_key", "the verifier key's ID is not 8 lower-case hex digits")
    try:
        raw = b64decode(key_b64)
    except (binascii.Error, ValueError) as exc:
        raise NoteError("bad_key", "the verifier key is not valid base64") from exc
    if len(raw) == 1 + gm.SM2_PUBLIC_KEY_BYTES and raw[0] == ALG_SM2:
        if not gm.sm2_valid_public_key(raw[1:]):
            raise NoteError("bad_key", "the verifier key is not a point of the SM2 curve")
    elif len(raw) != 33 or raw[0] != ALG_ED25519:
        raise NoteError("bad_key", "the verifier key is not an Ed25519 or SM2 key")
    alg, public_key = raw[0], raw[1:]
    if key_id(name, public_key, alg).hex() != hex_id:
        raise NoteError("bad_key", "the verifier key's ID does not match its name and key")
    return Verifier(name=name, key_id=bytes.fromhex(hex_id), public_key=public_key, alg=alg)


def _check_text(text: str) -> None:
    if not text or not text.endswith("\n"):
        raise NoteError("bad_note", "a note's text must be non-empty and end with a newline")
    if "\n\n" in text:
        raise NoteError("bad_note", "a note's text must not contain a blank line")
    if any(c < " " and c != "\n" for c in text):
        raise NoteError("bad_note", "a note's text must not contain control characters")


def sign(text: str, name: str, private_key: SigningKey) -> str:
    """The signed note: text, blank line, and our signature line."""
    _check_text(text)
    if not valid_name(name):
        raise NoteError("bad_key", f"invalid key name {name!r}")
    alg, public = _alg_and_public(private_key)
    kid = key_id(name, public, alg)
    if isinstance(private_key, Sm2Key):
        signature = gm.sm2_sign(private_key.private, text.encode())
    else:
        signature = private_key.sign(text.encode())
    return f"{text}\n{SIG_PREFIX}{name} {b64(kid + signature)}\n"


def cosign(note: str, name: str, private_key: SigningKey) -> str:
    """``note`` with a signature line by this key added (none when it signs it already): a
    checkpoint signed by the previous key gains the current key's signature during a key
    rotation. The text is the one already signed; C2SP notes carry any number of signatures."""
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("unsigned", "the note has no signature lines")
    text, block = note[: split + 1], note[split + 2 :]
    alg, public = _alg_and_public(private_key)
    kid = key_id(name, public, alg)
    for line in block[:-1].split("\n"):
        fields = line[len(SIG_PREFIX) :].split(" ")
        if len(fields) == 2 and fields[0] == name and b64decode(fields[1])[:4] == kid:
            return note
    signed = sign(text, name, private_key)
    return note + signed[signed.rfind("\n\n") + 2 :]


def open_note(note: str, verifier: Verifier) -> str:
    """The text of ``note`` once a signature by ``verifier`` checks out.

    Lines of other keys are ignored (a note may carry witnesses' cosignatures); a line with the
    verifier's name and key ID that does not verify rejects the note, as in the C2SP spec.
    """
    if not isinstance(note, str) or not note:
        raise NoteError("bad_note", "the checkpoint is not a signed note")
    if len(note) > MAX_NOTE_CHARS:
        raise NoteError("bad_note", "the note is too long")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("unsigned", "the note has no signature lines")
    text, block = note[: split + 1], note[split + 2 :]
    _check_text(text)
    if not block.endswith("\n"):
        raise NoteError("bad_note", "the note's signature lines must end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError("bad_note", "the note has too many signatures")
    verified = False
    for line in lines:
        if not line.startswith(SIG_PREFIX):
            raise NoteError("bad_note", "a signature line must start with '— '")
        fields = line[len(SIG_PREFIX) :].split(" ")
        if len(fields) != 2 or not valid_name(fields[0]):
            raise NoteError("bad_note", "a signature line is '— <key name> <base64 signature>'")
        name, sig_b64 = fields
        try:
            sig = b64decode(sig_b64)
        except (binascii.Error, ValueError) as exc:
            raise NoteError("bad_note", "a signature is not valid base64") from exc
        if len(sig) < 5:
            raise NoteError("bad_note", "a signature is too short")
        if name != verifier.name or sig[:4] != verifier.key_id:
            continue  # another key's signature
        if not _verifies(verifier, sig[4:], text.encode()):
            raise NoteError(
                "bad_signature", f"the signature by {name} ({verifier.algorithm}) does not verify"
            )
        verified = True
    if not verified:
        raise NoteError(
            "unsigned",
            f"the note carries no signature by the key {verifier.name} ({verifier.algorithm})",
        )
    return text


def carries(note: str, verifier: Verifier) -> bool:
    """Whether ``note`` has a signature line with ``verifier``'s name and key ID (verified or
    not: ``open_note`` says that)."""
    split = note.rfind("\n\n") if isinstance(note, str) else -1
    if split < 0:
        return False
    prefix = f"{SIG_PREFIX}{verifier.name} "
    for line in note[split + 2 :].split("\n"):
        if line.startswith(prefix):
            try:
                if b64decode(line[len(prefix) :])[:4] == verifier.key_id:
                    return True
            except (binascii.Error, ValueError):
                continue
    return False


def _verifies(verifier: Verifier, signature: bytes, message: bytes) -> bool:
    if verifier.alg == ALG_SM2:
        return gm.sm2_verify(verifier.public_key, message, signature)
    try:
        Ed25519PublicKey.from_public_bytes(verifier.public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def checkpoint_text(origin: str, size: int, root: bytes) -> str:
    """The body of a C2SP tlog-checkpoint (no extension lines)."""
    if not origin or "\n" in origin:
        raise NoteError("bad_checkpoint", "the origin must be one non-empty line")
    return f"{origin}\n{size}\n{b64(root)}\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Read the verified text of a checkpoint note: origin, tree size, root hash, extensions."""
    if not text.endswith("\n"):
        raise NoteError("bad_checkpoint", "a checkpoint ends with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("bad_checkpoint", "a checkpoint has an origin, a size and a root hash")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise NoteError("bad_checkpoint", "the checkpoint's origin is empty")
    if (
        not size_text.isascii()
        or not size_text.isdigit()
        or (len(size_text) > 1 and size_text[0] == "0")
        or len(size_text) > 19
    ):
        raise NoteError("bad_checkpoint", "the checkpoint's tree size is not a decimal number")
    size = int(size_text)
    if size > MAX_TREE_SIZE:
        raise NoteError("bad_checkpoint", "the checkpoint's tree size is too large")
    try:
        root = b64decode(root_text)
    except (binascii.Error, ValueError) as exc:
        raise NoteError("bad_checkpoint", "the checkpoint's root hash is not base64") from exc
    if len(root) != 32:
        raise NoteError("bad_checkpoint", "the checkpoint's root hash is not 32 bytes")
    if any(not line for line in extensions):
        raise NoteError("bad_checkpoint", "a checkpoint's extension line is empty")
    return Checkpoint(origin=origin, size=size, root=root, extensions=tuple(extensions))
