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
