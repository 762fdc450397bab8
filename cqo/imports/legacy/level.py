"""The level-certificates kind (能力水平证书): certificates of capability level a province's
certification bodies printed before the platform, one a row, each for a person already
registered.

The certificate number is the natural key: a number already recorded with the same content
(holder, level, body, organisation, dates, status) is left as it is (``unchanged``); with other
content it is a conflict reported with both values, never overwritten; a number the file
repeats is a conflict on its later rows. The holder is found by the keyed hash of the ID number
and must be in the user's scope; a holder the platform does not know yet is an error (migrate
the persons first), one registered under another name a conflict. The level is read by the names
the level standard gives it, the body linked to a registered certification body of the printed
name; the certification app's ``level_certificates_migrate`` checks and writes the rest.

A file of thousands of rows runs in one transaction. A row's cells are read on its own; the
registered bodies and their standards are read once per file; everything else that asks the
registry is done a batch of rows at a time: the holders by the keyed hashes of their ID numbers,
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
from cqo.certification import rules as level_rules
from cqo.certification import selectors as certification
from cqo.certification import services as certification_services
from cqo.certification.models import CertificationBody, LevelCertificate
from cqo.certification.services import MigratedLevelCertificate
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
from cqo.policy.models import PackVersion
from cqo.reference.models import Region
from cqo.registry.models import Person

S = LevelCertificate.Status
# rows checked against the registry and written at once
BATCH = 2000
# what the checks, the comparison and the certificate read of a holder
HOLDER_FIELDS = ("pk", "public_id", "name", "region_id", "id_number_hash")
EXPIRED = "expired"  # shown, not stored: a valid certificate past its date (rules.shown_status)
# The statuses by the names the platform shows them (level-standard §11 暂停、中止、收回、作废;
# SPEC §6) and what older systems wrote for them. "已注销" and "已撤销" are not read: either may
# mean 收回 or 作废, and the difference matters to the holder (§11), so it is not guessed.
STATUS_FORMS = {
    **{str(label): value for value, label in S.choices},
    "正常": S.VALID,
    "已暂停": S.SUSPENDED,
    "暂停使用": S.SUSPENDED,
    "已中止": S.DISCONTINUED,
    "中止使用": S.DISCONTINUED,
    "已收回": S.WITHDRAWN,
    "已作废": S.VOID,
    "声明作废": S.VOID,
    "已替代": S.SUPERSEDED,
    "已换发": S.SUPERSEDED,
    "已过期": EXPIRED,
    "过期": EXPIRED,
}
STATUS_NAMES = "有效、暂停、中止、收回、作废、已被替代、已过期"

COLUMNS: tuple[LegacyColumn, ...] = (
    LegacyColumn(
        "number",
        gettext_lazy("证书编号"),
        required=True,
        aliases=("认定证书编号", "证书号", "证号"),
        help=gettext_lazy(
            "证书上印的编号，4–40位字母、数字或连字符（空格忽略，字母不分大小写，全角可识别）。"
            "以证书编号识别证书：已迁移且内容相同的视为未变化，内容不同的作为冲突列出，不会覆盖。"
        ),
    ),
    LegacyColumn(
        "name",
        gettext_lazy("姓名"),
        required=True,
        aliases=("持证人", "持证人姓名", "申请人姓名"),
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
        "level",
        gettext_lazy("能力水平等级"),
        required=True,
        aliases=("认定等级", "能力等级", "等级"),
        help=gettext_lazy(
            "按《首席质量官能力水平认定》填写 AAA、AAAA 或 AAAAA（也可写作 3A、4A、5A，"
            "可带“级”字）。"
        ),
    ),
    LegacyColumn(
        "body",
        gettext_lazy("认定机构"),
        required=True,
        aliases=("认定主体", "认定单位", "发证机构", "颁发机构"),
        help=gettext_lazy(
            "证书上印的认定机构名称，不超过200个字符。与平台已登记的认定主体名称相同的，"
            "证书归该认定主体监督管理；否则按所填名称保存。"
        ),
    ),
    LegacyColumn(
        "organisation",
        gettext_lazy("所在组织"),
        aliases=("所在单位", "工作单位", "所在企业"),
        help=gettext_lazy("证书上印的持证人所在组织名称，不超过200个字符；可不填。"),
    ),
    LegacyColumn(
        "issued_on",
        gettext_lazy("发证日期"),
        required=True,
        aliases=("认定日期", "颁发日期", "发证时间"),
        help=gettext_lazy(
            "可写作2019年3月5日、2019-03-05、2019/03/05、2019.3.5或20190305，或Excel日期；"
            "不早于2012年，不晚于今天。继续教育自发证日期所在年度起计算。"
        ),
    ),
    LegacyColumn(
        "valid_until",
        gettext_lazy("有效期至"),
        required=True,
        aliases=("有效期", "有效期截止日期", "有效截止日期", "证书有效期至"),
        help=gettext_lazy("证书有效期的截止日期，写法同发证日期，须晚于发证日期。"),
    ),
    LegacyColumn(
        "status",
        gettext_lazy("证书状态"),
        aliases=("状态",),
        help=gettext_lazy(
            "填写：有效、暂停、中止、收回、作废、已被替代或已过期；不填按有效计（有效期已过的"
            "显示为已过期）。“已注销”“已撤销”无法区分收回或作废，请写明。"
        ),
    ),
    LegacyColumn(
        "status_changed_on",
        gettext_lazy("状态变更日期"),
        aliases=("变更日期",),
        help=gettext_lazy(
            "证书被暂停、中止、收回、作废或替代的日期，写法同发证日期；状态为有效或已过期的不填。"
        ),
    ),
    LegacyColumn(
        "status_reason",
        gettext_lazy("状态说明"),
        aliases=("状态变更原因", "变更原因"),
        help=gettext_lazy("证书被暂停、中止、收回、作废或替代的原因；状态为有效或已过期的不填。"),
    ),
)
LABELS = {c.key: c.label for c in COLUMNS}
# the service's fields, by the column a user reads them in
FIELD_COLUMNS = {
    "number": "number",
    "holder": "id_number",
    "level": "level",
    "body_name": "body",
    "standard": "body",
    "organisation": "organisation",
    "issued_on": "issued_on",
    "valid_until": "valid_until",
    "status": "status",
    "status_changed_on": "status_changed_on",
    "status_reason": "status_reason",
}
DATES = ("issued_on", "valid_until", "status_changed_on")


def _label(key: str) -> str:
    return str(LABELS[key]) if key in LABELS else ""


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def _status_name(status: str) -> str:
    return str(S(status).label)


@dataclass
class _Row:
    """A row read on its own; finished (``result``) or waiting for its batch."""

    number: int
    shown: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    result: RowResult | None = None
    cert_number: str = ""
    id_hash: str = ""
    level: str = ""
    status: str = ""
    dates: dict[str, dt.date | None] = field(default_factory=dict)

    def bad(self, key: str, rule: str) -> None:
        self.errors.append(RowError(self.number, _label(key), self.shown.get(key, ""), rule))

    def finish(self, outcome: Outcome, target: tuple[str, str] | None = None) -> None:
        self.result = RowResult(outcome, self.errors, target)


class CertificateRows:
    """The rows of one level-certificates file, in order, inside the file's transaction."""

    def __init__(self, file: LegacyFile, actor: User) -> None:
        self.file = file
        self.actor = actor
        self.today = clock.today()
        self.admin = actor.is_platform_admin
        self.pending: list[_Row] = []
        self.seen: dict[str, int] = {}  # certificate number → the row that first gave it
        self.bodies = certification.bodies_by_name()
        self.standards: dict[int | None, PackVersion] = {}  # body id → its standard today
        self.regions: dict[str, Region] = {}
        self.in_scope: dict[str, bool] = {}  # region code → in the actor's scope

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
        shown = row.shown
        row.cert_number = values.digits_or_letters(cells.get("number"))
        if not row.cert_number:
            row.bad("number", _("请填写证书编号"))
        idn: values.IdNumber | None = None
        try:
            idn = values.id_number(cells.get("id_number"), on=self.today)
        except values.LegacyValueError as exc:
            row.bad("id_number", str(exc))
        # (the messages looked up only when wanted: a file has thousands of rows)
        if not shown.get("name"):
            row.bad("name", _("请填写姓名"))
        if not shown.get("body"):
            row.bad("body", _("请填写认定机构"))
        level = self._level(row, shown.get("level", ""))
        status = self._status(row, shown.get("status", ""))
        dates = row.dates
        for key in DATES:
            try:
                dates[key] = values.legacy_date(cells.get(key))
            except values.LegacyValueError as exc:
                row.bad(key, str(exc))
        if "issued_on" in dates and dates["issued_on"] is None:
            row.bad("issued_on", _("请填写发证日期"))
        if "valid_until" in dates and dates["valid_until"] is None:
            row.bad("valid_until", _("请填写有效期至"))
        until = dates.get("valid_until")
        if status == EXPIRED and until is not None and until >= self.today:
            row.bad("status", _("证书状态为已过期，但有效期至尚未到期，请核对"))
        if row.errors or idn is None or level is None or status is None:
            row.finish(Outcome.ERROR)
            return
        first = self.seen.get(row.cert_number)
        if first is not None:
            row.bad("number", _("文件中证书编号重复（与第%(row)d行相同），未导入") % {"row": first})
            row.finish(Outcome.CONFLICT)
            return
        self.seen[row.cert_number] = row.number
        row.id_hash = crypto.keyed_hash(idn.number)
        row.level = level
        row.status = S.VALID if status == EXPIRED else status

    def _level(self, row: _Row, text: str) -> str | None:
        if not text:
            row.bad("level", _("请填写能力水平等级"))
            return None
        level = level_rules.level_by_name(text)
        if level is None:
            row.bad("level", _("能力水平等级应填写：AAA、AAAA 或 AAAAA（也可写作 3A、4A、5A）"))
        return level

    def _status(self, row: _Row, text: str) -> str | None:
        if not text:
            return S.VALID  # level-standard §9.4.1.1 e): in force until its date, then expired
        status = STATUS_FORMS.get("".join(text.split()))
        if status is None:
            row.bad("status", _("证书状态应填写：%(names)s") % {"names": STATUS_NAMES})
        return status

    # --- a batch against the registry --------------------------------------------------------

    def _flush(self) -> list[tuple[int, RowResult]]:
        rows, self.pending = self.pending, []
        waiting = [r for r in rows if r.result is None]
        holders = self._holders({r.id_hash for r in waiting})
        checked: list[tuple[_Row, MigratedLevelCertificate]] = []
        for row in waiting:
            terms = self._terms(row, holders.get(row.id_hash))
            if terms is not None:
                checked.append((row, terms))
        existing = {
            c.number: c
            for c in LevelCertificate.objects.filter(
                number__in=[t.number for _r, t in checked]
            ).select_related("body", "enterprise")
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

    def _terms(self, row: _Row, holder: Person | None) -> MigratedLevelCertificate | None:
        """The row's certificate, its holder registered, in scope and of the row's name; None
        (the row finished) when the holder is wrong."""
        shown = row.shown
        if holder is None:
            row.bad(
                "id_number",
                _("该身份证号的人员尚未在平台登记，请先迁移人员数据，再迁移其能力水平证书"),
            )
            row.finish(Outcome.ERROR)
            return None
        if not self._in_scope(holder):
            row.bad("id_number", _("持证人不在您的辖区内，未导入"))
            row.finish(Outcome.ERROR)
            return None
        if holder.name != shown["name"]:
            row.bad(
                "name",
                _("该身份证号已登记，姓名为“%(registered)s”，与本行“%(row)s”不一致，未导入")
                % {"registered": holder.name, "row": shown["name"]},
            )
            row.finish(Outcome.CONFLICT)
            return None
        body = self.bodies.get(certification.body_key(shown["body"]))
        dates = row.dates
        return MigratedLevelCertificate(
            number=row.cert_number,
            holder=holder,
            level=row.level,
            body_name=shown["body"],
            body=body,
            standard=self._standard(body),
            organisation=shown.get("organisation", ""),
            issued_on=dates["issued_on"] or self.today,  # a row without one has an error
            valid_until=dates["valid_until"] or self.today,
            status=row.status,
            status_changed_on=dates.get("status_changed_on"),
            status_reason=shown.get("status_reason", ""),
        )

    def _standard(self, body: CertificationBody | None) -> PackVersion:
        key = body.pk if body else None
        if key not in self.standards:
            self.standards[key] = certification.migration_standard(body)
        return self.standards[key]

    def _in_scope(self, holder: Person) -> bool:
        if self.admin:
            return True
        region = holder.region
        if region is None:
            return False
        if region.code not in self.in_scope:
            self.in_scope[region.code] = access.region_contains(self.actor, region)
        return self.in_scope[region.code]

    def _create(self, rows: list[tuple[_Row, MigratedLevelCertificate]]) -> None:
        """Write the batch's new certificates together. When the service refuses some, those
        are reported in its words and the others written together."""
        note = _("历史数据迁移：%(file)s 第%(row)d行")
        name = self.file.file_name
        todo = [(row, terms, note % {"file": name, "row": row.number}) for row, terms in rows]
        if self._write(todo):
            return
        problems = certification_services.migrated_level_certificate_problems(
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
                cert = certification_services.level_certificate_migrate(
                    actor=self.actor, terms=terms, origin_note=origin
                )
            except ValidationError as exc:
                self._refused(row, messages_of(exc))
            else:
                row.finish(Outcome.CREATED, (certification.CERTIFICATE, str(cert.public_id)))

    def _write(self, todo: list[tuple[_Row, MigratedLevelCertificate, str]]) -> bool:
        """Write them all, or (the service refusing one) none."""
        try:
            certs = certification_services.level_certificates_migrate(
                actor=self.actor, items=[(terms, note) for _row, terms, note in todo]
            )
        except ValidationError:
            return False
        for (row, _terms, _note), cert in zip(todo, certs, strict=True):
            row.finish(Outcome.CREATED, (certification.CERTIFICATE, str(cert.public_id)))
        return True

    def _refused(self, row: _Row, messages: list[tuple[str, str]]) -> None:
        for key, message in messages:
            row.bad(FIELD_COLUMNS.get(key, ""), message)
        row.finish(Outcome.ERROR)

    def _compare_all(
        self, recorded: list[tuple[_Row, MigratedLevelCertificate, LevelCertificate]]
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
        terms: MigratedLevelCertificate,
        existing: LevelCertificate,
        visible: dict[int, str],
    ) -> None:
        """The number is recorded: the same holder, level, body, organisation, dates and status
        are the same certificate (left as it is); anything else is a conflict naming both
        values, never overwritten. The recorded holder's name is shown only when in the user's
        scope."""
        if existing.holder_id != terms.holder.pk:
            holder = visible.get(existing.holder_id) or _("辖区外人员")
            row.bad(
                "number",
                _("该证书编号已登记，持证人为“%(holder)s”，与本行不一致，未覆盖")
                % {"holder": holder},
            )
        recorded_texts = (
            ("level", existing.level, terms.level),
            ("body", existing.body_name, terms.body_name),
            ("organisation", existing.organisation_name, terms.organisation),
            ("status", _status_name(existing.status), _status_name(terms.status)),
            ("status_reason", existing.status_reason, terms.status_reason),
        )
        for key, recorded, now in recorded_texts:
            if recorded != now:
                row.bad(
                    key,
                    _("该证书编号已登记，%(column)s为“%(recorded)s”，与本行不一致，未覆盖")
                    % {"column": _label(key), "recorded": recorded or "—"},
                )
        recorded_dates = (
            ("issued_on", existing.issued_on, terms.issued_on),
            ("valid_until", existing.valid_until, terms.valid_until),
            ("status_changed_on", existing.status_changed_on, terms.status_changed_on),
        )
        for key, recorded_day, row_day in recorded_dates:
            if recorded_day != row_day:
                row.bad(
                    key,
                    _("该证书编号已登记，%(column)s为%(recorded)s，与本行%(row)s不一致，未覆盖")
                    % {
                        "column": _label(key),
                        "recorded": _date(recorded_day),
                        "row": _date(row_day),
                    },
                )
        row.finish(Outcome.CONFLICT if row.errors else Outcome.UNCHANGED)


def _rows(file: LegacyFile, actor: User) -> CertificateRows:
    return CertificateRows(file, actor)


SPEC = KindSpec(
    sheet=gettext_lazy("能力水平证书"),
    columns=COLUMNS,
    example=(
        "SXNL-2021-0008",
        "李堃",
        "610113198006150032",
        "AAAA",
        "陕西省质量协会",
        "西安示例精密制造有限公司",
        "2021-09-15",
        "2024-09-14",
        "有效",
        "",
        "",
    ),
    rows=_rows,
)

__all__ = ["COLUMNS", "SPEC", "CertificateRows"]
