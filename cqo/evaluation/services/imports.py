"""Quality costs and losses from xlsx, all or nothing: every row is read with the parsers of the
pages (cqo/evaluation/inputs), every bad row is reported, and nothing is saved unless every row
is valid."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from cqo.accounts.models import User
from cqo.evaluation import selectors
from cqo.evaluation.inputs import CostTerms, LossTerms, read_loss
from cqo.evaluation.inputs.common import category_code, check_category, parse_int, parse_money
from cqo.evaluation.inputs.quality import check_cost
from cqo.evaluation.models import CostAccount
from cqo.evaluation.services._common import QUALITY, _audit, _write_check
from cqo.evaluation.services.quality import _cost_save, _loss_save
from cqo.lib import bounds, uploads
from cqo.lib.errors import Errors
from cqo.registry.models import Enterprise

IMPORT_MAX_ROWS = 5000
COST_HEADERS = ["年度", "季度", "成本类别", "科目", "金额（元）", "备注"]
LOSS_HEADERS = ["发生日期", "损失类别", "直接/间接", "金额（元）", "说明"]
COST_LABELS = {
    "year": "年度",
    "quarter": "季度",
    "category": "成本类别",
    "account": "科目",
    "amount": "金额（元）",
    "note": "备注",
}
LOSS_LABELS = {
    "occurred_on": "发生日期",
    "kind": "损失类别",
    "effect": "直接/间接",
    "amount": "金额（元）",
    "description": "说明",
}

Row = dict[str, object]
Report = list[dict[str, Any]]


class ImportErrors(ValidationError):
    """Every bad row of an import: [{"row", "field", "message"}]; nothing was saved."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(
            {
                "file": [
                    f"{_('第 %(n)s 行') % {'n': r['row']}} {r['field']}：{r['message']}"
                    for r in report
                ]
            }
        )


def _sheet(content: bytes) -> list[list[object]]:
    try:  # type, size and zip-bomb checks before calamine opens it (cqo/lib/uploads.py)
        uploads.check_workbook(ContentFile(content, name="import.xlsx"))
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        raw: list[list[object]] = [list(r) for r in sheet.to_python(skip_empty_area=False)]
    except (CalamineError, OSError, ValueError, IndexError, TypeError) as exc:
        raise ValidationError(
            {"file": _("无法读取该表格文件：%(error)s") % {"error": exc}}
        ) from exc
    if not raw:
        raise ValidationError({"file": _("表格为空")})
    return raw


def _rows(content: bytes, headers: list[str]) -> list[tuple[int, Row]]:
    raw = _sheet(content)
    head = [str(c).strip() for c in raw[0]]
    missing = [h for h in headers if h not in head]
    if missing:
        raise ValidationError({"file": _("缺少列：%(cols)s") % {"cols": "、".join(missing)}})
    index = {h: head.index(h) for h in headers}
    out = []
    for number, cells in enumerate(raw[1:], start=2):
        if all(c in ("", None) for c in cells):
            continue
        out.append((number, {h: cells[i] if i < len(cells) else "" for h, i in index.items()}))
    if len(out) > IMPORT_MAX_ROWS:
        raise ValidationError({"file": _("一次最多导入 %(n)s 行") % {"n": IMPORT_MAX_ROWS}})
    if not out:
        raise ValidationError({"file": _("表格中没有数据行")})
    return out


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return "" if value is None else str(value).strip()


def _row_errors(report: Report, number: int, errors: Errors, labels: dict[str, str]) -> None:
    for field, messages in errors.errors.items():
        for message in messages:
            report.append({"row": number, "field": labels.get(field, field), "message": message})


