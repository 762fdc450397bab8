"""The appointments kind's columns: their Chinese headers, the headers of older systems'
exports, the template's help, and the choices read by their Chinese labels."""

from __future__ import annotations

import re
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy

from cqo.imports.legacy.kinds import ID_NUMBER_ALIASES, LegacyColumn

# The suffixes of a filing authority's name: the market regulation bureaus (市场监督管理局, since
# 2018) and the quality and technical supervision bureaus that kept the filings before them
# (jiangsu-2020 preamble: the system began in 2012).
BUREAU_SUFFIXES = ("市场监督管理局", "市场监管局", "质量技术监督局", "质监局")
AUTHORITY_MAX = 100  # the longest bureau name read (a province, city and county name and suffix)

COLUMNS: tuple[LegacyColumn, ...] = (
    LegacyColumn(
        "uscc",
        gettext_lazy("统一社会信用代码"),
        required=True,
        aliases=("社会信用代码", "信用代码", "企业统一社会信用代码", "单位统一社会信用代码"),
        help=gettext_lazy(
            "聘任单位的18位统一社会信用代码。企业须已在平台登记（导入企业名录或登记企业）"
            "且在您的辖区内；尚未登记的，请先迁移企业数据。"
        ),
    ),
    LegacyColumn(
        "enterprise",
        gettext_lazy("单位名称"),
        required=True,
        aliases=("企业名称", "聘任单位", "单位全称"),
        help=gettext_lazy(
            "须与平台登记的该统一社会信用代码的单位名称一致；企业更名的，请按现名填写。"
        ),
    ),
    LegacyColumn(
        "name",
        gettext_lazy("姓名"),
        required=True,
        aliases=("首席质量官姓名", "备案人姓名", "人员姓名"),
        help=gettext_lazy("首席质量官姓名，须与平台已登记的该身份证号人员姓名一致。"),
    ),
    LegacyColumn(
        "id_number",
        gettext_lazy("身份证号"),
        required=True,
        aliases=ID_NUMBER_ALIASES,
        help=gettext_lazy(
            "首席质量官的18位居民身份证号码（15位号码自动转换）。人员须已在平台登记："
            "尚未登记的，请先迁移人员数据。"
        ),
    ),
    LegacyColumn(
        "post",
        gettext_lazy("聘任职务"),
        required=True,
        aliases=("任职职务", "担任职务", "职务"),
        help=gettext_lazy("聘任文件中的职务，如“副总经理兼首席质量官”，不超过100个字符。"),
    ),
    LegacyColumn(
        "rank",
        gettext_lazy("职级"),
        required=True,
        aliases=("职务级别", "岗位职级"),
        help=gettext_lazy(
            "填写：最高管理者、高管正职、高管副职（副总经理/副总裁或同职级，可只写“高管副职”）、"
            "部门负责人或其他。"
        ),
    ),
    LegacyColumn(
        "start_date",
        gettext_lazy("聘任日期"),
        required=True,
        aliases=("任职日期", "聘任时间", "任职时间"),
        help=gettext_lazy(
            "可写作2019年3月5日、2019-03-05、2019/03/05、2019.3.5或20190305，或Excel日期；"
            "不早于2012年。"
        ),
    ),
    LegacyColumn(
        "term_end",
        gettext_lazy("聘期截止"),
        aliases=("聘期截止日期", "任期截止日期", "聘期至"),
        help=gettext_lazy("聘期截止日期，写法同聘任日期，不早于聘任日期；可不填。"),
    ),
    LegacyColumn(
        "filing_number",
        gettext_lazy("备案编号"),
        required=True,
        aliases=("备案号", "备案证号", "备案登记编号"),
        help=gettext_lazy(
            "原备案编号，按原样保留（空格忽略，字母不分大小写，全角可识别），不超过32个字符。"
            "以备案编号识别备案：已迁移且内容相同的视为未变化，内容不同的作为冲突列出，"
            "不会覆盖。"
        ),
    ),
    LegacyColumn(
        "filed_on",
        gettext_lazy("备案日期"),
        required=True,
        aliases=("备案时间", "备案登记日期"),
        help=gettext_lazy(
            "原备案日期，写法同聘任日期，不晚于今天。覆盖率和每年新增首席质量官人数按原备案"
            "日期统计。"
        ),
    ),
    LegacyColumn(
        "authority",
        gettext_lazy("备案机关"),
        aliases=("备案单位", "备案部门"),
        help=gettext_lazy(
            "受理备案的市场监督管理局（或原质量技术监督局）名称，如“雁塔区市场监督管理局”"
            "“西安市市场监督管理局”，须为企业所在地的县、市或省级部门；不填则为企业所在地的"
            "县级市场监督管理局。"
        ),
    ),
    LegacyColumn(
        "ended_on",
        gettext_lazy("终止日期"),
        aliases=("离任日期", "解聘日期", "终止时间"),
        help=gettext_lazy(
            "已终止的聘任填写终止日期（写法同聘任日期，不早于聘任日期，不晚于今天），并填写"
            "终止原因；仍在任的不填。"
        ),
    ),
    LegacyColumn(
        "end_reason",
        gettext_lazy("终止原因"),
        aliases=("离任原因", "解聘原因"),
        help=gettext_lazy(
            "填写：解聘、离任、任期届满、考核不合格、违反诚信要求或列入黑名单退出；"
            "填写了终止日期的必填。"
        ),
    ),
    LegacyColumn(
        "end_note",
        gettext_lazy("终止说明"),
        aliases=("终止情况说明", "离任说明"),
        help=gettext_lazy("终止的具体情况，不超过2000个字符；可不填。"),
    ),
)
LABELS = {c.key: c.label for c in COLUMNS}
# the service's fields, by the column a user reads them in
FIELD_COLUMNS = {
    "enterprise": "uscc",
    "person": "id_number",
    "post": "post",
    "rank": "rank",
    "start_date": "start_date",
    "term_end": "term_end",
    "filing_number": "filing_number",
    "filed_on": "filed_on",
    "filing_authority": "authority",
    "ended_on": "ended_on",
    "end_reason": "end_reason",
    "end_note": "end_note",
}
_PARENTHESIS = re.compile(r"（[^）]*）|\([^)]*\)")


def label(key: str) -> str:
    """The header of the column ``key``, as the error report names it."""
    return str(LABELS[key]) if key in LABELS else ""


class Choices:
    """A choice of the model read by its Chinese label, or by the label without its parenthesis
    (高管副职（副总经理/副总裁或同职级） is also 高管副职); the labels, for the message."""

    def __init__(self, choices: list[tuple[str, Any]]) -> None:
        with translation.override("zh-hans"):
            pairs = [(value, str(text)) for value, text in choices if value]
        self.labels = [text for _value, text in pairs]
        self.values: dict[str, str] = {}
        for value, text in pairs:
            self.values[text] = value
            self.values.setdefault(_PARENTHESIS.sub("", text), value)
        self.by_value = dict(pairs)

    def read(self, text: str) -> str:
        """The value written as ``text``, "" for none."""
        return self.values.get(text, "")

    def listed(self) -> str:
        return "、".join(self.labels)
