"""Offline verifier of hour-log bundles (hour proofs) and of certificates' SM2 signatures; needs
neither Django nor a database.

    python -m cqo.ledger verify BUNDLE.json --key KEY [--key SM2KEY]
    python -m cqo.ledger certificate CERTIFICATE.json --key SM2KEY

KEY is the platform's verifier key (``<name>+<key id>+<base64 key>``, published at
``/ledger/`` and ``GET /api/v1/ledger/key``) or a file holding it; under the national suite the
platform publishes an SM2 verifier key too, and ``--key`` given twice checks both signatures
(each given key must have signed the checkpoint); BUNDLE is the JSON file
(``-`` reads standard input). Exit status: 0 verified, 1 not verified (the reason is printed),
2 unusable arguments, key or files. The bundle format is described in ``cqo/ledger/verify.py``;
a certificate's JSON is what the platform's API returns for it (``cqo/ledger/certificates.py``).
"""

from __future__ import annotations

import argparse
import json
import sys

from cqo.ledger.certificates import verify_certificate
from cqo.ledger.merkle import leaf_hash
from cqo.ledger.verify import load_bundle, read_vkey, verify_bundle

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cqo.ledger", description="Verify hour-log bundles offline."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="verify a bundle against the platform's key")
    verify.add_argument("bundle", help="the bundle JSON file, or - for standard input")
    verify.add_argument(
        "--key",
        required=True,
        action="append",
        help="a verifier key (Ed25519 or SM2), or a file holding it; repeat to check several",
    )
    certificate = commands.add_parser(
        "certificate", help="check a certificate's SM2 signature against the platform's SM2 key"
    )
    certificate.add_argument("file", help="the certificate's JSON, or - for standard input")
    certificate.add_argument("--key", required=True, help="the SM2 verifier key, or a file")
    args = parser.parse_args(argv)
    if args.command == "certificate":
        return _certificate(args.file, args.key)

    try:
        if args.bundle == "-":
            raw: str | bytes = sys.stdin.read()
        else:
            with open(args.bundle, "rb") as handle:
                raw = handle.read()
    except OSError as exc:
        print(f"error: cannot read the bundle: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        bundle = load_bundle(raw)
    except ValueError as exc:
        print(f"NOT VERIFIED: the bundle is not JSON ({exc})", file=sys.stderr)
        return EXIT_FAILED
    try:
        vkeys = [read_vkey(k) for k in args.key]
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read the key: {exc}", file=sys.stderr)
        return EXIT_USAGE

    result = verify_bundle(bundle, vkeys)
    if not result.ok:
        print(f"NOT VERIFIED: {result.reason}", file=sys.stderr)
        return EXIT_USAGE if result.code == "bad_key" else EXIT_FAILED
    print(f"VERIFIED: {result.reason}")
    print(f"  index      {result.index}")
    print(f"  tree size  {result.size}")
    print(f"  root       {result.root.hex()}")
    print(f"  signatures {', '.join(result.signed_by)}")
    print(f"  entry      {len(result.entry)} bytes")
    print(f"  leaf hash  {leaf_hash(result.entry).hex()}")
    fields = _entry_fields(result.entry)
    if fields.get("origin") == "migrated":
        # a record of a province's archive, entered into the log when migrated
        print(
            f"  origin     migrated from an archive: studied on {fields.get('studied_on')}, "
            f"entered at {fields.get('entered_at')}"
        )
    return EXIT_OK


def _certificate(path: str, key: str) -> int:
    try:
        raw = sys.stdin.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
        vkey = read_vkey(key)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read the file or key: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        data = json.loads(raw)
    except ValueError as exc:
        print(f"NOT VERIFIED: the file is not JSON ({exc})", file=sys.stderr)
        return EXIT_FAILED
    result = verify_certificate(data, vkey)
    if not result.ok:
        print(f"NOT VERIFIED: {result.reason}", file=sys.stderr)
        return EXIT_USAGE if result.reason.startswith("unusable key") else EXIT_FAILED
    print(f"VERIFIED: {result.reason}")
    print(f"  number       {result.number}")
    print(f"  content hash {data['content_hash']}")
    print(
        "  content      "
        + (
            "recomputed, matches the hash"
            if result.content_checked
            else "as published (facts only)"
        )
    )
    return EXIT_OK


def _entry_fields(entry: bytes) -> dict[str, object]:
    try:
        fields = json.loads(entry)
    except ValueError:
        return {}
    return fields if isinstance(fields, dict) else {}


if __name__ == "__main__":
    sys.exit(main())
