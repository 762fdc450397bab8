"""The change log as people read it: who (by name and role), what (field labels), from what to
what (choice labels, names of the records referred to, dates), never a code, a key, a login
name or a UUID.

``trail_rows`` renders a page of entries at once: the records the entries refer to are read in
one query per model for the whole page, not one per row.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import camel_case_to_spaces
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cqo.audit import labels
from cqo.audit.models import AuditEntry
from cqo.audit.notes import note_text
from cqo.reference.enums import LedDepartment

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_REF = re.compile(r"^(?:[a-z]+:)?(" + UUID.pattern + r")$", re.I)
_EMBEDDED_REF = re.compile(r"\s*(?:\b[a-z]+:)?" + UUID.pattern, re.I)
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_PACK = re.compile(r"^([a-z][a-z0-9]*(?:-[a-z0-9]+)+) (\S+)$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
TEXT_MAX = 120  # characters of one value shown; the record's own page shows the rest
ITEMS_MAX = 20  # items of one list value shown
ROWS_MAX = 100  # entries of one trail rendered

# The question a higher app answers: a clause reference ("shaanxi-2021 §五(一)") or a pack id
# as users cite it (陕质委办〔2021〕15号). cqo.policy registers it when it starts.
_CITERS: list[Callable[[str], str]] = []


def provide_citer(cite: Callable[[str], str]) -> None:
    _CITERS[:] = [cite]


def cite(clause: str) -> str:
    return _CITERS[0](clause) if _CITERS else ""


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Row:
    entry: AuditEntry
    actor: str
    action: str
    changes: tuple[Change, ...]
    note: str
    kind: str = ""  # what kind of record (target_label)
    target: str = ""  # which record, in words (target_text)


# Records and fields ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _by_model_name() -> dict[str, type[models.Model]]:
    found: dict[str, list[type[models.Model]]] = defaultdict(list)
    for model in apps.get_models():
        found[model._meta.model_name or ""].append(model)
    return {name: ms[0] for name, ms in found.items() if len(ms) == 1}


@lru_cache(maxsize=256)
def models_of(target_type: str) -> tuple[type[models.Model], ...]:
    """The models whose fields describe the changes of entries of ``target_type``."""
    names = labels.TARGET_MODELS.get(target_type)
    if names is None and "." in target_type:  # an admin change: the model's "app.model"
        names = (target_type,)
    if names is None:
        model = _by_model_name().get(target_type)
        return (model,) if model is not None else ()
    found = []
    for name in names:
        try:
            found.append(apps.get_model(name))
        except LookupError:  # an app not installed in this deployment
            continue
    return tuple(found)


def field_of(target_type: str, key: str) -> Any:
    for model in models_of(target_type):
        try:
            return model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
    return None


def _field_label(field: Any) -> str | None:
    if isinstance(field, models.ForeignObjectRel):  # a reverse relation: the related records
        related = field.related_model
        plural = str(related._meta.verbose_name_plural)
        # Django's default is the class name split into words: that is no label
        return None if plural == camel_case_to_spaces(related.__name__) + "s" else plural
    label = str(getattr(field, "verbose_name", "") or "")
    # Django's default verbose_name is the field's name with spaces: that is no label
    if not label or label == field.name.replace("_", " "):
        return None
    return label


def target_label(target_type: str) -> str:
    """What a kind of record is called; never its code."""
    if target_type in labels.TARGET_LABELS:
        return str(labels.TARGET_LABELS[target_type])
    found = models_of(target_type)
    return str(found[0]._meta.verbose_name) if found else str(labels.UNKNOWN_TARGET)


def target_choices() -> list[tuple[str, str]]:
    """The kinds of record the code writes entries of, by label, for a filter."""
    codes = set(labels.TARGET_MODELS) | set(labels.TARGET_LABELS)
    return sorted(((code, target_label(code)) for code in codes), key=lambda c: (c[1], c[0]))


def target_text(entry: AuditEntry, lookups: Lookups) -> str:
    """The record as the entry names it, in words: a user by name and role (their login is the
    entry's code), a policy pack's version by the document it cites, a name without the codes
    (UUIDs) it may carry; nothing where the kind of record says it all."""
    text = entry.target_repr or ""
    if entry.target_type == "user":  # by login; a deactivation names the account's id
        user_model, code = get_user_model()._meta.label, entry.target_id
        by_login = lookups.get(user_model, "username", code)
        by_id = lookups.get(user_model, "pk", code) if code.isdigit() else None
        return by_login or by_id or _("（已注销或不存在的账号）")
    if entry.target_type == "pack_version":  # the document's title, not the pack's id
        pack = _PACK.match(text)
        code = entry.target_id
        title = lookups.get("policy.PackVersion", "pk>name", code) if code.isdigit() else None
        return title or (cite(pack[1]) if pack else "") or _("政策文件")
    if entry.target_type in labels.TARGET_NAMED_BY_KIND:
        return "—"
    return _EMBEDDED_REF.sub("", text).strip() or "—"


def key_label(target_type: str, key: str) -> str:
    """The label of a key of ``changes``; never the key itself."""
    if len(key) > 100:  # a note asked about (entry_row), not a key: not worth keeping
        return _key_label.__wrapped__(target_type, key, "")
    return _key_label(target_type, key, get_language() or "")


# labels are read once per kind of record, key and language: a long trail (an export) meets the
# same few keys on every entry
@lru_cache(maxsize=4096)
def _key_label(target_type: str, key: str, language: str) -> str:
    if (target_type, key) in labels.TARGET_KEYS:
        return str(labels.TARGET_KEYS[(target_type, key)])
    field = field_of(target_type, key)
    label = _field_label(field) if field is not None else None
    if label:
        return label.rstrip("。")  # a sentence as a label (单位意见：…同意任命并备案。)
    if key in labels.KEYS:
        return str(labels.KEYS[key])
    for prefix, text in labels.PREFIXES.items():
        if key.startswith(prefix) and key[len(prefix) :]:
            return str(text) % {"rest": key[len(prefix) :]}
    if not re.search(r"[A-Za-z]", key):  # a label people wrote (a plan's item)
        return key
    return str(labels.UNKNOWN)


def is_labelled(target_type: str, key: str) -> bool:
    return key_label(target_type, key) != str(labels.UNKNOWN)


@lru_cache(maxsize=1)
def _all_choices() -> dict[str, dict[str, Any]]:
    """Every coded value of a model field, by app: the last resort for a code no key names.
    The labels are kept lazy: each reader sees them in their own language."""
    found: dict[str, dict[str, Any]] = defaultdict(dict)
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and value:
                    found[model._meta.app_label].setdefault(value, label)
                    found[""].setdefault(value, label)
    return found


def _choices(target_type: str, key: str) -> dict[str, str]:
    """The coded values of a key and their labels (read-only: shared between calls)."""
    return _choices_in(target_type, key, get_language() or "")


@lru_cache(maxsize=1024)
def _choices_in(target_type: str, key: str, language: str) -> dict[str, str]:
    field = field_of(target_type, key)
    choices: dict[str, str] = {}
    other = labels.VALUE_FIELDS.get((target_type, key)) or next(
        (
            v
            for (t, k), v in labels.VALUE_FIELDS.items()
            if t == target_type and k.endswith(":") and key.startswith(k)
        ),
        None,
    )
    if other is not None:
        try:
            field = apps.get_model(other[0])._meta.get_field(other[1])
        except (LookupError, FieldDoesNotExist):
            field = None
    for value, label in getattr(field, "flatchoices", None) or []:
        choices[str(value)] = str(label)
    for value, label in labels.VALUES.get(key, {}).items():
        choices.setdefault(value, str(label))
    if key == "departments_led":
        choices.update({str(v): str(lab) for v, lab in LedDepartment.choices})
    module_choices = labels.LIST_CHOICES.get((target_type, key))
    if module_choices is not None:
        module = sys.modules[apps.get_model(module_choices[0]).__module__]
        coded = getattr(module, module_choices[1], None)
        choices.update({str(v): str(lab) for v, lab in getattr(coded, "choices", [])})
    if not choices and field is None:
        # a derived state recorded with a transition (a listing in force → revoked)
        for model in models_of(target_type):
            states = getattr(model, "Status", None) or getattr(model, "State", None)
            choices.update({str(v): str(lab) for v, lab in getattr(states, "choices", [])})
    return choices


# Looking up the records referred to, a page at a time ----------------------------------------


def _user_label(user: Any) -> str:
    """A person's or organisation's name and role: 孙卓然（首席质量官）; without a name, where
    they act: 雁塔区市场监管部门, 西安华晟精密仪器有限公司（企业经办人）."""
    name = (getattr(user, "display_name", "") or getattr(user, "organisation", "") or "").strip()
    role = str(user.get_role_display() if hasattr(user, "get_role_display") else "")
    if name:
        return f"{name}（{role}）" if role and role != name else name
    enterprise = getattr(user, "enterprise", None)
    if enterprise is not None:
        return f"{getattr(enterprise, 'name', enterprise)}（{role}）" if role else str(enterprise)
    region = getattr(user, "region", None)
    if region is not None:
        return f"{getattr(region, 'name', region)}{role}"
    return role or _("平台用户")


def _object_label(obj: models.Model) -> str:
    if isinstance(obj, get_user_model()):
        return _user_label(obj)
    name = getattr(obj, "name", None) if obj._meta.label == "reference.Region" else None
    return str(name or obj)


class Lookups:
    """Collects the references of a page of entries, then reads them: one query per model."""

    def __init__(self) -> None:
        self.wanted: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.found: dict[tuple[str, str, str], str] = {}
        self.ready = False

    def get(self, model: str, by: str, value: str) -> str | None:
        if not self.ready:
            self.wanted[(model, by)].add(value)
            return None
        return self.found.get((model, by, value))

    def fetch(self) -> None:
        for (label, by), values in self.wanted.items():
            model = apps.get_model(label)
            if ">" in by:  # a code and the name kept beside it
                code, name = by.split(">")
                rows = model._default_manager.filter(**{f"{code}__in": sorted(values)})
                for value, text in rows.values_list(code, name).distinct():
                    self.found[(label, by, str(value))] = str(text)
                continue
            # what names a record: its parents (a user: also where they act)
            users = model is get_user_model()
            related = [
                f.name
                for f in model._meta.concrete_fields
                if f.many_to_one and (users or not f.null) and f.related_model is not model
            ]
            rows = model._default_manager.filter(**{f"{by}__in": sorted(values)})
            for obj in rows.select_related(*related):
                self.found[(label, by, str(getattr(obj, by)))] = _object_label(obj)
        self.ready = True


# Values ----------------------------------------------------------------------------------------


def _short(text: str) -> str:
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"


def _when(text: str) -> str | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        return f"{moment:%Y-%m-%d %H:%M}"
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


class _Values:
    """The text of one recorded value, given where it was recorded."""

    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self.user_model = get_user_model()._meta.label

    def text(self, target_type: str, key: str, value: Any) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return "—"
        if key in labels.SECRET_KEYS:
            return _("（已更改）")
        if isinstance(value, (list, tuple)):
            shown = [self.item(target_type, key, v) for v in value[:ITEMS_MAX]]
            more = len(value) - ITEMS_MAX
            return "、".join(shown) + (_(" 等 %d 项") % len(value) if more > 0 else "")
        return self.item(target_type, key, value)

    def item(self, target_type: str, key: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(value, dict):  # e.g. a grading band {"label": "优秀", "min": 90}
            if "label" in value:
                bound = value.get("min")
                return f"{value['label']}（≥{bound}）" if bound is not None else str(value["label"])
            return "，".join(self.item(target_type, key, v) for v in value.values())
        if isinstance(value, (list, tuple)):
            return self.text(target_type, key, value)
        return _short(self.scalar(target_type, key, str(value)))

    def scalar(self, target_type: str, key: str, text: str) -> str:
        if key in labels.DIGEST_KEYS:
            return _("前 12 位 %s") % text[:12]
        if key in labels.USER_KEYS:
            return self.lookups.get(self.user_model, "username", text) or _("（已注销的账号）")
        if key in labels.REGION_KEYS and text.isdigit():
            return self.lookups.get("reference.Region", "code", text) or text
        if key == "ranking":
            return self._ranking(text)
        if (target_type, key) in labels.SHARE_KEYS:
            try:
                return f"{Decimal(text) * 100:.2f}".rstrip("0").rstrip(".") + "%"
            except InvalidOperation:
                return text
        if key in ("criteria", "scores") and ":" in text:
            name, _sep, points = text.rpartition(":")
            return _("%(name)s（%(points)s 分）") % {"name": name, "points": points}
        field = field_of(target_type, key)
        if isinstance(field, models.BooleanField) and text in ("True", "False"):
            return _("是") if text == "True" else _("否")  # an admin form's value, as text
        if text == "None":
            return "—"
        choices = _choices(target_type, key)
        if text in choices:
            return choices[text]
        named = labels.NAMED_CODES.get((target_type, key))
        if named is not None:
            return self.lookups.get(named[0], f"{named[1]}>{named[2]}", text) or text
        reference = self._reference(target_type, key, field, text)
        if reference is not None:
            return reference
        return self._plain(target_type, key, field, text)

    def _ranking(self, text: str) -> str:
        rank, _sep, rest = text.partition(":")
        ref, _sep, score = rest.partition(":")
        name = (
            self.lookups.get("community.Submission", "public_id", ref)
            if UUID.fullmatch(ref)
            else None
        )
        return _("第 %(rank)s 名 %(name)s %(score)s 分") % {
            "rank": rank,
            "name": name or _("（已删除的记录）"),
            "score": score,
        }

    def _reference(self, target_type: str, key: str, field: Any, text: str) -> str | None:
        match = _REF.match(text)
        if match is None:
            return None
        model = labels.REFERENCES.get(key)
        if model is None and getattr(field, "related_model", None) is not None:
            related = field.related_model
            if any(f.name == "public_id" for f in related._meta.concrete_fields):
                model = related._meta.label
        if key == "review_request":  # the request's own reference: it was open
            return _("待复核")
        if model is None:
            return _("（已删除的记录）")
        return self.lookups.get(model, "public_id", match[1].lower()) or _("（已删除的记录）")

    def _plain(self, target_type: str, key: str, field: Any, text: str) -> str:
        pack = _PACK.match(text)
        if key == "pack_version" and pack:
            return f"{cite(pack[1]) or _('政策文件')}（{_('%s 版') % pack[2]}）"
        if key == "pack_slug" and _PACK.match(text + " x"):
            return cite(text) or _("政策文件")
        if isinstance(field, models.FileField) or key in ("evidence", "file", "attachments"):
            text = text.rsplit("/", 1)[-1]  # the file's name, not where it is kept
        if _DATETIME.match(text):
            return _when(text) or text
        if _CODE.match(text) and getattr(field, "get_internal_type", lambda: "")() not in (
            "CharField",
            "TextField",
        ):
            app = models_of(target_type)[0]._meta.app_label if models_of(target_type) else ""
            coded = _all_choices()
            return str(coded.get(app, {}).get(text) or coded[""].get(text) or text)
        return _EMBEDDED_REF.sub("", text).strip() or _("（已删除的记录）")


# Entries ---------------------------------------------------------------------------------------


def actor_label(entry: AuditEntry, lookups: Lookups) -> str:
    if entry.actor_id is None:
        return _("系统") if entry.actor_name in ("", "system") else _("（已注销的账号）")
    user_model = get_user_model()._meta.label
    return lookups.get(user_model, "pk", str(entry.actor_id)) or _("（已注销的账号）")


def _action_label(action: str) -> str:
    return _actions_in(get_language() or "").get(action, action)


@lru_cache(maxsize=16)  # Django's get_action_display rebuilds the choices on every call
def _actions_in(language: str) -> dict[str, str]:
    return {value: str(label) for value, label in AuditEntry.Action.choices}


def _pair(change: Any) -> tuple[Any, Any]:
    if isinstance(change, (list, tuple)):
        padded = [*change, None, None]
        return padded[0], padded[1]
    return None, change


def entry_row(entry: AuditEntry, lookups: Lookups) -> Row:
    values = _Values(lookups)
    changes = []
    # by key: PostgreSQL's jsonb keeps no insertion order, so both databases show one order
    for key, change in sorted((entry.changes or {}).items()):
        before, after = _pair(change)
        changes.append(
            Change(
                label=key_label(entry.target_type, str(key)),
                before=values.text(entry.target_type, str(key), before),
                after=values.text(entry.target_type, str(key), after),
            )
        )
    shown = (entry.note or "").strip()  # an unmasking read notes the field it showed
    note = note_text(
        entry.note,
        action=entry.action,
        cite=cite,
        field_label=key_label(entry.target_type, shown)
        if is_labelled(entry.target_type, shown)
        else "",
    )
    if note in {c.label for c in changes}:  # "本人声明" beside the change it names
        note = ""
    return Row(
        entry=entry,
        actor=actor_label(entry, lookups),
        action=_action_label(entry.action),
        changes=tuple(changes),
        note=note,
        kind=target_label(entry.target_type),
        target=target_text(entry, lookups),
    )


def _rows(page: list[AuditEntry]) -> list[Row]:
    lookups = Lookups()
    for entry in page:  # first pass: collect what the entries refer to
        entry_row(entry, lookups)
    lookups.fetch()
    return [entry_row(entry, lookups) for entry in page]


def trail_rows(entries: Iterable[AuditEntry]) -> list[Row]:
    """A page of the trail (at most ``ROWS_MAX`` entries) as rows to show."""
    page = list(entries[:ROWS_MAX] if hasattr(entries, "__getitem__") else entries)[:ROWS_MAX]
    return _rows(page)


# 平台默认: entries whose references are read together when a long trail is exported
EXPORT_CHUNK = 1000


def all_rows(entries: Iterable[AuditEntry]) -> Iterator[Row]:
    """Every entry of ``entries`` as a row, read and labelled ``EXPORT_CHUNK`` at a time (an
    export's memory is that of one chunk); the caller bounds how many."""
    chunk: list[AuditEntry] = []
    for entry in entries:
        chunk.append(entry)
        if len(chunk) == EXPORT_CHUNK:
            yield from _rows(chunk)
            chunk = []
    if chunk:
        yield from _rows(chunk)
