"""The training-certificates kind (培训合格证): certificates a province printed before the
platform, one a row, each for a person already registered.

The certificate number is the natural key: a number already recorded with the same content
(holder, tier, issuer, dates) is left as it is (``unchanged``); with other content it is a
conflict reported with both values, never overwritten; a number the file repeats is a conflict
on its later rows. The holder is found by the keyed hash of the ID number and must be in the
user's scope; a holder the platform does not know yet is an error (migrate the persons first),
one registered under another name a conflict. The tier is read by its name in the pack governing
the holder's region; the training app's ``certificate_migrate`` checks and writes the rest.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.imports.legacy import values
from cqo.imports.legacy.kinds import ID_NUMBER_ALIASES, KindSpec, LegacyColumn, Outcome, RowResult
from cqo.imports.legacy.models import LegacyFile
from cqo.imports.rules import RowError
from cqo.lib import clock, crypto
from cqo.registry.models import Person
from cqo.training import selectors as training
from cqo.training import services as training_services
from cqo.training.models import TrainingCertificate

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


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(key, m) for key, msgs in exc.message_dict.items() for m in msgs]
    return [("", m) for m in exc.messages]


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


class CertificateRows:
    """The rows of one training-certificates file, in order, inside the file's transaction."""

    def __init__(self, file: LegacyFile, actor: User) -> None:
        self.file = file
        self.actor = actor
        self.today = clock.today()
        self.seen: dict[str, int] = {}  # certificate number → the row that first gave it

    def __call__(self, number: int, cells: dict[str, Any]) -> RowResult:
        shown = {key: values.normalise(cell) for key, cell in cells.items()}
        errors: list[RowError] = []

        def bad(key: str, rule: str) -> None:
            errors.append(RowError(number, _label(key), shown.get(key, ""), rule))

        cert_number = values.digits_or_letters(cells.get("number"))
        if not cert_number:
            bad("number", _("请填写证书编号"))
        idn: values.IdNumber | None = None
        try:
            idn = values.id_number(cells.get("id_number"), on=self.today)
        except values.LegacyValueError as exc:
            bad("id_number", str(exc))
        for key, message in (
            ("name", _("请填写姓名")),
            ("tier", _("请填写培训层级")),
            ("issuer", _("请填写发证机构")),
        ):
            if not shown.get(key):
                bad(key, message)
        dates: dict[str, dt.date | None] = {}
        for key in ("issued_on", "valid_until"):
            try:
                dates[key] = values.legacy_date(cells.get(key))
            except values.LegacyValueError as exc:
                bad(key, str(exc))
        if "issued_on" in dates and dates["issued_on"] is None:
            bad("issued_on", _("请填写发证日期"))
        if errors or idn is None:
            return RowResult(Outcome.ERROR, errors)
        first = self.seen.get(cert_number)
        if first is not None:
            bad("number", _("文件中证书编号重复（与第%(row)d行相同），未导入") % {"row": first})
            return RowResult(Outcome.CONFLICT, errors)
        self.seen[cert_number] = number
        holder = Person.objects.filter(id_number_hash=crypto.keyed_hash(idn.number)).first()
        if holder is None:
            bad(
                "id_number",
                _("该身份证号的人员尚未在平台登记，请先迁移人员数据，再迁移其培训合格证"),
            )
            return RowResult(Outcome.ERROR, errors)
        if not self._in_scope(holder):
            bad("id_number", _("持证人不在您的辖区内，未导入"))
            return RowResult(Outcome.ERROR, errors)
        if holder.name != shown["name"]:
            bad(
                "name",
                _("该身份证号已登记，姓名为“%(registered)s”，与本行“%(row)s”不一致，未导入")
                % {"registered": holder.name, "row": shown["name"]},
            )
            return RowResult(Outcome.CONFLICT, errors)
        if holder.region is None:  # only an admin gets here: a regulator's scope needs one
            bad("id_number", _("持证人未登记行政区划，无法确定适用的培训层级，请先补全"))
            return RowResult(Outcome.ERROR, errors)
        gov = training.governing(holder.region)
        tier = training.tier_by_name(gov, shown["tier"])
        if tier is None:
            names = [t.name for t in training.pack_tiers(gov.rules)] + [_("其他")]
            bad(
                "tier",
                _("%(pack)s未规定该培训层级；应填写：%(names)s")
                % {"pack": gov.label, "names": "、".join(names)},
            )
            return RowResult(Outcome.ERROR, errors)
        terms = training_services.MigratedCertificate(
            number=cert_number,
            holder=holder,
            tier=tier,
            issuer_name=shown["issuer"],
            issued_on=dates["issued_on"] or self.today,
            valid_until=dates.get("valid_until"),
        )
        existing = TrainingCertificate.objects.filter(number=cert_number).first()
        if existing is not None:
            return self._compare(existing, terms, bad, errors)
        note = _("历史数据迁移：%(file)s 第%(row)d行") % {
            "file": self.file.file_name,
            "row": number,
        }
        try:
            cert = training_services.certificate_migrate(
                actor=self.actor, terms=terms, origin_note=note
            )
        except ValidationError as exc:
            for field, message in _messages(exc):
                bad(FIELD_COLUMNS.get(field, ""), message)
            return RowResult(Outcome.ERROR, errors)
        return RowResult(Outcome.CREATED, target=("training_certificate", str(cert.public_id)))

    def _in_scope(self, holder: Person) -> bool:
        if self.actor.is_platform_admin:
            return True
        return holder.region is not None and access.region_contains(self.actor, holder.region)

    def _compare(
        self,
        existing: TrainingCertificate,
        terms: training_services.MigratedCertificate,
        bad: Any,
        errors: list[RowError],
    ) -> RowResult:
        """The number is recorded: the same holder, tier, issuer and dates are the same
        certificate (left as it is); anything else is a conflict naming both values, never
        overwritten. The recorded holder's name is shown only when in the user's scope."""
        if existing.holder_id != terms.holder.pk:
            visible = Person.objects.filter(
                access.person_q(self.actor), pk=existing.holder_id
            ).exists()
            holder = existing.holder.name if visible else _("辖区外人员")
            bad(
                "number",
                _("该证书编号已登记，持证人为“%(holder)s”，与本行不一致，未覆盖")
                % {"holder": holder},
            )
        if existing.tier != terms.tier:
            bad(
                "tier",
                _("该证书编号已登记，培训层级为“%(recorded)s”，与本行不一致，未覆盖")
                % {"recorded": existing.content.get("tier_name") or existing.get_tier_display()},
            )
        if existing.issuer_name != terms.issuer_name:
            bad(
                "issuer",
                _("该证书编号已登记，发证机构为“%(recorded)s”，与本行不一致，未覆盖")
                % {"recorded": existing.issuer_name},
            )
        for key, recorded, row in (
            ("issued_on", existing.issued_on, terms.issued_on),
            ("valid_until", existing.valid_until, terms.valid_until),
        ):
            if recorded != row:
                bad(
                    key,
                    _("该证书编号已登记，%(column)s为%(recorded)s，与本行%(row)s不一致，未覆盖")
                    % {"column": _label(key), "recorded": _date(recorded), "row": _date(row)},
                )
        return RowResult(Outcome.CONFLICT if errors else Outcome.UNCHANGED, errors)


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
