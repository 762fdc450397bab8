"""The online registration page: the county by a province → city → county picker with search,
the password twice, refusals in Chinese beside their field, and a 注册 button."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cqo.accounts import region_picker
from cqo.registry.models import Person
from cqo.test import new_id_number, person_data

pytestmark = pytest.mark.django_db
URL = reverse("registry:register")
PICKER = reverse("accounts:region_picker")
GOOD = "Str0ng-pass-2026"


def form(**overrides: Any) -> dict[str, Any]:
    data = person_data(name="张喆", id_number=new_id_number(), mobile="13700001111")
    data.update(username="zhangzhe", password=GOOD, password2=GOOD, region="610113")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_page_offers_the_picker_and_a_register_button(personas: Any) -> None:
    html = Client().get(URL).content.decode()
    assert 'id="btn-register"' in html and ">注册</button>" in html
    assert ">保存<" not in html
    assert 'name="region_province"' in html and 'name="region_q"' in html
    assert f'hx-get="{PICKER}"' in html
    assert 'name="password2"' in html and "确认密码" in html
    assert "//cdn" not in html and "https://" not in html.split("<body", 1)[1]


def test_it_registers_with_the_county_picked(personas: Any) -> None:
    response = Client().post(URL, form())
    assert response.status_code == 302
    assert Person.objects.get(user__username="zhangzhe").region_id == "610113"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password2": GOOD + "x"}, "password2", "两次输入的密码不一致"),
        ({"password": "Ab-1", "password2": "Ab-1"}, "password", "密码太短，至少需要 8 个字符"),
        ({"password2": ""}, "password2", "这个字段是必填项"),
        ({"region": "999999"}, "region", "选择一个有效的选项"),
    ],
)
def test_it_refuses_in_chinese_beside_the_field(
    personas: Any, overrides: dict[str, str], field: str, message: str
) -> None:
    response = Client().post(URL, form(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html[html.index(f'id="error-{field}"') :]
    assert "This password" not in html and "This field" not in html
    assert not Person.objects.filter(user__username="zhangzhe").exists()


def test_it_says_a_short_password_with_the_other_errors(personas: Any) -> None:
    response = Client().post(URL, form(password="Ab-1", password2="Ab-1", mobile=""))
    html = response.content.decode()
    assert 'id="error-mobile"' in html
    assert "密码太短" in html[html.index('id="error-password"') :]


def test_the_form_shown_again_keeps_the_county_and_its_province_and_city(personas: Any) -> None:
    html = Client().post(URL, form(password2="different-2026")).content.decode()
    assert '<option value="610000" selected>陕西省' in html
    assert '<option value="610100" selected>西安市' in html
    assert '<option value="610113" selected>雁塔区' in html


def picked(**params: str) -> str:
    response = Client().get(PICKER, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_picker_cascades_from_province_to_city_to_county(personas: Any) -> None:
    html = picked(region_province="610000")
    assert '<option value="610100">西安市' in html and "雁塔区" not in html
    html = picked(region_province="610000", region_city="610100")
    assert '<option value="610113">雁塔区' in html and "渭滨区" not in html
    # a city of another province is dropped with its counties
    html = picked(region_province="610000", region_city="110100")
    assert "东城区" not in html
    # a municipality's one 市辖区 is chosen for the user
    assert '<option value="110101">东城区' in picked(region_province="110000")


def test_the_picker_searches_counties_by_name(personas: Any) -> None:
    html = picked(region_q="雁塔")
    assert '<option value="610113" selected>陕西省西安市雁塔区' in html  # the one match
    assert "没有名称含" in picked(region_q="不存在的地名")
    many = picked(region_q="区")
    assert many.count('<option value="') <= 1 + 34 + region_picker.SEARCH_LIMIT
    assert "仅列出前" in many


def test_the_picker_bounds_its_input(personas: Any) -> None:
    html = picked(region_q="雁" * 500, region_province="x" * 500)
    assert "雁" * (region_picker.SEARCH_MAX_LENGTH + 1) not in html
