"""Pages and printed documents cite sources by their official number or title (SPEC §12.24):
never a pack id, never a SPEC number; a platform default says it is one."""

from __future__ import annotations

import pytest

from cqo.policy import rules, selectors

NAMES = {
    "shaanxi-2021": "陕质委办〔2021〕15号",
    "jiangsu-2020": "苏质委办〔2020〕9号",
    "shenzhen-guide": "《深圳市首席质量官制度实施指南》",
    "hangzhou-spec": "《杭州市企业首席质量官管理规范》",
    "level-standard": "《首席质量官能力水平认定》（征求意见稿）",
}


@pytest.mark.parametrize(
    ("clause", "shown"),
    [
        ("shaanxi-2021 §五(一)", "陕质委办〔2021〕15号 第五条（一）"),
        ("shaanxi-2021 §五(一)(三); SPEC §12.23", "陕质委办〔2021〕15号 第五条（一）（三）"),
        ("shaanxi-2021 §四(二); SPEC §12.1", "陕质委办〔2021〕15号 第四条（二）"),
        ("jiangsu-2020 §一.2: 到 2021 年", "苏质委办〔2020〕9号 第一条第2项"),
        ("shenzhen-guide §4.3", "《深圳市首席质量官制度实施指南》 4.3"),
        ("hangzhou-spec 附录A 1.5", "《杭州市企业首席质量官管理规范》 附录A 1.5"),
        (
            "shaanxi-2021 §五(三); jiangsu-2020 §七; SPEC §12.15",
            "陕质委办〔2021〕15号 第五条（三）；苏质委办〔2020〕9号 第七条",
        ),
        ("shaanxi-2021 §五(二), §六(一)", "陕质委办〔2021〕15号 第五条（二）, 第六条（一）"),
        ("SPEC §12.17", ""),
        ("SPEC §3: 平台默认（非文件规定）", "平台默认（非文件规定）"),
        (
            "level-standard §11; 平台默认（标准未规定评价等级）",
            "《首席质量官能力水平认定》（征求意见稿） 第11章；平台默认（标准未规定评价等级）",
        ),
        ("level-standard §5.1.5; SPEC §12.11", "《首席质量官能力水平认定》（征求意见稿） 5.1.5"),
        ("level-standard §6.1–§6.3", "《首席质量官能力水平认定》（征求意见稿） 6.1–6.3"),
        ("", ""),
        ("unknown-pack §3", "第3章"),
    ],
)
def test_a_clause_is_cited_by_the_documents_number_and_its_own_numbering(
    clause: str, shown: str
) -> None:
    found = rules.cite(clause, NAMES)
    assert found == shown
    assert "SPEC" not in found and "shaanxi" not in found and "§" not in found


@pytest.mark.django_db
def test_the_names_come_from_the_installed_packs() -> None:
    names = selectors.citation_names()
    assert names["shaanxi-2021"] == "陕质委办〔2021〕15号"
    assert names["national-default"] == "平台默认规则"
    assert selectors.cite("hangzhou-spec 任职资格·任职能力") == (
        "《杭州市企业首席质量官管理规范》 任职资格·任职能力"
    )


@pytest.mark.parametrize(
    ("name", "cite_as", "default", "shown"),
    [
        (
            "陕西省 关于深化企业首席质量官制度的意见",
            "陕质委办〔2021〕15号",
            False,
            "陕西省 关于深化企业首席质量官制度的意见（陕质委办〔2021〕15号，2021-08-24 起施行）",
        ),
        (
            "深圳市 首席质量官制度实施指南",
            "《深圳市首席质量官制度实施指南》",
            False,
            "《深圳市首席质量官制度实施指南》（2021-08-24 起施行）",
        ),
        ("某市规定", "", False, "某市规定（2021-08-24 起施行）"),
        ("某市规定", "某市规定", False, "某市规定（2021-08-24 起施行）"),
        (
            "全国默认规则（本地区尚无政策包）",
            "平台默认规则",
            True,
            "平台默认规则（本地区尚无政策包）",
        ),
    ],
)
def test_a_version_is_named_by_its_document_and_day(
    name: str, cite_as: str, default: bool, shown: str
) -> None:
    label = rules.version_label(
        name=name, cite_as=cite_as, in_force="2021-08-24 起施行", default=default
    )
    assert label == shown


@pytest.mark.parametrize(
    ("frozen", "shown"),
    [
        (
            "首席质量官能力水平认定（征求意见稿）（level-standard draft.2，2024-01-01 起）",
            "首席质量官能力水平认定（征求意见稿）（2024-01-01 起）",
        ),
        (
            "陕西省 关于深化企业首席质量官制度的意见（shaanxi-2021 2021.2，2021-08-24 起）"
            " ← 全国默认规则（本地区尚无政策包）（national-default 2，2020-01-01 起）",
            "陕西省 关于深化企业首席质量官制度的意见（陕质委办〔2021〕15号，2021-08-24 起）",
        ),
        (
            "《深圳市首席质量官制度实施指南》（shenzhen-guide 2，2021-01-01 起）",
            "《深圳市首席质量官制度实施指南》（2021-01-01 起）",
        ),
        # today's labels and plain text stay as they are
        (
            "陕西省 关于…（陕质委办〔2021〕15号，2021-08-24 起施行）",
            "陕西省 关于…（陕质委办〔2021〕15号，2021-08-24 起施行）",
        ),
        ("", ""),
    ],
)
def test_a_label_frozen_before_reads_without_ids(frozen: str, shown: str) -> None:
    assert rules.plain_label(frozen, NAMES) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "技术骨干可适当放宽（shaanxi-2021 §四(二)）",
            "技术骨干可适当放宽（陕质委办〔2021〕15号 第四条（二））",
        ),
        ("一人一企（SPEC §12.17）", "一人一企"),
        (
            "重点行业（SPEC §12.9: 平台默认（非文件规定））",
            "重点行业（平台默认（非文件规定））",
        ),
        ("规模以上企业（含）以上", "规模以上企业（含）以上"),
        (
            "（shenzhen-guide §4.3）；（level-standard §10）",
            "（《深圳市首席质量官制度实施指南》 4.3）；"
            "（《首席质量官能力水平认定》（征求意见稿） 第10章）",
        ),
        ("", ""),
    ],
)
def test_clauses_in_brackets_are_cited_in_place(text: str, shown: str) -> None:
    assert rules.cite_in(text, NAMES) == shown
