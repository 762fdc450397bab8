"""Identifier and contact validators (SPEC §2, §10).

Each returns the normalised value or raises ``ValidationError`` whose message names the rule;
forms and services attach it to the field, so the page and the API say which field broke which
rule.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.util import isdigits

from cqo.lib import clock
from cqo.lib.codes import ORG_ALPHABET as _ORG_ALPHABET
from cqo.lib.codes import org_code_check_digit
from cqo.reference.enums import Gender

# The longest an identifier may be as typed, before it is normalised: the limit of the inputs
# (forms, API, imports). A resident ID number is 18 characters (GB 11643-1999); a mobile is 11
# digits, typed with +86, spaces or dashes.
ID_NUMBER_MAX_INPUT = 18
MOBILE_MAX_INPUT = 20

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# 区号-号码[-分机]: 010-12345678, 0755-1234567, 075512345678-123
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def validate_uscc(value: str) -> str:
    """统一社会信用代码, GB 32100-2015: 18 characters with a mod-31 check character.

    Positions 9–17 are the GB 11714 organisation code with its own check character, which
    python-stdnum does not test; we do.
    """
    try:
        # NFKC first: full-width input (９１４４…Ｘ７) from Chinese input methods is common.
        number = uscc.validate(unicodedata.normalize("NFKC", value or ""))
    except InvalidLength as exc:
        raise ValidationError(_("统一社会信用代码应为18位"), code="uscc_length") from exc
    except InvalidFormat as exc:
        raise ValidationError(
            _("统一社会信用代码含非法字符（GB 32100-2015 不使用 I、O、Z、S、V）"),
            code="uscc_format",
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("统一社会信用代码校验位错误（GB 32100-2015）"), code="uscc_checksum"
        ) from exc
    except InvalidComponent as exc:
        raise ValidationError(_("统一社会信用代码的组成部分无效"), code="uscc_component") from exc
    org = number[8:17]
    if any(c not in _ORG_ALPHABET for c in org[:8]) or org_code_check_digit(org[:8]) != org[8]:
        raise ValidationError(
            _("统一社会信用代码第9–17位组织机构代码校验位错误（GB 11714）"), code="uscc_org_code"
        )
    return number


@dataclass(frozen=True)
class IdNumberFacts:
    number: str
    birth_date: dt.date
    gender: str  # Gender value


@functools.lru_cache(maxsize=8192)
def _county_ends(code: str) -> tuple[int | None, ...] | None:
    """The counties python-stdnum's GB/T 2260 history (``cn/loc``) knows under an address code:
    for each, the last year it existed (None while it exists). None for an unknown code. Kept
    per code: a province's archive repeats a few thousand codes on hundreds of thousands of rows,
    and the table's lookup costs as much as everything else of the check together."""
    from stdnum import numdb

    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    counties = info.get("county")
    if not counties:
        return None
    ends: list[int | None] = []
    for county in counties.split(","):
        if not county.startswith("["):
            ends.append(None)
            continue
        end = county[1:].split("]")[0].split("-")[1]
        ends.append(int(end) if end else None)
    return tuple(ends)


def _address_code_possible(code: str, birth: dt.date) -> bool:
    """GB 11643-1999 §4.1: the address code is the county of permanent residence when the number
    was assigned (first issue or a move), which is at or after birth. stdnum requires the code to
    have existed in the birth year and so rejects real numbers such as a 1970-born 610113 (雁塔区
    since 1983); a code can only be ruled out if it is unknown or was abolished before birth.
    (Every code stdnum accepts passes this test too.)"""
    ends = _county_ends(code)
    return ends is not None and any(end is None or end >= birth.year for end in ends)


def validate_id_number(value: str, *, today: dt.date | None = None) -> IdNumberFacts:
    """居民身份证号码, GB 11643-1999, with the birth date and gender it encodes.

    python-stdnum's parts check the length, the digits, the ISO 7064 check digit and the birth
    date, in that order (as ``ric.validate`` does); the birth place is ours
    (``_address_code_possible``). stdnum accepts a birth date in the future or an age nobody
    works at, which we reject here.
    """
    today = today or clock.today()
    number = ric.compact(unicodedata.normalize("NFKC", value or ""))
    if len(number) != 18:
        raise ValidationError(_("身份证号码应为18位"), code="id_length")
    if not isdigits(number[:-1]):
        raise ValidationError(_("身份证号码格式错误"), code="id_format")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(_("身份证号码校验位错误（GB 11643-1999）"), code="id_checksum")
    try:
        birth = ric.get_birth_date(number)
    except InvalidComponent as exc:
        raise ValidationError(_("身份证号码中的出生日期无效"), code="id_birth_date") from exc
    if not _address_code_possible(number[:6], birth):
        raise ValidationError(
            _("身份证号码前6位地址码不存在或在出生前已撤销（GB/T 2260）"), code="id_birth_place"
        )
    if birth > today:
        raise ValidationError(_("身份证号码中的出生日期在未来"), code="id_birth_future")
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    if not settings.CQO_MIN_AGE <= age <= settings.CQO_MAX_AGE:
        raise ValidationError(
            # the bounds are a platform default, not the documents' (settings CQO_MIN_AGE)
            _(
                "身份证号码显示年龄为%(age)d岁，不在工作年龄%(min)d–%(max)d岁之内"
                "（平台默认，非文件规定）"
            )
            % {"age": age, "min": settings.CQO_MIN_AGE, "max": settings.CQO_MAX_AGE},
            code="id_age",
        )
    # GB 11643-1999 §5.2: the 17th digit (sequence code) is odd for men, even for women.
    gender = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
    return IdNumberFacts(number=number, birth_date=birth, gender=gender)


def validate_mobile(value: str) -> str:
    number = re.sub(r"[\s-]", "", value or "")
    if number.startswith("+86"):
        number = number[3:]
    if not MOBILE_RE.match(number):
        raise ValidationError(_("手机号码应为以1开头的11位数字"), code="mobile")
    return number


def validate_landline(value: str) -> str:
    number = re.sub(r"\s", "", value or "")
    if not LANDLINE_RE.match(number):
        raise ValidationError(_("座机号码应为“区号-号码”，如 0755-12345678"), code="landline")
    return number


def validate_email(value: str) -> str:
    email = (value or "").strip()
    try:
        EmailValidator()(email)
    except ValidationError as exc:
        raise ValidationError(_("电子邮箱格式错误"), code="email") from exc
    return email.lower()


def validate_website(value: str) -> str:
    url = (value or "").strip()
    if url and not re.match(r"^https?://", url):
        url = "http://" + url
    if url and not re.match(r"^https?://[\w.-]+\.[A-Za-z\u4e00-\u9fff]{2,}(:\d+)?(/\S*)?$", url):
        raise ValidationError(_("单位网址格式错误"), code="website")
    return url