class _CostRows:
    """The rows of a cost import, checked one by one; an account named for the first time is
    planned under its category and created only when every row is valid."""

    def __init__(self, enterprise: Enterprise) -> None:
        self.enterprise = enterprise
        self.existing = {a.name: a for a in selectors.accounts(enterprise)}
        self.planned: dict[str, str] = {}
        self.seen: set[tuple[str, int, int]] = set()

    def read(self, errors: Errors, row: Row) -> tuple[str, str, CostTerms]:
        category = check_category(errors, "category", category_code(_cell(row["成本类别"])))
        name = _cell(row["科目"])
        if not name:
            errors.add("account", _("请填写科目名称"))
        elif message := bounds.too_long(CostAccount, "name", name):
            errors.add("account", message)
        elif category:
            known = (
                self.existing[name].category if name in self.existing else self.planned.get(name)
            )
            if known and known != category:
                errors.add("account", _("该科目属于其他成本类别"))
            self.planned.setdefault(name, category)
        terms = CostTerms(
            # a stand-in until the account exists: the check needs one of this enterprise
            account=self.existing.get(name) or CostAccount(enterprise=self.enterprise, name=name),
            year=parse_int(errors, "year", _cell(row["年度"])),
            quarter=parse_int(errors, "quarter", _cell(row["季度"])),
            amount=parse_money(errors, "amount", _cell(row["金额（元）"])),
            note=_cell(row["备注"]),
        )
        check_cost(errors, terms, self.enterprise)
        key = (name, terms.year or 0, terms.quarter or 0)
        if key in self.seen:
            errors.add("account", _("与前面的行重复（同一科目同一季度）"))
        self.seen.add(key)
        return name, category, terms

    def account(self, actor: User, name: str, category: str) -> CostAccount:
        account = self.existing.get(name)
        if account is None:
            account = CostAccount.objects.create(
                enterprise=self.enterprise, category=category, name=name
            )
            self.existing[name] = account
            _audit(actor, QUALITY, account, "create", {"name": [None, name]}, "import")
        return account


@transaction.atomic
def costs_import(*, actor: User, enterprise: Enterprise, content: bytes) -> int:
    """Import quality-cost rows from xlsx: every row is checked, and nothing is saved unless
    every row is valid; an account named for the first time is created under its category."""
    _write_check(actor, enterprise)
    rows = _rows(content, COST_HEADERS)
    costs = _CostRows(enterprise)
    report: Report = []
    read = []
    for number, row in rows:
        errors = Errors()
        read.append(costs.read(errors, row))
        _row_errors(report, number, errors, COST_LABELS)
    if report:
        raise ImportErrors(report)
    for name, category, terms in read:
        account = costs.account(actor, name, category)
        _cost_save(actor, enterprise, _with_account(terms, account))
    return len(read)


def _with_account(terms: CostTerms, account: CostAccount) -> CostTerms:
    return CostTerms(
        account=account,
        year=terms.year,
        quarter=terms.quarter,
        amount=terms.amount,
        note=terms.note,
    )


@transaction.atomic
def losses_import(*, actor: User, enterprise: Enterprise, content: bytes) -> int:
    """Import quality-loss rows from xlsx, all or nothing."""
    _write_check(actor, enterprise)
    rows = _rows(content, LOSS_HEADERS)
    kinds = selectors.loss_kinds(enterprise)
    report: Report = []
    read: list[LossTerms] = []
    for number, row in rows:
        errors = Errors()
        occurred = row["发生日期"]
        data = {
            "occurred_on": occurred if isinstance(occurred, dt.date) else _cell(occurred),
            "kind": _cell(row["损失类别"]),
            "effect": _cell(row["直接/间接"]),
            "amount": _cell(row["金额（元）"]),
            "description": _cell(row["说明"]),
        }
        read.append(read_loss(errors, data, kinds))
        _row_errors(report, number, errors, LOSS_LABELS)
    if report:
        raise ImportErrors(report)
    for terms in read:
        loss = _loss_save(actor, enterprise, terms, kinds)
        _audit(actor, QUALITY, loss, "create", {"amount": [None, str(loss.amount)]}, "import")
    return len(read)
