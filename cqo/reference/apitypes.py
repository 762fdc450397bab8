"""Types the REST API's schemas share: identifiers of path and query parameters, and choices.

Each identifier declares its format in the OpenAPI document, so a malformed identifier is a
422 before anything is looked up, and a well-formed one that names nothing is a 404. A check
character is part of the format: a USCC whose GB 32100 (or embedded GB 11714) check character
is wrong can never have been registered (every path into the registry validates it), so it is
a 422 naming the rule, like any other malformed value, not a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Annotated

from django.core.exceptions import ValidationError
from pydantic import AfterValidator, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from cqo.reference.validators import validate_uscc

# GB 32100-2015 §4: digits and the capital letters but I, O, S, V and Z (small letters are
# taken as capitals, as the registry has always done)
USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$"
# GB/T 2260: six digits ([0-9], not \d, which also takes other scripts' digits)
REGION_PATTERN = r"^[0-9]{6}$"


def checked(rule: str, check: Callable[[str], object]) -> AfterValidator:
    """A validator that runs ``check`` (which raises Django's ValidationError) and reports its
    message as the parameter's error."""

    def run(value: str) -> str:
        try:
            check(value)
        except ValidationError as exc:
            raise PydanticCustomError(rule, "; ".join(str(m) for m in exc.messages)) from exc
        return value

    return AfterValidator(run)


Uscc = Annotated[
    str,
    Field(
        pattern=USCC_PATTERN,
        description="统一社会信用代码 (GB 32100-2015): 18 characters (small letters are taken as "
        "capitals); a wrong check character is a 422",
        examples=["9161011329141777XW"],
    ),
    checked("uscc", validate_uscc),
    AfterValidator(str.upper),
]
RegionCode = Annotated[
    str, Field(pattern=REGION_PATTERN, description="GB/T 2260 code", examples=["610113"])
]


@dataclass(frozen=True)
class Choices:
    """Marks an enum (a model's TextChoices) whose schema is written inline under its own title:
    ``Annotated[Appointment.Status, Choices("FilingStatus", Appointment.Status)]``. Without it
    every enum is an OpenAPI component named after its class, and the models' many ``Status``
    and ``Kind`` classes would share one component (the last one written wins, so most
    operations would document another model's values)."""

    title: str
    enum: type[Enum]

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "enum": [m.value for m in self.enum], "title": self.title}


# an integer primary key (BigAutoField): a larger number is a 422, not a database overflow
RecordKey = Annotated[int, Field(ge=1, le=2**63 - 1, description="the record's number")]
# a year of the platform's records (the sources date from 2016; the 2100 bound keeps a
# mistyped year a 422)
Year = Annotated[int, Field(ge=2000, le=2100)]
