"""Secrets for the embedded default.

Production passes every key in the environment. The embedded default generates them once into
``<data dir>/secrets.json`` (mode 0600), outside git, so a fresh machine runs with no set-up and
restarts keep the same keys (losing the data key would make every encrypted field unreadable).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from cqo.lib import gm

_KEYS = {
    # name in the file -> environment variable that overrides it
    "secret_key": "DJANGO_SECRET_KEY",
    "data_key": "CQO_DATA_KEY",
    "hash_key": "CQO_HASH_KEY",
    # the Ed25519 seed that signs the hour log's checkpoints (SPEC §5, §12.14)
    "ledger_key": "CQO_LEDGER_KEY",
    # the national suite (CQO_CRYPTO_SUITE, cqo.lib.crypto): the SM4 key of the personal fields
    # and the SM2 private key that signs checkpoints and certificates beside Ed25519
    "sm4_key": "CQO_SM4_KEY",
    "sm2_key": "CQO_SM2_KEY",
    # the key of the audit trail's hash chain (cqo/audit/chain.py): a keyed MAC, so that access to
    # the database alone cannot rebuild the chain over changed entries
    "audit_key": "CQO_AUDIT_KEY",
}


def _new_value(name: str) -> str:
    if name == "secret_key":
        return secrets.token_urlsafe(50)
    if name == "sm4_key":
        return base64.urlsafe_b64encode(secrets.token_bytes(gm.SM4_KEY_BYTES)).decode()
    if name == "sm2_key":
        return base64.urlsafe_b64encode(gm.sm2_new_private_key()).decode()
    # Fernet wants 32 url-safe base64 bytes; the keyed hash uses the same shape.
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def load_secrets(data_dir: Path, environ: dict[str, str] | None = None) -> dict[str, str]:
    environ = dict(os.environ) if environ is None else environ
    found = {name: environ[var] for name, var in _KEYS.items() if environ.get(var)}
    if len(found) == len(_KEYS):
        return found
    path = Path(environ.get("CQO_SECRETS_FILE") or data_dir / "secrets.json")
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    missing = [name for name in _KEYS if name not in stored]
    if missing:
        stored.update({name: _new_value(name) for name in missing})
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(stored, indent=2), encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(path)
    return {**stored, **found}
