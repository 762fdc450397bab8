"""The training-certificates kind (培训合格证): certificates a province printed before the
platform, one a row, each for a person already registered.

The certificate number is the natural key: a number already recorded with the same content
(holder, tier, issuer, dates) is left as it is (``unchanged``); with other content it is a
conflict reported with both values, never overwritten; a number the file repeats is a conflict
on its later rows. The holder is found by the keyed hash of the ID number and must be in the
user's scope; a holder the platform does not know yet is an error (migrate the persons first),
one registered under another name a conflict. The tier is read by its name in the pack governing
the holder's region; the training app's ``certificates_migrate`` checks and writes the rest.

A row's cells are read on its own; everything that asks the registry is done a batch of rows at
a time (an archive holds tens of thousands): the holders by the keyed hashes of their ID numbers,
the numbers already recorded, the service's checks and the writing.
"""

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
from cqo.imports.legacy.kinds import (
    ID_NUMBER_ALIASES,
    KindSpec,
    LegacyColumn,
    Outcome,
    RowResult,
    messages_of,
)
from cqo.imports.legacy.models import LegacyFile
from cqo.imports.rules import RowError
from cqo.lib import clock, crypto
from cqo.policy.selectors import Governing
from cqo.reference.models import Region
from cqo.registry.models import Person
from cqo.training import selectors as training
from cqo.training import services as training_services
from cqo.training.models import TrainingCertificate
from cqo.training.services import MigratedCertificate

# rows checked against the registry and written at once
BATCH = 2000
# what the checks, the comparison and the certificate read of a holder
HOLDER_FIELDS = ("pk", "public_id", "name", "region_id", "id_number_hash")

COLUMNS: tuple[LegacyColumn, ...] = (
    LegacyColumn(
        "number",
        gettext_lazy("证书编号"),
        required=True,
        aliases=("合格证编号", "培训合格证编号", "证书号", "证号"),
        help=gettext_lazy(
            "证书上印的编号，4–32位字母、数字或连字符（空格忽略，字母不分大小写，全角可识别）。"
            "以证书编号识别证书：已迁移且内容相同的视为未变化，内容不同的作为冲突列出，不会覆盖。"
        ),
    ),
    LegacyColumn(
        "name",
        gettext_lazy("姓名"),
        required=True,
        aliases=("持证人", "持证人姓名", "学员姓名"),
        help=gettext_lazy("持证人姓名，须与平台已登记的该身份证号人员姓名一致。"),
    ),
    LegacyColumn(
        "id_number",
        gettext_lazy("身份证号"),
        required=True,
        aliases=ID_NUMBER_ALIASES,
        help=gettext_lazy(
            "持证人的18位居民身份证号码（15位号码自动转换）。持证人须已在平台登记："
            "尚未登记的，请先迁移人员数据。"
        ),
    ),
    LegacyColumn(
        "tier",
        gettext_lazy("培训层级"),
        required=True,
        aliases=("培训类别", "培训级别", "培训类型"),
        help=gettext_lazy(
            "按持证人所在地适用的政策文件填写培训层级名称，如“高级培训”“提升培训”"
            "“基础培训”（引号可有可无）；不属于文件所列层级的填“其他”。"
        ),
    ),
    LegacyColumn(
        "issuer",
        gettext_lazy("发证机构"),
        required=True,
        aliases=("颁发机构", "发证单位", "颁发单位"),
        help=gettext_lazy("证书上印的颁发机构名称，不超过200个字符。"),
    ),
    LegacyColumn(
        "issued_on",
        gettext_lazy("发证日期"),
        required=True,
        aliases=("颁发日期", "发证时间"),
        help=gettext_lazy(
            "可写作2019年3月5日、2019-03-05、2019/03/05、2019.3.5或20190305，或Excel日期；"
            "不早于2012年，不晚于今天。"
        ),
    ),
    LegacyColumn(
        "valid_until",
        gettext_lazy("有效期至"),
        aliases=("有效期", "有效期截止日期", "有效截止日期"),
        help=gettext_lazy(
            "证书上印有有效期的填写截止日期，写法同发证日期；可不填。现行政策文件未规定"
            "培训合格证的有效期，不填即不限。"
        ),
    ),
)
LABELS = {c.key: c.label for c in COLUMNS}
# the service's fields, by the column a user reads them in
FIELD_COLUMNS = {
    "number": "number",
    "holder": "name",
    "tier": "tier",
    "issuer_name": "issuer",
    "issued_on": "issued_on",
    "valid_until": "valid_until",
}


