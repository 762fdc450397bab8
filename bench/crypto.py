"""The two cryptographic suites side by side (CQO_CRYPTO_SUITE, cqo/lib/crypto.py), through the
platform's own paths, the international suite as the baseline:

- sign: a checkpoint note signed (cqo.ledger.note.sign) with Ed25519 / with SM2;
- verify: that note opened with its verifier key (note.open_note);
- encrypt / decrypt: an ID number as stored (crypto.encrypt / decrypt: Fernet / SM4-GCM);
- hash: its keyed lookup hash (crypto.keyed_hash: HMAC-SHA256 / HMAC-SM3).

Each operation runs for at least ``SECONDS`` (and at least ``MIN_RUNS`` times); the rate is
operations per second, the ratio national ÷ international (below 1: the national suite is
slower). No database. Standalone: ``python bench/crypto.py``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SECONDS = 1.0
MIN_RUNS = 20
ID_NUMBER = "610113198503140978"


def _rate(op: Callable[[], object]) -> float:
    op()  # warm: keys parsed, caches filled
    runs, start = 0, time.perf_counter()
    while True:
        op()
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= SECONDS and runs >= MIN_RUNS:
            return runs / elapsed


def _suite_rates(suite: str) -> dict[str, float]:
    from django.conf import settings

    from cqo.ledger import note, selectors
    from cqo.lib import crypto

    settings.CQO_CRYPTO_SUITE = suite
    text = note.checkpoint_text("cqo-platform.local/hours", 1_000_000, bytes(32))
    name = "cqo-platform.local/hours"
    key: note.SigningKey = (
        selectors.sm2_signing_key() if crypto.writes_national() else selectors.signing_key()
    )
    signed = note.sign(text, name, key)
    verifier = note.parse_vkey(note.signer_vkey(name, key))
    token = crypto.encrypt(ID_NUMBER)
    assert crypto.token_suite(token) == ("national" if crypto.writes_national() else suite)
    return {
        "sign": _rate(lambda: note.sign(text, name, key)),
        "verify": _rate(lambda: note.open_note(signed, verifier)),
        "encrypt": _rate(lambda: crypto.encrypt(ID_NUMBER)),
        "decrypt": _rate(lambda: crypto.decrypt(token)),
        "hash": _rate(lambda: crypto.keyed_hash(ID_NUMBER)),
    }


def run_crypto() -> None:
    import django

    django.setup()
    international = _suite_rates("international")
    national = _suite_rates("national")
    print("\nCryptographic suites (operations per second; ratio = national / international)")
    print(f"  {'operation':<10}{'international':>16}{'national':>16}{'ratio':>10}")
    labels = {
        "sign": ("Ed25519", "SM2"),
        "verify": ("Ed25519", "SM2"),
        "encrypt": ("Fernet", "SM4-GCM"),
        "decrypt": ("Fernet", "SM4-GCM"),
        "hash": ("HMAC-SHA256", "HMAC-SM3"),
    }
    for op, (base, gm) in labels.items():
        a, b = international[op], national[op]
        print(f"  {op:<10}{a:>16,.0f}{b:>16,.0f}{b / a:>10.3f}   {base} vs {gm}")


if __name__ == "__main__":
    run_crypto()
