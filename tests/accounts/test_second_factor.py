"""The second sign-in factor (GB/T 22239-2019 8.1.4.1 d)): a TOTP app enrolled on the account
page, its code asked after the password of whoever has one, required of the roles the setting
names, reset by a platform admin; every step audited."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cqo.accounts import services
from cqo.accounts.models import LoginFailure, User
from cqo.accounts.views import PENDING, PENDING_SECONDS
from cqo.audit.models import AuditEntry
from cqo.test import PASSWORD, Personas

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_second_factor")
ENROL = reverse("accounts:second_factor_enrol")


@pytest.fixture(autouse=True)
def _no_device_throttle(settings):
    # django-otp's own wait after a wrong code (doubling per failure) would refuse the right code
    # typed at once after it; its own tests cover it
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app shows (``steps_ahead`` steps of 30 s later: a code is accepted
    once, so a second sign-in in the same test takes the next one)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return str(totp.token()).zfill(device.digits)


def enrolled(user: User) -> TOTPDevice:
    device = services.second_factor_pending(user=user)
    services.second_factor_confirm(user=user, device=device, code=code_of(device))
    return device


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_it_signs_in_with_the_password_alone_without_a_device(personas: Personas) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    assert signed_in(client)


def test_it_asks_for_the_code_after_the_password_when_the_user_has_a_device(
    personas: Personas,
) -> None:
    device = enrolled(personas.clerk_a)
    client = Client()
    response = client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 302 and response.url == CODE
    assert not signed_in(client)
    page = client.get(CODE).content.decode()
    assert "动态验证码" in page and 'autocomplete="one-time-code"' in page
    assert 'maxlength="8"' in page
    response = client.post(CODE, {"code": code_of(device, 1)})
    assert response.status_code == 302 and response.url == reverse("home")
    assert signed_in(client)
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(
        action="second_factor", target_id="clerk_a", changes__result=[None, "passed"]
    ).exists()


def test_it_keeps_where_the_user_was_going(personas: Personas) -> None:
    device = enrolled(personas.clerk_a)
    client = Client()
    client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD, "next": "/accounts/"})
    response = client.post(CODE, {"code": code_of(device, 1)})
    assert response.url == "/accounts/"


def test_it_refuses_a_wrong_code_in_chinese_counts_it_and_audits_it(personas: Personas) -> None:
    enrolled(personas.clerk_a)
    client = Client()
    client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})
    response = client.post(CODE, {"code": "000000"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "动态验证码不正确或已过期" in html[html.index('id="error-code"') :]
    assert not signed_in(client)
    assert LoginFailure.objects.filter(username="clerk_a").count() == 1
    assert AuditEntry.objects.filter(
        action="second_factor", target_id="clerk_a", changes__result=[None, "refused"]
    ).exists()


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", "１２３４５６"])
def test_it_asks_for_six_digits(personas: Personas, code: str) -> None:
    enrolled(personas.clerk_a)
    client = Client()
    client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})
    html = client.post(CODE, {"code": code}).content.decode()
    assert "请输入验证器应用显示的 6 位数字" in html
    assert not LoginFailure.objects.exists()


def test_wrong_codes_lock_the_sign_in_like_wrong_passwords(personas: Personas, settings) -> None:
    settings.CQO_LOGIN_MAX_FAILURES = 2
    device = enrolled(personas.clerk_a)
    client = Client()
    client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})
    for _ in range(2):
        client.post(CODE, {"code": "000000"})
    html = client.post(CODE, {"code": code_of(device, 1)}).content.decode()
    assert "登录失败次数过多" in html
    assert not signed_in(client)
    assert AuditEntry.objects.filter(action="lockout", target_id="clerk_a").exists()


def test_the_code_step_without_a_password_step_goes_to_the_login_page(
    personas: Personas,
) -> None:
    response = Client().post(CODE, {"code": "123456"}, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "请重新输入用户名和密码" in response.content.decode()


def test_the_code_step_lapses_after_a_while(personas: Personas) -> None:
    device = enrolled(personas.clerk_a)
    client = Client()
    client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})
    session = client.session
    session[PENDING] = {**session[PENDING], "at": int(time.time()) - PENDING_SECONDS - 1}
    session.save()
    response = client.post(CODE, {"code": code_of(device, 1)})
    assert response.status_code == 302 and response.url == LOGIN
    assert not signed_in(client)


# Enrolment ---------------------------------------------------------------------------------


def test_the_enrolment_page_shows_a_qr_code_and_the_key(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.clerk_a)
    html = client.get(ENROL).content.decode()
    assert 'src="data:image/svg+xml' in html and "启用双因素认证" in html
    device = TOTPDevice.objects.get(user=personas.clerk_a)
    assert not device.confirmed
    assert "issuer=%E9%A6%96%E5%B8%AD%E8%B4%A8%E9%87%8F%E5%AE%98" in device.config_url
    key = html[html.index('id="second-factor-key"') :]
    assert key[key.index(">") + 1 : key.index("</p>")].replace(" ", "")
    # the same device on a second visit: the QR code scanned stays the one confirmed
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=personas.clerk_a).count() == 1


def test_enrolment_needs_a_first_code_before_the_device_counts(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.clerk_a)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=personas.clerk_a)
    html = client.post(ENROL, {"code": "000000"}).content.decode()
    assert "动态验证码不正确或已过期" in html[html.index('id="error-code"') :]
    device.refresh_from_db()
    assert not device.confirmed
    response = client.post(ENROL, {"code": code_of(device), "next": "/accounts/"})
    assert response.status_code == 302 and response.url == "/accounts/"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(
        action="second_factor", target_id="clerk_a", changes__device=[None, "TOTP"]
    ).exists()
    page = client.get(ENROL).content.decode()
    assert "您已启用双因素认证" in page and "data:image/svg+xml" not in page
    assert "已启用" in client.get(reverse("accounts:account")).content.decode()


def test_enrolment_does_not_follow_a_next_to_another_site(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.clerk_a)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=personas.clerk_a)
    response = client.post(ENROL, {"code": code_of(device), "next": "https://evil.example/"})
    assert response.url == reverse("accounts:account")


def test_the_enrolment_page_asks_to_sign_in(personas: Personas) -> None:
    response = Client().get(ENROL)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


# Required by role ----------------------------------------------------------------------------


@pytest.fixture
def required(settings):
    settings.CQO_2FA_REQUIRED_ROLES = ["regulator", "admin"]


@pytest.mark.usefixtures("required")
def test_a_required_role_without_a_device_is_sent_to_enrol_first(personas: Personas) -> None:
    client = Client()
    client.post(LOGIN, {"username": "county_a", "password": PASSWORD})
    response = client.get("/enterprises/?q=1")
    assert response.status_code == 302
    assert response.url == f"{ENROL}?next=%2Fenterprises%2F%3Fq%3D1"
    assert client.get(ENROL).status_code == 200
    assert client.get(reverse("accounts:account")).status_code == 302
    # HTMX swaps fragments: the whole page goes to the enrolment
    hx = client.get("/", headers={"HX-Request": "true"})
    assert hx.headers["HX-Redirect"].startswith(ENROL)
    device = TOTPDevice.objects.get(user=personas.county_a)
    client.post(ENROL, {"code": code_of(device)})
    assert client.get("/").status_code == 200


@pytest.mark.usefixtures("required")
def test_a_system_administrator_is_asked_to_enrol(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.admin)
    assert client.get("/admin/").url.startswith(ENROL)


@pytest.mark.usefixtures("required")
def test_a_role_not_required_goes_on_without_a_device(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.clerk_a)
    assert client.get("/").status_code == 200


@pytest.mark.usefixtures("required")
def test_a_required_role_with_a_device_gives_its_code_and_goes_on(personas: Personas) -> None:
    device = enrolled(personas.county_a)
    client = Client()
    client.post(LOGIN, {"username": "county_a", "password": PASSWORD})
    client.post(CODE, {"code": code_of(device, 1)})
    assert client.get("/").status_code == 200


def test_nobody_is_required_by_the_embedded_default(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.county_a)
    assert client.get("/").status_code == 200


# Reset -------------------------------------------------------------------------------------


def test_the_security_administrator_resets_a_device_and_it_is_audited(
    personas: Personas,
) -> None:
    enrolled(personas.county_a)
    assert services.second_factor_reset(
        actor=personas.security, user=personas.county_a, via="admin"
    )
    assert not TOTPDevice.objects.filter(user=personas.county_a).exists()
    entry = AuditEntry.objects.get(action="second_factor", changes__devices=[1, 0])
    assert entry.actor == personas.security and entry.target_id == "county_a"
    # the user signs in with the password again, and enrols anew
    client = Client()
    response = client.post(LOGIN, {"username": "county_a", "password": PASSWORD})
    assert response.url == reverse("home")


def test_only_the_security_administrator_resets(personas: Personas) -> None:
    enrolled(personas.county_a)
    for actor in (personas.province, personas.admin, personas.auditor):
        with pytest.raises(PermissionDenied):
            services.second_factor_reset(actor=actor, user=personas.county_a, via="x")
    # nor an administrator's device, their own included: that is done on the server
    enrolled(personas.security)
    with pytest.raises(PermissionDenied):
        services.second_factor_reset(actor=personas.security, user=personas.security, via="x")
    assert TOTPDevice.objects.filter(user=personas.county_a).exists()


def test_the_security_administrator_resets_from_the_user_list(personas: Personas) -> None:
    enrolled(personas.county_a)
    client = Client()
    client.force_login(personas.security)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [personas.county_a.pk]},
        follow=True,
    )
    assert "已重置 1 个用户的双因素认证" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=personas.county_a).exists()


@pytest.mark.usefixtures("required")
def test_a_session_whose_device_was_reset_is_sent_to_enrol(personas: Personas) -> None:
    device = enrolled(personas.county_a)
    client = Client()
    client.post(LOGIN, {"username": "county_a", "password": PASSWORD})
    client.post(CODE, {"code": code_of(device, 1)})
    assert client.get("/").status_code == 200
    services.second_factor_reset(actor=personas.security, user=personas.county_a, via="admin")
    assert client.get("/").url.startswith(ENROL)


def test_the_admin_sign_in_page_is_the_platforms(personas: Personas) -> None:
    response = Client().get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    # not the admin's own form, which knows neither the throttle nor the second factor
    assert response.url == f"{LOGIN}?next=/admin/accounts/user/"


# The API's sign-in ---------------------------------------------------------------------------


def api_sign_in(username: str, code: str | None = None) -> tuple[int, dict[str, object]]:
    body = {"username": username, "password": PASSWORD}
    if code is not None:
        body["code"] = code
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    return response.status_code, response.json()


def test_the_api_asks_an_enrolled_user_for_the_code(personas: Personas) -> None:
    device = enrolled(personas.clerk_a)
    status, body = api_sign_in("clerk_a")
    assert status == 401 and "动态验证码不正确" in str(body)
    assert api_sign_in("clerk_a", "000000")[0] == 401
    assert LoginFailure.objects.filter(username="clerk_a").count() == 2
    status, body = api_sign_in("clerk_a", code_of(device, 1))
    assert status == 200 and body["token"]


def test_the_api_refuses_a_required_role_without_a_device(personas: Personas, settings) -> None:
    settings.CQO_2FA_REQUIRED_ROLES = ["regulator"]
    status, body = api_sign_in("county_a")
    assert status == 401 and "请先登录网页端完成绑定" in str(body)
    assert api_sign_in("clerk_a")[0] == 200


def test_a_known_password_does_not_forgive_guessed_codes(personas: Personas, settings) -> None:
    settings.CQO_LOGIN_MAX_FAILURES = 3
    device = enrolled(personas.clerk_a)
    for _ in range(3):  # a fresh password step before each guess
        client = Client()
        client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})
        client.post(CODE, {"code": "000000"})
    assert api_sign_in("clerk_a", code_of(device, 1))[0] == 429
    # the right code forgives: the count starts again
    LoginFailure.objects.filter(username="clerk_a").update(at=timezone.now() - timedelta(days=1))
    client = Client()
    client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})
    client.post(CODE, {"code": code_of(device, 1)})
    assert signed_in(client) and not LoginFailure.objects.filter(username="clerk_a").exists()


def test_the_trail_reads_the_entries_in_words(personas: Personas) -> None:
    from cqo.audit import display

    device = enrolled(personas.clerk_a)
    client = Client()
    client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})
    client.post(CODE, {"code": "000000"})
    client.post(CODE, {"code": code_of(device, 1)})
    services.second_factor_reset(actor=personas.security, user=personas.clerk_a, via="admin")
    rows = display.trail_rows(AuditEntry.objects.filter(action="second_factor"))
    text = " ".join(f"{c.label} {c.before} {c.after}" for row in rows for c in row.changes)
    assert "动态验证码" in text and "正确" in text and "错误" in text
    assert "验证器应用" in text and "已绑定" in text
    assert "refused" not in text and "passed" not in text and "TOTP" not in text


def test_the_admin_offers_no_device_editor_of_its_own() -> None:
    # django-otp's would show keys and change devices unaudited: the reset action does it
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