def _label(key: str) -> str:
    return str(LABELS[key]) if key in LABELS else ""


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


@dataclass
class _Row:
    """A row read on its own; finished (``result``) or waiting for its batch."""

    number: int
    shown: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    result: RowResult | None = None
    cert_number: str = ""
    id_hash: str = ""
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None

    def bad(self, key: str, rule: str) -> None:
        self.errors.append(RowError(self.number, _label(key), self.shown.get(key, ""), rule))

    def finish(self, outcome: Outcome, target: tuple[str, str] | None = None) -> None:
        self.result = RowResult(outcome, self.errors, target)


class CertificateRows:
    """The rows of one training-certificates file, in order, inside the file's transaction."""

    def __init__(self, file: LegacyFile, actor: User) -> None:
        self.file = file
        self.actor = actor
        self.today = clock.today()
        self.admin = actor.is_platform_admin
        self.pending: list[_Row] = []
        self.seen: dict[str, int] = {}  # certificate number → the row that first gave it
        self.packs: dict[str, Governing] = {}  # region code → the pack governing it
        self.in_scope: dict[str, bool] = {}  # region code → in the actor's scope
        self.regions: dict[str, Region] = {}
        self.tiers: dict[tuple[str, str], str | None] = {}  # (region code, name) → tier code

    def add(self, number: int, cells: dict[str, Any]) -> list[tuple[int, RowResult]]:
        row = _Row(number, {key: values.normalise(cell) for key, cell in cells.items()})
        self._read(row, cells)
        self.pending.append(row)
        if len(self.pending) >= BATCH:
            return self._flush()
        return []

    def finish(self) -> list[tuple[int, RowResult]]:
        return self._flush()

    # --- one row on its own -----------------------------------------------------------------

    def _read(self, row: _Row, cells: dict[str, Any]) -> None:
        row.cert_number = values.digits_or_letters(cells.get("number"))
        if not row.cert_number:
            row.bad("number", _("请填写证书编号"))
        idn: values.IdNumber | None = None
        try:
            idn = values.id_number(cells.get("id_number"), on=self.today)
        except values.LegacyValueError as exc:
            row.bad("id_number", str(exc))
        # (the messages looked up only when wanted: a file has tens of thousands of rows)
        if not row.shown.get("name"):
            row.bad("name", _("请填写姓名"))
        if not row.shown.get("tier"):
            row.bad("tier", _("请填写培训层级"))
        if not row.shown.get("issuer"):
            row.bad("issuer", _("请填写发证机构"))
        dates: dict[str, dt.date | None] = {}
        for key in ("issued_on", "valid_until"):
            try:
                dates[key] = values.legacy_date(cells.get(key))
            except values.LegacyValueError as exc:
                row.bad(key, str(exc))
        if "issued_on" in dates and dates["issued_on"] is None:
            row.bad("issued_on", _("请填写发证日期"))
        if row.errors or idn is None:
            row.finish(Outcome.ERROR)
            return
        first = self.seen.get(row.cert_number)
        if first is not None:
            row.bad("number", _("文件中证书编号重复（与第%(row)d行相同），未导入") % {"row": first})
            row.finish(Outcome.CONFLICT)
            return
        self.seen[row.cert_number] = row.number
        row.id_hash = crypto.keyed_hash(idn.number)
        row.issued_on = dates["issued_on"]
        row.valid_until = dates.get("valid_until")

    # --- a batch against the registry --------------------------------------------------------

    def _flush(self) -> list[tuple[int, RowResult]]:
        rows, self.pending = self.pending, []
        waiting = [r for r in rows if r.result is None]
        holders = self._holders({r.id_hash for r in waiting})
        placed = []
        for row in waiting:
            found = self._holder(row, holders)
            if found is not None:
                placed.append((row, *found))
        # the packs governing the holders' regions: those not read yet, read together
        fresh = {region.code: region for _r, _h, region in placed if region.code not in self.packs}
        if fresh:
            self.packs.update(training.governing_by_region(fresh.values()))
        checked = []
        for row, holder, region in placed:
            terms = self._terms(row, holder, region)
            if terms is not None:
                checked.append((row, terms))
        existing = {
            c.number: c
            for c in TrainingCertificate.objects.filter(number__in=[t.number for _r, t in checked])
        }
        self._compare_all([(r, t, existing[t.number]) for r, t in checked if t.number in existing])
        self._create([(r, t) for r, t in checked if t.number not in existing])
        out: list[tuple[int, RowResult]] = []
        for row in rows:
            assert row.result is not None  # noqa: S101 — each step above finishes the rows it takes
            out.append((row.number, row.result))
        return out

    def _holders(self, hashes: set[str]) -> dict[str, Person]:
        """The batch's holders by the keyed hashes of their ID numbers, each with its region
        (read once per file: an archive's holders live in a province's hundred counties)."""
        found = {
            p.id_number_hash: p
            for p in Person.objects.filter(id_number_hash__in=hashes).only(*HOLDER_FIELDS)
        }
        codes = {p.region_id for p in found.values() if p.region_id is not None}
        if missing := codes - self.regions.keys():
            self.regions.update(Region.objects.in_bulk(missing))
        for person in found.values():
            if person.region_id is not None:
                person.region = self.regions[person.region_id]
        return found

    def _holder(self, row: _Row, holders: dict[str, Person]) -> tuple[Person, Region] | None:
        """The row's holder (registered, in scope, of the row's name) and its region; None (the
        row finished) when the holder is wrong."""
        holder = holders.get(row.id_hash)
        if holder is None:
            row.bad(
                "id_number",
                _("该身份证号的人员尚未在平台登记，请先迁移人员数据，再迁移其培训合格证"),
            )
            row.finish(Outcome.ERROR)
            return None
        if not self._in_scope(holder):
            row.bad("id_number", _("持证人不在您的辖区内，未导入"))
            row.finish(Outcome.ERROR)
            return None
        if holder.name != row.shown["name"]:
            row.bad(
                "name",
                _("该身份证号已登记，姓名为“%(registered)s”，与本行“%(row)s”不一致，未导入")
                % {"registered": holder.name, "row": row.shown["name"]},
            )
            row.finish(Outcome.CONFLICT)
            return None
        if holder.region is None:  # only an admin gets here: a regulator's scope needs one
            row.bad("id_number", _("持证人未登记行政区划，无法确定适用的培训层级，请先补全"))
            row.finish(Outcome.ERROR)
            return None
        return holder, holder.region

    def _terms(self, row: _Row, holder: Person, region: Region) -> MigratedCertificate | None:
        """The row's certificate, its tier read by its name in the pack governing the holder's
        region; None (the row finished) when the pack names no such tier."""
        gov = self.packs[region.code]
        key = (region.code, row.shown["tier"])
        if key not in self.tiers:
            self.tiers[key] = training.tier_by_name(gov, row.shown["tier"])
        tier = self.tiers[key]
        if tier is None:
            names = [t.name for t in training.pack_tiers(gov.rules)] + [_("其他")]
            row.bad(
                "tier",
                _("%(pack)s未规定该培训层级；应填写：%(names)s")
                % {"pack": gov.label, "names": "、".join(names)},
            )
            row.finish(Outcome.ERROR)
            return None
        return MigratedCertificate(
            number=row.cert_number,
            holder=holder,
            tier=tier,
            issuer_name=row.shown["issuer"],
            issued_on=row.issued_on or self.today,  # a row without one has an error
            valid_until=row.valid_until,
        )

    def _in_scope(self, holder: Person) -> bool:
        if self.admin:
            return True
        region = holder.region
        if region is None:
            return False
        if region.code not in self.in_scope:
            self.in_scope[region.code] = access.region_contains(self.actor, region)
        return self.in_scope[region.code]

    def _create(self, rows: list[tuple[_Row, MigratedCertificate]]) -> None:
        """Write the batch's new certificates together. When the service refuses some, those
        are reported in its words and the others written together."""
        note = _("历史数据迁移：%(file)s 第%(row)d行")
        name = self.file.file_name
        todo = [(row, terms, note % {"file": name, "row": row.number}) for row, terms in rows]
        if self._write(todo):
            return
        problems = training_services.migrated_certificate_problems(
            actor=self.actor, terms=[terms for _row, terms, _note in todo]
        )
        kept = []
        for item, found in zip(todo, problems, strict=True):
            if found:
                self._refused(item[0], [(key, m) for key, msgs in found.items() for m in msgs])
            else:
                kept.append(item)
        if self._write(kept):
            return
        # another migration recorded one of the numbers since: each row on its own
        for row, terms, origin in kept:
            try:
                cert = training_services.certificate_migrate(
                    actor=self.actor, terms=terms, origin_note=origin
                )
            except ValidationError as exc:
                self._refused(row, messages_of(exc))
            else:
                row.finish(Outcome.CREATED, (training.CERTIFICATE, str(cert.public_id)))

    def _write(self, todo: list[tuple[_Row, MigratedCertificate, str]]) -> bool:
        """Write them all, or (the service refusing one) none."""
        try:
            certs = training_services.certificates_migrate(
                actor=self.actor, items=[(terms, note) for _row, terms, note in todo]
            )
        except ValidationError:
            return False
        for (row, _terms, _note), cert in zip(todo, certs, strict=True):
            row.finish(Outcome.CREATED, (training.CERTIFICATE, str(cert.public_id)))
        return True

    def _refused(self, row: _Row, messages: list[tuple[str, str]]) -> None:
        for key, message in messages:
            row.bad(FIELD_COLUMNS.get(key, ""), message)
        row.finish(Outcome.ERROR)

    def _compare_all(
        self, recorded: list[tuple[_Row, MigratedCertificate, TrainingCertificate]]
    ) -> None:
        # the names of the holders of numbers the rows give to someone else, those in scope
        others = {c.holder_id for _r, t, c in recorded if c.holder_id != t.holder.pk}
        visible: dict[int, str] = {}
        if others:
            visible = dict(
                Person.objects.filter(access.person_q(self.actor), pk__in=others).values_list(
                    "pk", "name"
                )
            )
        for row, terms, existing in recorded:
            self._compare(row, terms, existing, visible)

    def _compare(
        self,
        row: _Row,
        terms: MigratedCertificate,
        existing: TrainingCertificate,
        visible: dict[int, str],
    ) -> None:
        """The number is recorded: the same holder, tier, issuer and dates are the same
        certificate (left as it is); anything else is a conflict naming both values, never
        overwritten. The recorded holder's name is shown only when in the user's scope."""
        if existing.holder_id != terms.holder.pk:
            holder = visible.get(existing.holder_id) or _("辖区外人员")
            row.bad(
                "number",
                _("该证书编号已登记，持证人为“%(holder)s”，与本行不一致，未覆盖")
                % {"holder": holder},
            )
        if existing.tier != terms.tier:
            row.bad(
                "tier",
                _("该证书编号已登记，培训层级为“%(recorded)s”，与本行不一致，未覆盖")
                % {"recorded": existing.content.get("tier_name") or existing.get_tier_display()},
            )
        if existing.issuer_name != terms.issuer_name:
            row.bad(
                "issuer",
                _("该证书编号已登记，发证机构为“%(recorded)s”，与本行不一致，未覆盖")
                % {"recorded": existing.issuer_name},
            )
        for key, recorded, now in (
            ("issued_on", existing.issued_on, terms.issued_on),
            ("valid_until", existing.valid_until, terms.valid_until),
        ):
            if recorded != now:
                row.bad(
                    key,
                    _("该证书编号已登记，%(column)s为%(recorded)s，与本行%(row)s不一致，未覆盖")
                    % {"column": _label(key), "recorded": _date(recorded), "row": _date(now)},
                )
        row.finish(Outcome.CONFLICT if row.errors else Outcome.UNCHANGED)


def _rows(file: LegacyFile, actor: User) -> CertificateRows:
    return CertificateRows(file, actor)


SPEC = KindSpec(
    sheet=gettext_lazy("培训合格证"),
    columns=COLUMNS,
    example=(
        "SXZLPX-2019-0012",
        "李堃",
        "610113198006150032",
        "高级培训",
        "陕西省质量技术培训中心",
        "2019-11-20",
        "",
    ),
    rows=_rows,
)

__all__ = ["COLUMNS", "SPEC", "CertificateRows"]
