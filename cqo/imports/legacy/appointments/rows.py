"""The rows of an appointments file: each read, its enterprise, person and filing authority
found, compared with a filing recorded under its number or written through the registry's
``appointment_migrate``."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

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
from cqo.imports.legacy.kinds import Outcome, RowResult
from cqo.imports.legacy.models import LegacyFile
from cqo.imports.rules import RowError
from cqo.lib import clock, crypto
from cqo.reference import enums, validators
from cqo.reference.models import Region
from cqo.registry import services as registry
from cqo.registry.models import Appointment, Enterprise, Person

M = TypeVar("M", bound=Model)


def _one(qs: QuerySet[M], **lookup: Any) -> M | None:
    """The row the unique ``lookup`` names, or None (``get`` sends no ORDER BY)."""
    try:
        return qs.get(**lookup)
    except ObjectDoesNotExist:
        return None


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(key, m) for key, msgs in exc.message_dict.items() for m in msgs]
    return [("", m) for m in exc.messages]


class AppointmentRows:
    """The rows of one appointments file, in order, inside the file's transaction. Enterprises,
    persons and region chains are looked up once per file and kept, so a file of tens of
    thousands of rows costs a few queries per row (its number, its overlaps, its writes)."""

    def __init__(self, file: LegacyFile, actor: User) -> None:
        self.file = file
        self.actor = actor
        self.today = clock.today()
        self.seen: dict[str, int] = {}  # filing number → the row that first gave it
        self.enterprises: dict[str, Enterprise | None] = {}
        self.persons: dict[str, Person | None] = {}
        self.chains: dict[str, tuple[Region, ...]] = {}
        self.migrated_numbers: set[str | None] | None = None
        self.ranks = Choices(enums.PositionRank.choices)
        self.reasons = Choices(enums.EndReason.choices)
        self.recorded = Recorded(actor, self.ranks, self.reasons)

    def __call__(self, number: int, cells: dict[str, Any]) -> RowResult:
        shown = {key: values.normalise(cell) for key, cell in cells.items()}
        errors: list[RowError] = []

        def bad(key: str, rule: str) -> None:
            errors.append(RowError(number, label(key), shown.get(key, ""), rule))

        read = self._read(cells, shown, bad)
        if errors or read is None:
            return RowResult(Outcome.ERROR, errors)
        uscc, idn, fields = read
        filing_number = fields["filing_number"]
        first = self.seen.get(filing_number)
        if first is not None:
            bad(
                "filing_number",
                _("文件中备案编号重复（与第%(row)d行相同），未导入") % {"row": first},
            )
            return RowResult(Outcome.CONFLICT, errors)
        self.seen[filing_number] = number
        parties = self._parties(uscc, idn, shown, bad)
        if parties is None:
            return RowResult(Outcome.ERROR, errors)
        outcome, enterprise, person = parties
        if outcome is not None:
            return RowResult(outcome, errors)
        authority = self._authority(enterprise, shown.get("authority", ""), bad)
        if errors:
            return RowResult(Outcome.ERROR, errors)
        terms = registry.MigratedAppointment(
            enterprise=enterprise, person=person, filing_authority=authority, **fields
        )
        existing = self._recorded(filing_number)
        if existing is not None:
            return self.recorded.compare(existing, terms, bad, errors)
        note = _("历史数据迁移：%(file)s 第%(row)d行") % {
            "file": self.file.file_name,
            "row": number,
        }
        try:
            appt = registry.appointment_migrate(actor=self.actor, terms=terms, origin_note=note)
        except registry.MigrationConflict as exc:
            for field, message in _messages(exc):
                bad(FIELD_COLUMNS.get(field, ""), message)
            return RowResult(Outcome.CONFLICT, errors)
        except ValidationError as exc:
            for field, message in _messages(exc):
                bad(FIELD_COLUMNS.get(field, ""), message)
            return RowResult(Outcome.ERROR, errors)
        return RowResult(Outcome.CREATED, target=("appointment", str(appt.public_id)))

    # Reading the cells ---------------------------------------------------------------------

    def _read(
        self, cells: dict[str, Any], shown: dict[str, str], bad: Any
    ) -> tuple[str, values.IdNumber, dict[str, Any]] | None:
        """The row's values as the service takes them, each bad cell reported; None when the
        row cannot go further."""
        uscc = values.digits_or_letters(cells.get("uscc"))
        if not uscc:
            bad("uscc", _("请填写统一社会信用代码"))
        else:
            try:
                uscc = validators.validate_uscc(uscc)
            except ValidationError as exc:
                bad("uscc", " ".join(exc.messages))
        idn: values.IdNumber | None = None
        try:
            idn = values.id_number(cells.get("id_number"), on=self.today)
        except values.LegacyValueError as exc:
            bad("id_number", str(exc))
        for key, message in (
            ("enterprise", _("请填写单位名称")),
            ("name", _("请填写姓名")),
            ("post", _("请填写聘任职务")),
        ):
            if not shown.get(key):
                bad(key, message)
        rank = self.ranks.read(shown.get("rank", ""))
        if not shown.get("rank"):
            bad("rank", _("请填写职级"))
        elif not rank:
            bad("rank", _("职级应填写：%(labels)s") % {"labels": self.ranks.listed()})
        reason = self.reasons.read(shown.get("end_reason", ""))
        if shown.get("end_reason") and not reason:
            bad(
                "end_reason",
                _("终止原因应填写：%(labels)s") % {"labels": self.reasons.listed()},
            )
        filing_number = values.digits_or_letters(cells.get("filing_number"))
        if not filing_number:
            bad("filing_number", _("请填写备案编号"))
        if len(shown.get("authority", "")) > AUTHORITY_MAX:
            bad("authority", _("备案机关名称不超过%(max)d个字符") % {"max": AUTHORITY_MAX})
        days: dict[str, dt.date | None] = {}
        for key in ("start_date", "term_end", "filed_on", "ended_on"):
            try:
                days[key] = values.legacy_date(cells.get(key))
            except values.LegacyValueError as exc:
                bad(key, str(exc))
        for key, message in (
            ("start_date", _("请填写聘任日期")),
            ("filed_on", _("请填写备案日期")),
        ):
            if key in days and days[key] is None:
                bad(key, message)
        start, filed = days.get("start_date"), days.get("filed_on")
        if idn is None or start is None or filed is None:
            return None
        fields = {
            "post": shown.get("post", ""),
            "rank": rank,
            "start_date": start,
            "term_end": days.get("term_end"),
            "filing_number": filing_number,
            "filed_on": filed,
            "ended_on": days.get("ended_on"),
            "end_reason": reason,
            "end_note": shown.get("end_note", ""),
        }
        return uscc, idn, fields

    # The enterprise, the person and the authority ------------------------------------------

    def _parties(
        self, uscc: str, idn: values.IdNumber, shown: dict[str, str], bad: Any
    ) -> tuple[Outcome | None, Enterprise, Person] | None:
        """The registered enterprise and person the row names. None when either is missing or
        out of scope (an error) or registered under another name (a conflict)."""
        if uscc not in self.enterprises:
            self.enterprises[uscc] = _one(Enterprise.objects.select_related("region"), uscc=uscc)
        enterprise = self.enterprises[uscc]
        if enterprise is None:
            bad(
                "uscc",
                _(
                    "该统一社会信用代码的企业尚未在平台登记，请先迁移企业数据（导入企业名录"
                    "或登记企业），再迁移其聘任备案"
                ),
            )
            return None
        if not self.actor.is_platform_admin and not access.region_contains(
            self.actor, enterprise.region
        ):
            bad("uscc", _("企业不在您的辖区内，未导入"))
            return None
        key = crypto.keyed_hash(idn.number)
        if key not in self.persons:
            self.persons[key] = _one(Person.objects.all(), id_number_hash=key)
        person = self.persons[key]
        if person is None:
            bad(
                "id_number",
                _("该身份证号的人员尚未在平台登记，请先迁移人员数据，再迁移其聘任备案"),
            )
            return None
        conflict = False
        if enterprise.name != shown["enterprise"]:
            bad(
                "enterprise",
                _(
                    "该统一社会信用代码已登记，单位名称为“%(registered)s”，与本行“%(row)s”不一致，未导入"
                )
                % {"registered": enterprise.name, "row": shown["enterprise"]},
            )
            conflict = True
        if person.name != shown["name"]:
            visible = Person.objects.filter(access.person_q(self.actor), pk=person.pk).exists()
            if visible:
                bad(
                    "name",
                    _("该身份证号已登记，姓名为“%(registered)s”，与本行“%(row)s”不一致，未导入")
                    % {"registered": person.name, "row": shown["name"]},
                )
            else:
                bad("name", _("该身份证号已在辖区外登记，姓名与本行不一致，未导入"))
            conflict = True
        return (Outcome.CONFLICT if conflict else None), enterprise, person

    def _recorded(self, filing_number: str) -> Appointment | None:
        """The filing recorded under the number, if any. Only a migrated filing can hold a
        historic number (the platform's own are of a shape the migration refuses), so the
        migrated numbers are read once per file and a new number costs no query."""
        if self.migrated_numbers is None:
            self.migrated_numbers = set(
                Appointment.objects.filter(migrated=True)
                .order_by()
                .values_list("filing_number", flat=True)
            )
        if filing_number not in self.migrated_numbers:
            return None
        return _one(
            Appointment.objects.select_related("enterprise__region", "person"),
            filing_number=filing_number,
        )

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

    def _authority(self, enterprise: Enterprise, text: str, bad: Any) -> Region | None:
        """The region of the bureau the row names: one of the enterprise's region and those
        above it, named as 雁塔区市场监督管理局, 西安市雁塔区市场监督管理局 or
        陕西省质量技术监督局. None for an empty cell (the service then takes the enterprise's
        own region, as the live workflow files by default)."""
        text = text.replace(" ", "")
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
        bad(
            "authority",
            _("备案机关应为企业所在地的县、市或省级市场监督管理部门，如：%(names)s")
            % {"names": names},
        )
        return None
