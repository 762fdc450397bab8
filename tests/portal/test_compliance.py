"""The 安全合规 page and manage.py compliance_report: each control with its state now, for the
security administrator only; the key register behind the keys' ages."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from cqo.accounts import selectors, services
from cqo.accounts.models import KeyRecord
from cqo.audit.models import AuditEntry
from cqo.portal.compliance import MET, NOT_MET, compliance_report
from cqo.test import Personas

PAGE = reverse("portal:compliance")


def control(name: str):  # type: ignore[no-untyped-def]
    return next(c for c in compliance_report().controls if str(c.name) == name)


def test_only_the_security_administrator_opens_the_page(personas: Personas) -> None:
    for who, user in personas.all_users().items():
        client = Client()
        client.force_login(user)
        status = client.get(PAGE).status_code
        assert (status == 200) == (who == "security"), (who, status)


def test_the_page_lists_every_area_in_words(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.security)
    html = client.get(PAGE).content.decode()
    for words in ("密码应用", "三员分立", "身份鉴别", "安全审计", "GB/T 39786-2021", "8.1.4.1"):
        assert words in html
    # the keys are named by their fingerprints, never shown
    from django.conf import settings

    assert (
        settings.CQO_HASH_KEY not in html and selectors.fingerprint(settings.CQO_HASH_KEY) in html
    )
    assert "international" not in html and "not_met" not in html.replace('id="not-met"', "")


def test_the_international_suite_is_not_met_and_the_national_one_is(personas: Personas) -> None:
    assert control("密码算法").state == NOT_MET
    with override_settings(CQO_CRYPTO_SUITE="national"):
        assert control("密码算法").state == MET
        stored = control("个人信息存储机密性")
        assert stored.state == NOT_MET  # the personas' values were written under Fernet
        call_command("rotate_data_keys", stdout=io.StringIO())
        stored = control("个人信息存储机密性")
        moved, _slash, rest = stored.now.partition(" / ")
        assert stored.state == MET and int(moved) == int(rest.split()[0]) > 0


def test_the_three_administrators_are_counted(personas: Personas) -> None:
    assert control("管理员权限分离").state == MET
    personas.auditor.is_active = False
    personas.auditor.save(update_fields=["is_active"])
    held = control("管理员权限分离")
    assert held.state == NOT_MET and "审计管理员" in held.action


def test_second_factor_coverage(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CQO_2FA_REQUIRED_ROLES = []
    assert control("双因素认证").state == NOT_MET
    settings.CQO_2FA_REQUIRED_ROLES = ["regulator", "admin", "security", "auditor"]
    covered = control("双因素认证")
    assert covered.state == MET and "0 / 7" in covered.now  # 4 regulators and 3 administrators


def test_sign_in_policy_below_the_floor_is_not_met(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CQO_PASSWORD_MIN_LENGTH = 6
    settings.CQO_SESSION_IDLE_MINUTES = 0
    assert control("口令复杂度").state == NOT_MET
    assert control("登录连接超时").state == NOT_MET
    assert control("登录失败处理").state == MET


# The key register ---------------------------------------------------------------------------


def test_the_key_register_notes_each_key_once_and_audits_it(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    assert services.keys_register() == len(selectors.configured_keys())
    assert services.keys_register() == 0
    assert AuditEntry.objects.filter(target_type="key").count() == len(selectors.KEYS)
    # a new hash key is a new key, first seen now; the old one is no longer listed
    old = selectors.fingerprint(settings.CQO_HASH_KEY)
    settings.CQO_HASH_KEY = "a-new-hash-key-for-the-test-000000000000000"
    assert services.keys_register() == 1
    listed = {(r.name, r.fingerprint) for r in selectors.key_register()}
    assert ("hash_key", old) not in listed
    assert ("hash_key", selectors.fingerprint(settings.CQO_HASH_KEY)) in listed


def test_a_retired_data_key_is_listed_as_reading_only(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CQO_DATA_KEYS = [*settings.CQO_DATA_KEYS, "b" * 43 + "="]
    services.keys_register()
    retired = KeyRecord.objects.get(name="data_key", retired=True)
    assert retired.fingerprint == selectors.fingerprint("b" * 43 + "=")


def test_a_key_older_than_the_limit_is_flagged(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    services.keys_register()
    assert control("密钥管理").state == MET
    aged = timezone.now() - timedelta(days=settings.CQO_KEY_MAX_AGE_DAYS + 1)
    # a key the current suite does not use is not flagged (international: the SM2 key)
    KeyRecord.objects.filter(name="sm2_key").update(first_seen=aged)
    assert control("密钥管理").state == MET
    KeyRecord.objects.filter(name="hash_key").update(first_seen=aged)
    flagged = control("密钥管理")
    assert flagged.state == NOT_MET and "检索哈希密钥" in flagged.action
    assert "国密签名密钥" not in flagged.action


# manage.py compliance_report ------------------------------------------------------------------


def test_the_command_prints_the_report_and_checks_it(personas: Personas) -> None:
    out = io.StringIO()
    call_command("compliance_report", stdout=out)
    text = out.getvalue()
    assert "[三员分立]" in text and "不符合" in text and "须处理" in text
    with pytest.raises(CommandError):
        call_command("compliance_report", "--check", stdout=io.StringIO())


def test_the_security_home_counts_what_is_not_met(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.security)
    html = client.get("/").content.decode()
    assert 'id="tile-not_met"' in html and 'id="nav-compliance"' in html
    assert "企业与备案" not in html  # no business menu


def test_the_audit_chain_is_reported_from_its_last_verification(personas: Personas) -> None:
    chain = control("审计记录完整性（哈希链）")
    assert chain.state == NOT_MET and chain.command == "manage.py audit_verify"
    call_command("audit_verify", stdout=io.StringIO())
    chain = control("审计记录完整性（哈希链）")
    assert chain.state == MET and "链完整" in chain.now
    # the platform is younger than the retention floor: nothing can be missing yet
    assert control("审计记录留存").state != NOT_MET


def test_an_account_with_two_devices_counts_once(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.CQO_2FA_REQUIRED_ROLES = ["regulator", "admin", "security", "auditor"]
    for name in ("phone", "tablet"):
        TOTPDevice.objects.create(user=personas.province, name=name, confirmed=True)
    assert selectors.second_factor_coverage() == (1, 7)
    assert "1 / 7" in control("双因素认证").now
