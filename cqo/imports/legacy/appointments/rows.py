"""The rows of an appointments file. A row is read on its own; everything that asks the registry
is done a batch of rows at a time: the enterprises by USCC and the persons by the keyed hashes of
their ID numbers (both kept for the rest of the file), the filings recorded under the batch's
numbers, the exit listings of its persons, the chief CQOs of its enterprises, and the writing
(the registry's ``appointments_migrate``, which checks all of it again)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.imports.legacy import values
from cqo.imports.legacy.appointments.columns import (
    AUTHORITY_MAX,
    BUREAU_SUFFIXES,
    FIELD_COLUMNS,
    Choices,
    label,
)
from cqo.imports.legacy.appointments.recorded import Recorded
from cqo.imports.legacy.kinds import Outcome, RowResult, messages_of
from cqo.imports.legacy.models import LegacyFile
from cqo.imports.rules import RowError
from cqo.lib import clock, crypto
from cqo.reference import enums, validators
from cqo.reference.models import Region
from cqo.registry import rules
from cqo.registry import selectors as registry_selectors
from cqo.registry import services as registry
from cqo.registry.models import Appointment, Enterprise, Person

# rows checked against the registry and written at once
BATCH = 1000
# what a row reads of its enterprise's region: its scope, its chain, the filing authority's
# the cells a row must fill, and what it is told when one is empty (translated only then)
_REQUIRED = (
    ("enterprise", gettext_lazy("请填写单位名称")),
    ("name", gettext_lazy("请填写姓名")),
    ("post", gettext_lazy("请填写聘任职务")),
)
_REQUIRED_DATES = (
    ("start_date", gettext_lazy("请填写聘任日期")),
    ("filed_on", gettext_lazy("请填写备案日期")),
)
REGION_FIELDS = ("code", "name", "level", "parent_id", "province_code", "city_code")


@dataclass
class _Row:
    """One row on its way: what its cells say, and what came of it."""

    number: int
    shown: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    conflict: bool = False  # in error because of what the registry or the file holds
    uscc: str = ""
    id_hash: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    terms: registry.MigratedAppointment | None = None
    unchanged: bool = False
    created: str = ""  # the public id of the appointment written

    def bad(self, key: str, rule: str, *, conflict: bool = False) -> None:
        self.errors.append(RowError(self.number, label(key), self.shown.get(key, ""), rule))
        self.conflict = self.conflict or conflict

    def result(self) -> RowResult:
        if self.errors:
            return RowResult(Outcome.CONFLICT if self.conflict else Outcome.ERROR, self.errors)
        if self.unchanged:
            return RowResult(Outcome.UNCHANGED)
        return RowResult(Outcome.CREATED, target=("appointment", self.created))


class AppointmentRows:
    """The rows of one appointments file, in file order, inside the file's transaction."""

    def __init__(self, file: LegacyFile, actor: User) -> None:
        self.file = file
        self.actor = actor
        self.today = clock.today()
        self.pending: list[_Row] = []
        self.seen: dict[str, int] = {}  # filing number → the row that first gave it
        self.migrated_numbers: set[str | None] | None = None
        self.chains: dict[str, tuple[Region, ...]] = {}
        # the batch's enterprises, persons and their chief CQOs (those the file wrote in earlier
        # batches included): read again for each batch, so memory stays a batch's
        self.enterprises: dict[str, Enterprise | None] = {}
        self.persons: dict[str, Person | None] = {}
        self.tenures: dict[int, list[rules.Tenure]] = {}
        self.ranks = Choices(enums.PositionRank.choices)
        self.reasons = Choices(enums.EndReason.choices)
        self.recorded = Recorded(actor, self.ranks, self.reasons)
        self.note = _("历史数据迁移：%(file)s 第%(row)d行")  # each row's, by file and row

    def add(self, number: int, cells: dict[str, Any]) -> list[tuple[int, RowResult]]:
        row = _Row(number, {key: values.normalise(cell) for key, cell in cells.items()})
        self._read(row, cells)
        self.pending.append(row)
        if len(self.pending) >= BATCH:
            return self._flush()
        return []

    def finish(self) -> list[tuple[int, RowResult]]:
        return self._flush()

    # One row on its own --------------------------------------------------------------------

    def _read(self, row: _Row, cells: dict[str, Any]) -> None:
        """The row's values as the service takes them, each bad cell reported."""
        shown = row.shown
        uscc = values.digits_or_letters(cells.get("uscc"))
        if not uscc:
            row.bad("uscc", _("请填写统一社会信用代码"))
        else:
            try:
                row.uscc = validators.validate_uscc(uscc)
            except ValidationError as exc:
                row.bad("uscc", " ".join(exc.messages))
        try:
            idn = values.id_number(cells.get("id_number"), on=self.today)
            row.id_hash = crypto.keyed_hash(idn.number)
        except values.LegacyValueError as exc:
            row.bad("id_number", str(exc))
        for key, message in _REQUIRED:
            if not shown.get(key):
                row.bad(key, str(message))
        rank = self.ranks.read(shown.get("rank", ""))
        if not shown.get("rank"):
            row.bad("rank", _("请填写职级"))
        elif not rank:
            row.bad("rank", _("职级应填写：%(labels)s") % {"labels": self.ranks.listed()})
        reason = self.reasons.read(shown.get("end_reason", ""))
        if shown.get("end_reason") and not reason:
            row.bad(
                "end_reason",
                _("终止原因应填写：%(labels)s") % {"labels": self.reasons.listed()},
            )
        filing_number = values.digits_or_letters(cells.get("filing_number"))
        if not filing_number:
            row.bad("filing_number", _("请填写备案编号"))
        if len(shown.get("authority", "")) > AUTHORITY_MAX:
            row.bad("authority", _("备案机关名称不超过%(max)d个字符") % {"max": AUTHORITY_MAX})
        days: dict[str, dt.date | None] = {}
        for key in ("start_date", "term_end", "filed_on", "ended_on"):
            try:
                days[key] = values.legacy_date(cells.get(key))
            except values.LegacyValueError as exc:
                row.bad(key, str(exc))
        for key, message in _REQUIRED_DATES:
            if key in days and days[key] is None:
                row.bad(key, str(message))
        row.fields = {
            "post": shown.get("post", ""),
            "rank": rank,
            "start_date": days.get("start_date"),
            "term_end": days.get("term_end"),
            "filing_number": filing_number,
            "filed_on": days.get("filed_on"),
            "ended_on": days.get("ended_on"),
            "end_reason": reason,
            "end_note": shown.get("end_note", ""),
            "origin_note": self.note % {"file": self.file.file_name, "row": row.number},
        }

    # A batch against the registry ----------------------------------------------------------

    def _flush(self) -> list[tuple[int, RowResult]]:
        rows, self.pending = self.pending, []
        for row in rows:  # in file order: a number's later rows are the conflicts
            if row.errors:
                continue
            number = row.fields["filing_number"]
            first = self.seen.get(number)
            if first is not None:
                row.bad(
                    "filing_number",
                    _("文件中备案编号重复（与第%(row)d行相同），未导入") % {"row": first},
                    conflict=True,
                )
            else:
                self.seen[number] = row.number
        ready = [r for r in rows if not r.errors]
        self._load({r.uscc for r in ready}, {r.id_hash for r in ready})
        for row in ready:
            self._terms(row)
        ready = [r for r in ready if r.terms is not None]
        self._compare_recorded(ready)
        new = [r for r in ready if not r.unchanged and not r.errors]
        for row in new:
            assert row.terms is not None  # noqa: S101  (set for every row of ``ready``)
            for key, message in registry.migrated_problems(row.terms, today=self.today).items():
                row.bad(FIELD_COLUMNS.get(key, ""), message)
        new = [r for r in new if not r.errors]
        self._exit_listed(new)
        new = self._without_overlaps([r for r in new if not r.errors])
        self._write(new)
        return [(row.number, row.result()) for row in rows]

    def _load(self, usccs: set[str], hashes: set[str]) -> None:
        """The batch's enterprises and persons, in one query each, with what the rows use."""
        found = {
            e.uscc: e
            for e in Enterprise.objects.filter(uscc__in=usccs)
            .select_related("region")
            .only("pk", "uscc", "name", *(f"region__{f}" for f in REGION_FIELDS))
        }
        self.enterprises = {u: found.get(u) for u in usccs}
        people = {
            p.id_number_hash: p
            for p in Person.objects.filter(id_number_hash__in=hashes).only(
                "pk", "public_id", "name", "id_number_hash", "region_id"
            )
        }
        self.persons = {h: people.get(h) for h in hashes}

    def _terms(self, row: _Row) -> None:
        """The registered enterprise, person and filing authority the row names, as the
        service's input; none when either is missing or out of scope (an error) or registered
        under another name (a conflict)."""
        enterprise = self.enterprises.get(row.uscc)
        if enterprise is None:
            row.bad(
                "uscc",
                _(
                    "该统一社会信用代码的企业尚未在平台登记，请先迁移企业数据（导入企业名录"
                    "或登记企业），再迁移其聘任备案"
                ),
            )
            return
        if not self.actor.is_platform_admin and not access.region_contains(
            self.actor, enterprise.region
        ):
            row.bad("uscc", _("企业不在您的辖区内，未导入"))
            return
        person = self.persons.get(row.id_hash)
        if person is None:
            row.bad(
                "id_number",
                _("该身份证号的人员尚未在平台登记，请先迁移人员数据，再迁移其聘任备案"),
            )
            return
        if enterprise.name != row.shown["enterprise"]:
            row.bad(
                "enterprise",
                _(
                    "该统一社会信用代码已登记，单位名称为“%(registered)s”，与本行“%(row)s”不一致，未导入"
                )
                % {"registered": enterprise.name, "row": row.shown["enterprise"]},
                conflict=True,
            )
        if person.name != row.shown["name"]:
            if Person.objects.filter(access.person_q(self.actor), pk=person.pk).exists():
                rule = _(
                    "该身份证号已登记，姓名为“%(registered)s”，与本行“%(row)s”不一致，未导入"
                ) % {"registered": person.name, "row": row.shown["name"]}
            else:
                rule = _("该身份证号已在辖区外登记，姓名与本行不一致，未导入")
            row.bad("name", rule, conflict=True)
        authority = self._authority(enterprise, row)
        if row.errors:
            return
        row.terms = registry.MigratedAppointment(
            enterprise=enterprise, person=person, filing_authority=authority, **row.fields
        )

    def _compare_recorded(self, rows: list[_Row]) -> None:
        """Rows whose number is recorded: the same filing (unchanged) or a conflict. Only a
        migrated filing can hold a historic number (the platform's own are of a shape the
        migration refuses), so the migrated numbers are read once per file and a batch of new
        numbers costs no query."""
        if self.migrated_numbers is None:
            self.migrated_numbers = set(
                Appointment.objects.filter(migrated=True)
                .order_by()
                .values_list("filing_number", flat=True)
            )
        numbers = {r.fields["filing_number"] for r in rows} & self.migrated_numbers
        if not numbers:
            return
        recorded = {
            a.filing_number: a
            for a in Appointment.objects.filter(filing_number__in=numbers).select_related(
                "enterprise__region", "person"
            )
        }
        for row in rows:
            existing = recorded.get(row.fields["filing_number"])
            if existing is None or row.terms is None:
                continue
            result = self.recorded.compare(existing, row.terms, row.bad, row.errors)
            row.conflict = row.conflict or result.outcome == Outcome.CONFLICT
            row.unchanged = result.outcome == Outcome.UNCHANGED

    def _exit_listed(self, rows: list[_Row]) -> None:
        entries = [r.terms for r in rows if r.terms is not None]
        listed = registry.exit_listed(entries, today=self.today)
        for row in rows:
            terms = row.terms
            if terms is not None and terms.ended_on is None and terms.person.pk in listed:
                row.bad("id_number", registry.exit_listed_message())

    def _without_overlaps(self, rows: list[_Row]) -> list[_Row]:
        """The rows whose chief CQO is in office on no day another of the enterprise is (SPEC
        §12.17 over its history: those recorded, and the file's rows before them); the others
        are conflicts naming the other filing."""
        self.tenures = registry_selectors.chief_tenures(
            {r.terms.enterprise.pk for r in rows if r.terms}
        )
        kept = []
        for row in rows:
            assert row.terms is not None  # noqa: S101  (set for every row given)
            held = self.tenures[row.terms.enterprise.pk]
            new = rules.tenure(
                filing_number=row.terms.filing_number,
                start_date=row.terms.start_date,
                filed_on=row.terms.filed_on,
                ended_on=row.terms.ended_on,
            )
            other = rules.overlapping_tenure(new, held)
            if other is not None:
                row.bad("start_date", rules.overlap_message(other), conflict=True)
                continue
            held.append(new)
            kept.append(row)
        return kept

    def _write(self, rows: list[_Row]) -> None:
        if not rows:
            return
        entries = [r.terms for r in rows if r.terms is not None]
        try:
            written = registry.appointments_migrate(actor=self.actor, entries=entries)
        except ValidationError as exc:  # checked above: only a concurrent migration
            raise ValidationError(
                _("迁移期间另有相同的聘任备案写入，请重新提交本文件：%(why)s")
                % {"why": "；".join(m for _k, m in messages_of(exc))}
            ) from exc
        for row, appt in zip(rows, written, strict=True):
            row.created = str(appt.public_id)

    # The filing authority ------------------------------------------------------------------

    def _chain(self, region: Region) -> tuple[Region, ...]:
        """The enterprise's region and the regions above it, most specific first."""
        if region.code not in self.chains:
            codes = [region.code, region.city_code, region.province_code]
            found = {r.code: r for r in Region.objects.filter(code__in=[c for c in codes if c])}
            chain: list[Region] = []
            for code in codes:
                if code in found and found[code] not in chain:
                    chain.append(found[code])
            self.chains[region.code] = tuple(chain)
        return self.chains[region.code]

    def _authority(self, enterprise: Enterprise, row: _Row) -> Region | None:
        """The region of the bureau the row names: one of the enterprise's region and those
        above it, named as 雁塔区市场监督管理局, 西安市雁塔区市场监督管理局 or
        陕西省质量技术监督局. None for an empty cell (the service then takes the enterprise's
        own region, as the live workflow files by default)."""
        text = row.shown.get("authority", "").replace(" ", "")
        if not text:
            return None
        chain = self._chain(enterprise.region)
        place = next((text[: -len(s)] for s in BUREAU_SUFFIXES if text.endswith(s)), None)
        if place:
            for index, region in enumerate(chain):
                if not place.endswith(region.name):
                    continue
                # what precedes the name may only be the names of the regions above it
                prefix = place[: -len(region.name)]
                above = [r.name for r in reversed(chain[index + 1 :])]
                allowed = {"", *above, "".join(above)}
                if prefix in allowed:
                    return region
        names = "、".join(f"{r.name}{BUREAU_SUFFIXES[0]}" for r in chain)
        row.bad(
            "authority",
            _("备案机关应为企业所在地的县、市或省级市场监督管理部门，如：%(names)s")
            % {"names": names},
        )
        return None
