"""SM2 on level certificates (the national suite): the content hash is signed at issue (and at
a transfer's new certificate), the public page and API show and check the signature."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from cqo.certification import selectors
from cqo.certification.models import LevelCertificate
from cqo.lib import crypto, gm
from tests.certification.conftest import World, certified

pytestmark = pytest.mark.django_db


def test_it_signs_the_content_hash_with_sm2_under_the_national_suites(
    world: World, settings: Any
) -> None:
    # "both": the world's persons were registered (and hashed) before the switch
    settings.CQO_CRYPTO_SUITE = "both"
    cert = certified(world)
    signature = bytes.fromhex(cert.content_sm2)
    assert gm.sm2_verify(crypto.sm2_public_key(), cert.content_hash.encode(), signature)
    assert selectors.content_signature_ok(cert) is True and selectors.content_intact(cert)
    body = Client().get(f"/api/v1/public/certificates/{cert.number}").json()
    assert body["content_sm2"] == cert.content_sm2 and body["content_sm2_valid"] is True
    html = Client().get(f"/verify/certificate/{cert.number}/").content.decode()
    assert cert.content_sm2 in html and "平台SM2签名有效" in html


def test_it_fails_a_signature_moved_from_another_hash(world: World, settings: Any) -> None:
    # "both": the world's persons were registered (and hashed) before the switch
    settings.CQO_CRYPTO_SUITE = "both"
    cert = certified(world)
    other = crypto.content_signature("0" * 64)
    LevelCertificate.objects.filter(pk=cert.pk).update(content_sm2=other)
    cert.refresh_from_db()
    assert selectors.content_signature_ok(cert) is False and not selectors.content_intact(cert)
    body = Client().get(f"/api/v1/public/certificates/{cert.number}").json()
    assert body["intact"] is False and body["content_sm2_valid"] is False


def test_it_issues_without_sm2_under_the_international_suite(world: World, settings: Any):
    settings.CQO_CRYPTO_SUITE = "international"
    # the world's persons may have been registered under another suite: moved as documented
    call_command("rotate_data_keys", stdout=io.StringIO())
    cert = certified(world)
    assert cert.content_sm2 == "" and selectors.content_intact(cert)
