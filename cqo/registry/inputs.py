"""What the registry's services are given: an enterprise's registration, a person's profile and
an appointment's terms (shenzhen-guide Annex A), as the forms, the API, the xlsx import and the
demo state them.

A field left ``UNSET`` is not touched by an update, and is missing on creation (the service
then reports it as required). The services check every value against the registry's rules and
answer with the field's name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from django.core.files.uploadedfile import UploadedFile


class Unset(enum.Enum):
    UNSET = "unset"


UNSET: Final = Unset.UNSET
T = TypeVar("T")


def given(inputs: object) -> dict[str, object]:
    """The fields that were given, by name, for the services' field-by-field checks."""
    out: dict[str, object] = {}
    for f in dataclasses.fields(inputs):  # type: ignore[arg-type]
        value = getattr(inputs, f.name)
        if value is UNSET:
            continue
        if f.name == "qualifications" and value is not None:
            value = [
                dataclasses.asdict(q) if dataclasses.is_dataclass(q) else q  # type: ignore[arg-type]
                for q in value
            ]
        out[f.name] = value
    return out


@dataclass(frozen=True, kw_only=True)
class EnterpriseDetails:
    """单位信息 of Annex A, and what the regulator records beside it."""

    uscc: str | Unset = UNSET
    name: str | Unset = UNSET
    website: str | Unset = UNSET
    employees: int | Unset | None = UNSET
    industry: str | Unset = UNSET  # GB/T 4754-2017 division code
    size: str | Unset = UNSET
    nature: str | Unset = UNSET
    listed: bool | Unset = UNSET
    main_products: str | Unset = UNSET
    registered_address: str | Unset = UNSET
    region: str | Unset = UNSET  # GB/T 2260 code of a county-level region
    responsible_name: str | Unset = UNSET
    responsible_position: str | Unset = UNSET
    responsible_landline: str | Unset = UNSET
    responsible_mobile: str | Unset = UNSET
    above_scale: bool | Unset = UNSET
    above_scale_year: int | Unset | None = UNSET
    quality_award: str | Unset = UNSET
    quality_award_year: int | Unset | None = UNSET
    special_equipment_licence: str | Unset = UNSET
    own_cqo_conditions: str | Unset = UNSET
    group_parent: str | Unset = UNSET  # the USCC of the group's parent enterprise


@dataclass(frozen=True, kw_only=True)
class QualificationDetails:
    kind: str
    name: str = ""
    field: str = ""
    level: str = ""
    issued_on: dt.date | None = None
    issuer: str = ""


@dataclass(frozen=True, kw_only=True)
class PersonDetails:
    """个人信息 of Annex A; on online registration also the account's user name and password."""

    name: str | Unset = UNSET
    id_number: str | Unset = UNSET
    # typed beside the ID number, which encodes both (GB 11643-1999): they must agree
    gender: str | Unset = UNSET
    birth_date: dt.date | Unset | None = UNSET
    position: str | Unset = UNSET
    title: str | Unset = UNSET
    title_level: str | Unset = UNSET
    education: str | Unset = UNSET
    major: str | Unset = UNSET
    mobile: str | Unset = UNSET
    email: str | Unset = UNSET
    mailing_address: str | Unset = UNSET
    quality_years: int | Unset | None = UNSET
    work_history: str | Unset = UNSET
    region: str | Unset = UNSET  # GB/T 2260 code
    photo: UploadedFile[bytes] | Unset | None = UNSET
    qualifications: Sequence[QualificationDetails] | Unset | None = UNSET
    username: str | Unset = UNSET
    password: str | Unset = UNSET


@dataclass(frozen=True, kw_only=True)
class AppointmentTerms:
    """聘任信息 of Annex A; on creation also the person, named by ID number and name."""

    id_number: str | Unset = UNSET
    person_name: str | Unset = UNSET
    post: str | Unset = UNSET
    rank: str | Unset = UNSET
    concurrent_role: str | Unset = UNSET
    appointing_authority: str | Unset = UNSET
    selection_method: str | Unset = UNSET
    assessment_result: str | Unset = UNSET
    probation_end: dt.date | Unset | None = UNSET
    reports_to_top: bool | Unset = UNSET
    treatment: str | Unset = UNSET  # the rank whose treatment (待遇) the post carries
    departments_led: Sequence[str] | Unset = UNSET
    duties: str | Unset = UNSET
    powers: str | Unset = UNSET
    start_date: dt.date | Unset | None = UNSET
    term_end: dt.date | Unset | None = UNSET
    authorisation_scan: UploadedFile[bytes] | Unset | None = UNSET
    form_date: dt.date | Unset | None = UNSET
    remarks: str | Unset = UNSET
    declaration_confirmed: bool | Unset = UNSET
    justification: str | Unset = UNSET


def of(kind: type[T], values: Mapping[str, object]) -> T:
    """``kind`` from the same-named entries of a form's ``cleaned_data`` or an API body; entries
    that are not inputs of the service (a form's confirmation box) are left out."""
    names = {f.name for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    return kind(**{k: v for k, v in values.items() if k in names})
