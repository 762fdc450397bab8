import datetime as dt

from django.urls import reverse
from django.utils import timezone

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


def api_sign_in(client, username, password=PASSWORD, address="203.0.113.10"):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def test_it_locks_an_address_that_tries_one_user_name_after_another(client, personas):
    statuses = [api_sign_in(client, f"guess{i:02d}", "wrong").status_code for i in range(25)]
    assert 429 in statuses[:24], statuses
    first = statuses.index(429)
    assert statuses[:first] == [401] * first
    assert set(statuses[first:]) == {429}
    # even a right password is refused from that address for now ...
    locked = api_sign_in(client, "clerk_a")
    assert locked.status_code == 429
    assert locked.json() == {
        "detail": [{"field": "__all__", "message": "登录失败次数过多，请15分钟后再试"}]
    }
    # ... but not from another one
    assert api_sign_in(client, "clerk_a", address="198.51.100.20").status_code == 200


def test_it_locks_an_address_on_the_page_too(client, personas, settings):
    settings.CQO_LOGIN_MAX_FAILURES_PER_ADDRESS = 5
    for i in range(5):
        client.post(
            reverse("accounts:login"),
            {"username": f"guess{i}", "password": "x"},
            REMOTE_ADDR="203.0.113.11",
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": "clerk_a", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.11",
    )
    assert response.status_code == 200
    assert "登录失败次数过多，请15分钟后再试" in response.content.decode()


def test_it_lets_the_user_in_from_elsewhere_while_a_stranger_guesses(client, personas):
    for _ in range(10):
        assert api_sign_in(client, "clerk_a", "wrong", address="203.0.113.12").status_code == 401
    # the stranger's address is locked for this user name ...
    assert api_sign_in(client, "clerk_a", address="203.0.113.12").status_code == 429
    # ... the user, elsewhere, signs in on the API and on the page
    assert api_sign_in(client, "clerk_a", address="198.51.100.21").status_code == 200
    page = client.post(
        reverse("accounts:login"),
        {"username": "clerk_a", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.21",
    )
    assert page.status_code == 302
    # and the stranger is still locked out
    assert api_sign_in(client, "clerk_a", address="203.0.113.12").status_code == 429


def test_it_counts_the_address_the_proxy_forwards(client, personas, settings):
    settings.CQO_BEHIND_PROXY = True
    settings.CQO_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post(
            "/api/v1/auth/token",
            {"username": "clerk_a", "password": "wrong"},
            content_type="application/json",
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.13",
        )
    assert LoginFailure.objects.filter(ip="203.0.113.13").count() == 3
    # another client behind the same proxy is not locked
    other = client.post(
        "/api/v1/auth/token",
        {"username": "clerk_a", "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.22",
    )
    assert other.status_code == 200


def test_it_unlocks_once_the_window_has_passed(client, personas, settings):
    settings.CQO_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        api_sign_in(client, "clerk_a", "wrong")
    assert api_sign_in(client, "clerk_a").status_code == 429
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert api_sign_in(client, "clerk_a").status_code == 200


def test_it_audits_each_lock_out_once(client, personas, settings):
    settings.CQO_LOGIN_MAX_FAILURES = 3
    settings.CQO_LOGIN_MAX_FAILURES_PER_ADDRESS = 5
    for _ in range(3):
        api_sign_in(client, "clerk_a", "wrong", address="203.0.113.14")
    for i in range(2):
        api_sign_in(client, f"guess{i}", "wrong", address="203.0.113.14")
    for _ in range(3):  # refused: not counted, not audited again
        api_sign_in(client, "clerk_b", "wrong", address="203.0.113.14")
    entries = AuditEntry.objects.filter(action="lockout").order_by("pk")
    assert [(e.target_type, e.target_id) for e in entries] == [
        ("user", "clerk_a"),
        ("address", "203.0.113.14"),
    ]
    assert entries[0].changes["address"] == [None, "203.0.113.14"]
    assert entries[0].actor is None and entries[0].actor_name == "system"
