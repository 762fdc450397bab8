"""The detector the page tests use finds what it must and leaves ordinary text alone."""

from __future__ import annotations

import pytest

from tests.citing import internal_ids


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<td>shaanxi-2021 §五(一)</td>", 1),
        ("<p>依据 level-standard §10</p>", 1),
        ("<p>（SPEC §12.17）</p>", 1),
        ("<p>shaanxi-2021 2021.2</p>", 2),
        ("<p>版本 draft.2</p>", 1),
        ("<p>fujian-2023</p>", 1),
        ("<p>陕质委办〔2021〕15号 第五条（一）</p>", 0),
        ("<p>2021-08-24 起施行</p>", 0),
        ('<div class="table-responsive col-sm-4">12021.25 元 · 学时 2.5</div>', 0),
        ("<style>.level-standard { color: red }</style><p>ok</p>", 0),
        ("<!-- shenzhen-guide Annex A --><p>表 A.1</p>", 0),
    ],
)
def test_it_finds_internal_ids_only_in_what_users_read(html: str, found: int) -> None:
    assert len(internal_ids(html)) == found
