"""Shared helpers of the registry services: input coercion and error collection."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cqo.lib import clock
from cqo.lib.errors import Errors, text

Data = dict[str, Any]
__all__ = ["Data", "Errors", "text"]  # re-exported: the registry services import them here

# Chinese names incl. CJK extensions A–G (GB 18030 rare characters such as 𠮷), the middle dot
# of minority names, and Latin letters for foreign names.
NAME_RE = re.compile(
    r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134fA-Za-z·•.'\- ]{1,50}$"
)

ENTERPRISE_FIELDS = [
    "uscc",
    "name",
    "website",
    "employees",
    "industry",
    "size",
    "nature",
    "listed",
    "main_products",
    "registered_address",
    "region",
    "responsible_name",
    "responsible_position",
    "responsible_landline",
    "responsible_mobile_masked",
    "above_scale",
    "above_scale_year",
    "quality_award",
    "quality_award_year",
    "special_equipment_licence",
    "own_cqo_conditions",
    "group_parent",
]
PERSON_FIELDS = [
    "name",
    "id_number_masked",
    "gender",
    "birth_date",
    "position",
    "title",
    "title_level",
    "education",
    "major",
    "mobile_masked",
    "email",
    "mailing_address",
    "quality_years",
    "work_history",
    "region",
    "photo",
]
APPOINTMENT_FIELDS = [
    "post",
    "rank",
    "concurrent_role",
    "appointing_authority",
    "selection_method",
    "assessment_result",
    "probation_end",
    "reports_to_top",
    "departments_led",
    "duties",
    "powers",
    "start_date",
    "term_end",
    "authorisation_scan",
    "form_date",
    "remarks",
    "declaration_confirmed",
    "justification",
]


def year(errors: Errors, field: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        errors.add(field, _("年度应为四位数字"))
        return None
    if not 1949 <= year <= clock.today().year + 1:
        errors.add(field, _("年度应在1949年至明年之间"))
        return None
    return year


def model_errors(errors: Errors, obj: Any, exclude: list[str]) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, msgs in exc.message_dict.items():
            if field not in errors.errors:
                errors.errors[field] = msgs


def account_check(errors: Errors, user: Any, password: str) -> None:
    """A new account's username (format, case-insensitive uniqueness) and password (Django's
    validators), each error keyed by its field."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    if not re.fullmatch(r"[\w.@+-]{3,150}", user.username or ""):
        errors.add("username", _("用户名为3–150位字母、数字或 @.+-_"))
    elif get_user_model().objects.filter(username__iexact=user.username).exists():
        errors.add("username", _("该用户名已被使用"))
    errors.run("password", validate_password, password or "", user)
