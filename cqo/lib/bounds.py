"""Maximum lengths of what people type, stated once and enforced on every path.

The single statement of a field's limit is its model field: ``max_length`` on every CharField
and TextField (``text_field`` below for a TextField, which also gets the ``MaxLengthValidator``
Django leaves out, so ``full_clean`` checks it). Everything else derives the number from there:

- API schemas: ``Field(..., max_length=max_length(Enterprise, "main_products"))`` (OpenAPI then
  says ``maxLength``, and a longer value is a 422 naming the field and the limit);
- page forms: ``forms.CharField(max_length=max_length(...))`` (the error beside the field);
- imports: ``too_long(Enterprise, "main_products", value)`` (a row error naming the limit);
- services: nothing to remember. ``refuse_overlong`` runs before every save of the project's
  models (connected in cqo/ops/apps.py) and refuses an over-long text with a ``ValidationError``
  naming the field and its limit, so a path that skips the schema or the form cannot store one.

A text with no model field behind it (a search box, the note of a transition) declares its limit
once, as a constant of the module that owns it.

Limits are sized to what the printed pages can hold (templates/registry/filing_form_pdf.html and
authorisation_pdf.html, the certificates): the tiers below, each with its reason. Columns keep
their type: a TextField stays a TextField with a validator, so rows longer than a new limit that
were stored before it stay readable and no migration rewrites data (they must be shortened the
next time the record is saved).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext, gettext_lazy

from cqo.lib import dates

# A one-line entry (a name, a title, an address) is a CharField with its own max_length.
# Multi-line text, in tiers:
# a cell of the Annex A form that grows with its text (主导产品及经营项目, 备注): five lines of the
# 150 mm cell at 10 pt, the page still one sheet;
FORM_CELL = 500
# a list printed one item a line (授权职责, 工作简历): about a page of the form or the certificate;
PRINTED_LIST = 2000
# a reason or note kept with a record and shown on its page (退回原因, 审核意见, 决定说明);
NOTE = 2000
# a statement of facts a decision rests on, typed for a review or a listing (the grounds of an
# appeal, the reasons of a listing or a supervision action, an application's work history);
STATEMENT = 4000
# a document typed into the platform and never printed as a whole (exchange posts, case texts).
DOCUMENT = 20000
# A password as typed (sign-in, registration, new accounts): Django's validators and hashers take
# any length, and a password of megabytes only costs the server (Django 1.x capped it at 4096).
PASSWORD = 4096
# Items of a printed list: the packs list eight to twelve duties or powers, a work history has a
# line per post; fifty fill two pages of the 聘任授权证书 or the 工作简历 cell and keep their
# layout under a second, where two thousand one-character lines would take pages.
PRINTED_LIST_LINES = 50
# Lines of a cell of the Annex A form (主导产品及经营项目, 备注): it grows with them, the page too.
FORM_CELL_LINES = 10


def text_field(
    verbose_name: Any = None, *, max_length: int, validators: tuple[Any, ...] = (), **kwargs: Any
) -> models.TextField[Any, Any]:
    """A TextField whose ``max_length`` is checked by ``full_clean`` too (Django only passes a
    TextField's max_length to its form field) and by every save (``refuse_overlong``)."""
    return models.TextField(
        verbose_name,
        max_length=max_length,
        validators=[MaxLengthValidator(max_length), *validators],
        **kwargs,
    )


@deconstructible
class MaxLinesValidator:
    """At most ``limit`` non-empty lines: a text printed one item a line (the duties and powers
    of the 聘任授权证书) has a bounded page count, whatever its characters."""

    message = gettext_lazy("最多 %(limit)d 行（现有 %(count)d 行）")
    code = "max_lines"

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, value: Any) -> None:
        count = sum(1 for line in str(value or "").splitlines() if line.strip())
        if count > self.limit:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"limit": self.limit, "count": count},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaxLinesValidator) and other.limit == self.limit

    def __hash__(self) -> int:
        return hash((MaxLinesValidator, self.limit))


def max_length(model: type[models.Model], name: str) -> int:
    """The limit of ``model.name``, as its field states it."""
    limit = model._meta.get_field(name).max_length  # type: ignore[union-attr]
    if not limit:
        raise LookupError(f"{model.__name__}.{name} has no max_length")
    return int(limit)


def too_long_message(label: Any, limit: int, length: int) -> str:
    return gettext("%(label)s不能超过 %(limit)d 个字符（现有 %(length)d 个）") % {
        "label": label,
        "limit": limit,
        "length": length,
    }


def too_long(model: type[models.Model], name: str, value: Any) -> str | None:
    """The message when ``value`` is longer than ``model.name`` allows, else None."""
    limit = max_length(model, name)
    length = len(value) if isinstance(value, str) else 0
    if length <= limit:
        return None
    label = getattr(model._meta.get_field(name), "verbose_name", name)
    return too_long_message(label, limit, length)


def line_validators(model: type[models.Model], name: str) -> list[MaxLinesValidator]:
    """The line limit of ``model.name``, for a form field that shows it beside the field."""
    field = model._meta.get_field(name)
    return [v for v in getattr(field, "validators", ()) if isinstance(v, MaxLinesValidator)]


@cache
def _bounded_fields(
    model: type[models.Model],
) -> tuple[tuple[str, str, int, Any, list[MaxLinesValidator]], ...]:
    return tuple(
        (f.name, f.attname, int(f.max_length), f.verbose_name, line_validators(model, f.name))
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and f.max_length
    )


@cache
def _dated_fields(model: type[models.Model]) -> tuple[tuple[str, str, dates.DateRange, Any], ...]:
    return tuple(
        (f.name, f.attname, bound, f.verbose_name)
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField) and (bound := dates.range_of(f)) is not None
    )


def length_errors(instance: models.Model, fields: Any = None) -> dict[str, list[str]]:
    """Every text of ``instance`` (of ``fields`` only, when given) longer than its field
    allows, and every date outside the range of its kind (cqo/lib/dates.py), keyed by field,
    each message naming the field and its limit."""
    errors: dict[str, list[str]] = {}

    def chosen(name: str, attname: str) -> bool:
        return fields is None or name in fields or attname in fields

    for name, attname, limit, label, lines in _bounded_fields(type(instance)):
        value = getattr(instance, attname)
        if not chosen(name, attname) or not isinstance(value, str):
            continue
        if len(value) > limit:
            errors[name] = [too_long_message(label, limit, len(value))]
        for validator in lines:
            try:
                validator(value)
            except ValidationError as exc:
                errors[name] = [f"{label}{message}" for message in exc.messages]
    for name, attname, bound, label in _dated_fields(type(instance)):
        if chosen(name, attname) and (message := bound.error(getattr(instance, attname), label)):
            errors[name] = [message]
    return errors


def refuse_overlong(
    sender: type[models.Model],
    instance: models.Model,
    raw: bool = False,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    """``pre_save`` of every model of the project: an over-long text or a date outside its range
    is a ``ValidationError`` (422 on the API, an error on the page, a row error in an import),
    never a stored value. Fixtures (``raw``) load as they are; a save of chosen fields checks only
    those, so a row stored before a limit existed can still change its other fields."""
    if raw or not sender.__module__.startswith("cqo."):
        return
    errors = length_errors(instance, update_fields)
    if errors:
        raise ValidationError(errors)
