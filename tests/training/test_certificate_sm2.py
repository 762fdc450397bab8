"""SM2 on training certificates (the national suite): the content hash is signed at issue, the
public page and API show and check the signature, and a changed signature or hash fails."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cqo.lib import crypto, gm
from cqo.training import selectors, services
from cqo.training.models import TrainingCertificate
from tests.training.conftest import World, passed_enrolment

pytestmark = pytest.mark.django_db


def issued(world: World) -> TrainingCertificate:
    return services.certificate_issue(actor=world.p.trainer, enrolment=passed_enrolment(world))


def test_it_signs_the_content_hash_with_sm2_under_the_national_suite(
    world: World, settings: Any
) -> None:
    settings.CQO_CRYPTO_SUITE = "national"
    cert = issued(world)
    signature = bytes.fromhex(cert.content_sm2)
    assert gm.sm2_verify(crypto.sm2_public_key(), cert.content_hash.encode(), signature)
    assert selectors.content_signature_ok(cert) is True and selectors.content_intact(cert)
    body = Client().get(f"/api/v1/public/training-certificates/{cert.number}").json()
    assert body["content_sm2"] == cert.content_sm2 and body["content_sm2_valid"] is True
    assert body["intact"] is True
    html = Client().get(f"/verify/training/{cert.number}/").content.decode()
    assert cert.content_sm2 in html and "平台SM2签名有效" in html


def test_it_fails_a_changed_sm2_signature(world: World, settings: Any) -> None:
    settings.CQO_CRYPTO_SUITE = "national"
    cert = issued(world)
    forged = cert.content_sm2[:-2] + ("00" if cert.content_sm2[-2:] != "00" else "01")
    TrainingCertificate.objects.filter(pk=cert.pk).update(content_sm2=forged)
    cert.refresh_from_db()
    assert selectors.content_signature_ok(cert) is False and not selectors.content_intact(cert)
    html = Client().get(f"/verify/training/{cert.number}/").content.decode()
    assert "SM2签名无效" in html


def test_it_issues_without_sm2_under_the_international_suite(world: World, settings: Any):
    settings.CQO_CRYPTO_SUITE = "international"
    cert = issued(world)
    assert cert.content_sm2 == "" and selectors.content_signature_ok(cert) is None
    assert selectors.content_intact(cert)
    body = Client().get(f"/api/v1/public/training-certificates/{cert.number}").json()
    assert body["content_sm2"] == "" and body["content_sm2_valid"] is None


def test_the_offline_verifier_checks_the_published_certificate(
    world: World, settings: Any, tmp_path: Any
) -> None:
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from cqo.ledger import selectors as ledger

    settings.CQO_CRYPTO_SUITE = "national"
    cert = issued(world)
    published = tmp_path / "certificate.json"
    body = Client().get(f"/api/v1/public/training-certificates/{cert.number}").json()
    published.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(root)

    def verify(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "cqo.ledger", "certificate", str(path), "--key",
             ledger.sm2_vkey()],
            capture_output=True, text=True, env=env, cwd=root, timeout=60, check=False,
        )  # fmt: skip

    done = verify(published)
    assert done.returncode == 0, done.stderr
    assert "VERIFIED" in done.stdout and cert.number in done.stdout
    body["content_hash"] = "0" * 64
    published.write_text(json.dumps(body), encoding="utf-8")
    assert verify(published).returncode == 1
