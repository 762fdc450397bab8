"""The TLS certificate gunicorn serves in production.

The organisation's certificate and key are given by CQO_TLS_CERT and CQO_TLS_KEY. Without them
the server makes a self-signed certificate for 127.0.0.1 and localhost on first start, kept in
the data directory, so a fresh machine serves HTTPS at once; browsers warn about it until it is
replaced by the organisation's. Imports no Django: gunicorn's configuration loads it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SELF_SIGNED_DAYS = 825  # the longest validity browsers accept for a server certificate


def self_signed(cert_path: Path, key_path: Path, *, days: int = SELF_SIGNED_DAYS) -> None:
    """Writes a self-signed P-256 certificate for 127.0.0.1, ::1 and localhost."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    x509.IPAddress(ipaddress.ip_address("::1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # the key is readable by its owner only, from the moment it exists
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_bytes)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def certificate(data_dir: Path, environ: dict[str, str] | None = None) -> tuple[Path, Path]:
    """(certificate, key): the configured pair, or the self-signed one of the data directory,
    made if missing."""
    environ = dict(os.environ) if environ is None else environ
    cert, key = environ.get("CQO_TLS_CERT"), environ.get("CQO_TLS_KEY")
    if cert or key:
        if not (cert and key):
            raise SystemExit("CQO_TLS_CERT and CQO_TLS_KEY must be set together")
        for path in (cert, key):
            if not Path(path).is_file():
                raise SystemExit(f"TLS file not found: {path}")
        return Path(cert), Path(key)
    cert_path, key_path = data_dir / "tls" / "self-signed.crt", data_dir / "tls" / "self-signed.key"
    if not (cert_path.is_file() and key_path.is_file()):
        self_signed(cert_path, key_path)
    return cert_path, key_path
