"""Password complexity and maximum age (GB/T 22239-2019 8.1.4.1 a)) and the idle sign-out
(8.1.4.1 b)), with the settings that drive them; each redirect and sign-out audited."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cqo.accounts import services
from cqo.accounts.middleware import SEEN
from cqo.accounts.models import User
from cqo.accounts.validators import character_classes
from cqo.audit.models import AuditEntry
from cqo.test import PASSWORD, Personas

pytestmark = pytest.mark.django_db
PASSWORD_PAGE = reverse("accounts:password_change")
LOGIN = reverse("accounts:login")
NEW = "Zhiliang-2027!"


# Complexity ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abcdefgh", 1), ("abcdefg1", 2), ("Abcdefg1", 3), ("Abcdef-1", 4), ("质量abc12", 3)],
)
def test_it_counts_the_classes_of_characters(password: str, classes: int) -> None:
    assert character_classes(password) == classes


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("zhiliangguanli", True),
        ("zhiliang2027", True),
        ("Zhiliang2027", False),
        ("zhiliang-2027", False),
    ],
)
def test_it_asks_for_three_classes_by_default(password: str, refused: bool) -> None:
    if refused:
        with pytest.raises(ValidationError) as exc:
            password_validation.validate_password(password)
        assert "密码过于简单：须包含大写字母、小写字母、数字、其他符号中的至少 3 类" in str(
            exc.value
        )
    else:
        password_validation.validate_password(password)


def test_the_settings_set_the_length_and_the_classes(settings) -> None:
    settings.CQO_PASSWORD_MIN_LENGTH = 12
    settings.CQO_PASSWORD_MIN_CLASSES = 4
    with pytest.raises(ValidationError) as exc:
        password_validation.validate_password("zhiliang-27")
    messages = " ".join(exc.value.messages)
    assert "至少需要 12 个字符" in messages and "至少 4 类" in messages
    password_validation.validate_password("Zhiliang-2027")


def test_the_password_page_refuses_a_simple_password_beside_its_field(
    personas: Personas,
) -> None:
    client = Client()
    client.force_login(personas.clerk_a)
    assert "至少 3 类" in client.get(PASSWORD_PAGE).content.decode()  # the help text
    html = client.post(
        PASSWORD_PAGE,
        {
            "old_password": PASSWORD,
            "new_password1": "zhiliang2027",
            "new_password2": "zhiliang2027",
        },
    ).content.decode()
    errors = html[html.index('id="error-new_password2"') :]
    assert "密码过于简单" in errors[: errors.index("</ul>")]


# Maximum age --------------------------------------------------------------------------------


def aged(user: User, days: int) -> None:
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days))


def test_a_password_change_starts_its_age(personas: Personas) -> None:
    services.password_change(actor=personas.clerk_a, user=personas.clerk_a, password=NEW, via="web")
    personas.clerk_a.refresh_from_db()
    assert personas.clerk_a.password_changed_at is not None
    assert timezone.now() - personas.clerk_a.password_changed_at < timedelta(minutes=1)


def test_an_expired_password_sends_its_user_to_change_it_first(personas: Personas) -> None:
    aged(personas.clerk_a, 91)
    client = Client()
    response = client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == PASSWORD_PAGE
    assert "您的密码已使用超过90天，请先修改密码" in response.content.decode()
    assert client.get(reverse("accounts:account")).url == PASSWORD_PAGE
    # audited once a session, however many pages it is sent from
    assert AuditEntry.objects.filter(action="password_expired", target_id="clerk_a").count() == 1
    client.post(
        PASSWORD_PAGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert client.get("/").status_code == 200


def test_a_password_within_its_age_goes_on(personas: Personas) -> None:
    aged(personas.clerk_a, 89)
    client = Client()
    client.force_login(personas.clerk_a)
    assert client.get("/").status_code == 200


def test_a_password_never_changed_is_as_old_as_its_account(personas: Personas) -> None:
    User.objects.filter(pk=personas.clerk_a.pk).update(
        password_changed_at=None, date_joined=timezone.now() - timedelta(days=100)
    )
    client = Client()
    client.force_login(personas.clerk_a)
    assert client.get("/").url == PASSWORD_PAGE


def test_a_maximum_age_of_zero_never_expires(personas: Personas, settings) -> None:
    settings.CQO_PASSWORD_MAX_AGE_DAYS = 0
    aged(personas.clerk_a, 1000)
    client = Client()
    client.force_login(personas.clerk_a)
    assert client.get("/").status_code == 200


def test_the_maximum_age_is_a_setting(personas: Personas, settings) -> None:
    settings.CQO_PASSWORD_MAX_AGE_DAYS = 30
    aged(personas.clerk_a, 31)
    client = Client()
    client.force_login(personas.clerk_a)
    assert client.get("/").url == PASSWORD_PAGE


# Idle sign-out -------------------------------------------------------------------------------


def idle_for(client: Client, minutes: float) -> None:
    session = client.session
    session[SEEN] = int(time.time() - minutes * 60)
    session.save()


def test_an_idle_session_is_signed_out_with_the_reason(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.clerk_a)
    assert client.get("/").status_code == 200
    idle_for(client, 16)
    response = client.get("/persons/")
    assert response.status_code == 302 and response.url == f"{LOGIN}?next=/persons/"
    assert "_auth_user_id" not in client.session
    html = client.get(response.url).content.decode()
    assert "您已超过15分钟未操作，为安全起见已自动退出，请重新登录" in html
    entry = AuditEntry.objects.get(action="timeout", target_id="clerk_a")
    assert entry.changes == {"idle_minutes": [None, 15]}


def test_a_session_used_within_the_limit_stays(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.clerk_a)
    client.get("/")
    idle_for(client, 14)
    assert client.get("/").status_code == 200
    # the use is noted: the clock starts again
    assert time.time() - client.session[SEEN] < 60


def test_the_idle_limit_is_a_setting(personas: Personas, settings) -> None:
    settings.CQO_SESSION_IDLE_MINUTES = 0
    client = Client()
    client.force_login(personas.clerk_a)
    client.get("/")
    idle_for(client, 600)
    assert client.get("/").status_code == 200
    settings.CQO_SESSION_IDLE_MINUTES = 30
    idle_for(client, 31)
    assert client.get("/").status_code == 302


def test_an_idle_htmx_request_sends_the_whole_page_to_sign_in(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.clerk_a)
    client.get("/")
    idle_for(client, 16)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == LOGIN


def test_a_new_sign_in_starts_the_idle_clock_afresh(personas: Personas) -> None:
    client = Client()
    client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})
    idle_for(client, 16)
    client.post(LOGIN, {"username": "clerk_a", "password": PASSWORD})
    assert client.get("/").status_code == 200


def test_the_api_is_left_to_its_tokens(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.clerk_a)
    client.get("/")
    idle_for(client, 16)
    client.get("/api/v1/auth/me")
    assert not AuditEntry.objects.filter(action="timeout").exists()


def test_the_api_gives_no_token_for_an_expired_password(personas: Personas) -> None:
    aged(personas.clerk_a, 91)
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "clerk_a", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 401 and "请先登录网页端修改密码" in str(response.json())
