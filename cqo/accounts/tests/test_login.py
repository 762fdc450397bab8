from django.urls import reverse

from cqo.accounts.models import LoginFailure
from cqo.audit.models import AuditEntry
from cqo.test import PASSWORD


def test_it_signs_in_on_the_page_and_audits_it(client, personas):
    response = client.post(reverse("accounts:login"), {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="login", target_id="clerk_a", note="web").exists()


def test_it_rejects_a_wrong_password_without_saying_which_part_was_wrong(client, personas):
    response = client.post(reverse("accounts:login"), {"username": "clerk_a", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    unknown = client.post(reverse("accounts:login"), {"username": "nobody", "password": "nope"})
    assert "用户名或密码错误" in unknown.content.decode()


def test_it_locks_a_username_after_too_many_failures(client, personas, settings):
    settings.CQO_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "clerk_a", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    api = client.post(
        "/api/v1/auth/token",
        {"username": "clerk_a", "password": PASSWORD},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert api.json()["detail"][0]["field"] == "__all__"
    # another account is unaffected
    assert (
        client.post(
            reverse("accounts:login"), {"username": "clerk_b", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_it_forgets_failures_after_a_successful_sign_in(client, personas):
    client.post(reverse("accounts:login"), {"username": "clerk_a", "password": "wrong"})
    assert LoginFailure.objects.filter(username="clerk_a").count() == 1
    client.post(reverse("accounts:login"), {"username": "clerk_a", "password": PASSWORD})
    assert not LoginFailure.objects.filter(username="clerk_a").exists()
