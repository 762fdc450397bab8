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
from typing import Annotated, Any

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


@dataclass(frozen=True)
class DecimalText:
    """Documents a Decimal input as it is parsed: ``Annotated[Decimal, Field(ge=0, le=500,
    max_digits=4, decimal_places=1), DecimalText(4, 1)]``.

    pydantic documents a Decimal as "a number or any string", but refuses an empty or non-numeric
    string, and a float's binary digits break ``max_digits``/``decimal_places`` (0.1 + 0.2 has
    seventeen). The document then promises values the API refuses. Here a JSON number is
    documented as an integer within the bounds, and a string as digits with at most ``places``
    decimals whose integer part keeps within them; both are always accepted. (A fraction sent as
    a JSON number is still accepted when it fits, as before.)"""

    digits: int
    places: int

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        if handler.mode != "validation":
            return schema
        number = next(b for b in schema.get("anyOf", [schema]) if b.get("type") == "number")
        positive = "exclusiveMinimum" in number or number.get("minimum", -1) > 0
        # the integer part stays below the ceiling: a digit and zeros (500, 100, 10¹²) at most
        # the maximum (a documented subset of what is accepted, never more)
        ceiling = 10 ** (self.digits - self.places)
        if "maximum" in number:
            top = str(int(number["maximum"]))
            ceiling = min(ceiling, int(top[0]) * 10 ** (len(top) - 1))
        integer: dict[str, Any] = {"type": "integer", "minimum": 1 if positive else 0}
        integer["maximum"] = ceiling - 1
        text = {"type": "string", "pattern": _decimal_pattern(ceiling, self.places, positive)}
        extra = {k: v for k, v in schema.items() if k not in ("anyOf", "type", "minimum")}
        extra = {k: v for k, v in extra.items() if not k.startswith(("maximum", "exclusive"))}
        return {**extra, "anyOf": [integer, text]}


def _decimal_pattern(ceiling: int, places: int, positive: bool) -> str:
    """Decimal strings whose integer part is below ``ceiling`` (a digit then zeros: 500, 100,
    10¹²) and, when ``positive``, at least 1."""
    text = str(ceiling)
    lead, rest = text[0], text[1:]
    zeros = len(rest)
    if set(rest) - {"0"}:
        raise ValueError(f"{ceiling}: only a digit followed by zeros")
    shorter = f"[1-9][0-9]{{0,{zeros - 1}}}" if positive else f"[0-9]{{1,{zeros}}}"
    options = [shorter] if zeros else []
    if lead != "1":
        options.append(f"[1-{int(lead) - 1}][0-9]{{{zeros}}}")
    fraction = f"(\\.[0-9]{{1,{places}}})?" if places else ""
    return f"^({'|'.join(options)}){fraction}$"


@dataclass(frozen=True)
class FormOptional:
    """Documents an optional multipart form field: ``Annotated[int | None, FormOptional()]``.
    A form has no null (a field is given or left out), so the document shows only the value's
    own schema; ``null`` as text would be refused."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
        if len(branches) != 1:
            return schema
        rest = {k: v for k, v in schema.items() if k != "anyOf"}
        return {**branches[0], **rest}


def error_responses(*statuses: int) -> dict[str, Any]:
    """``openapi_extra`` documenting ``statuses`` in the one error shape, for a router below
    cqo.accounts (which defines ErrorOut; cqo/api.py puts the component in the document)."""
    from http.client import responses

    return {
        "responses": {
            status: {
                "description": responses.get(status, ""),
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
                },
            }
            for status in statuses
        }
    }
