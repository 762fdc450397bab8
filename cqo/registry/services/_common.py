"""Shared helpers of the registry services: input coercion and error collection."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cqo.lib import bounds, clock
from cqo.lib.errors import Errors, text

Data = dict[str, Any]
__all__ = ["Data", "Errors", "text"]  # re-exported: the registry services import them here

PASSWORD_MAX_INPUT = bounds.PASSWORD

# The note a reviewer may add when filing or renewing an appointment, kept in the audit trail
# (no model field of its own).
TRANSITION_NOTE_MAX = bounds.NOTE


def transition_note(note: str | None) -> str:
    """The trimmed note of a transition; a ``ValidationError`` on ``note`` past its limit."""
    note = (note or "").strip()
    if len(note) > TRANSITION_NOTE_MAX:
        raise ValidationError(
            {"note": bounds.too_long_message(_("说明"), TRANSITION_NOTE_MAX, len(note))}
        )
    return note


# The CJK ideographs a name may hold: those of GB 18030-2022 (the unified ideographs through
# Extension F and the compatibility ideographs: rare characters such as 𠮷 and 𠀀), each of which
# the PDFs print (Noto CJK, then Hanazono and BabelStone Han: cqo/lib/pdf.py). Extension G
# (U+30000–U+3134F) is left out: GB 18030-2022 does not include it, and no font Debian ships
# covers it (BabelStone Han has about 3,000 of its 4,939), so such a name would print as boxes.
NAME_IDEOGRAPHS: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0x20000, 0x2A6DF),  # Extension B
    (0x2A700, 0x2B73F),  # Extension C
    (0x2B740, 0x2B81F),  # Extension D
    (0x2B820, 0x2CEAF),  # Extension E
    (0x2CEB0, 0x2EBEF),  # Extension F
    (0x2F800, 0x2FA1F),  # CJK Compatibility Ideographs Supplement
)
# Those ideographs, the middle dot of minority names, and Latin letters for foreign names.
NAME_RE = re.compile(
    "^["
    + "".join(f"{chr(first)}-{chr(last)}" for first, last in NAME_IDEOGRAPHS)
    + r"A-Za-z·•.'\- ]{1,50}$"
)


def name_ok(name: str) -> bool:
    """A person's name of the allowed characters; a code point the blocks above leave
    unassigned (no font can print it) is refused."""
    return bool(NAME_RE.match(name)) and not any(unicodedata.category(c) == "Cn" for c in name)


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
    "treatment",
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
