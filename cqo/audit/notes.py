"""An entry's note as a sentence: the services' English notes and clause references, as kept in
the trail since the first entries, in the words of the pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext as _

# A pack id (shaanxi-2021, level-standard) opening a clause reference, or a SPEC reference.
_CLAUSE = re.compile(r"^(?:[a-z][a-z0-9]*(?:-[a-z0-9]+)+ (?:§|附录|draft)|SPEC §)")
# A pack version named inside a sentence: "（level-standard draft.2，2024-01-01 起）".
_VERSION = re.compile(r"（([a-z][a-z0-9]*(?:-[a-z0-9]+)+) ([^，）\s]+)，")
_UUID = re.compile(r"\s*(?:\b[a-z]+:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _exact() -> dict[str, str]:
    return _exact_in(get_language() or "")


@lru_cache(maxsize=16)  # one per language: every entry's note is looked up here
def _exact_in(language: str) -> dict[str, str]:
    return {
        "admin": _("经管理后台"),
        "admin: deleted": _("经管理后台删除"),
        "api": _("经 API"),
        "api token": _("经 API"),
        "web": _("经网页"),
        "enrolment": _("绑定验证器应用"),
        "account page": _("经账户页面"),
        "deactivated": _("账号停用"),
        "import": _("批量导入"),
        "invitation claimed": _("本人认领邀请，绑定登录账号"),
        "user name at address": _("同一地址以同一用户名多次登录失败，暂时锁定"),
        "address": _("同一地址多次登录失败，暂时锁定"),
        "unknown": _("地址不明"),
    }


def _patterns() -> list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]:
    return [
        (re.compile(r"^clerk account \S+$"), lambda m: _("开通企业经办人账号")),
        (re.compile(r"^judge \S+$"), lambda m: _("评委评分")),
        (re.compile(r"^reminder: (.*)$", re.S), lambda m: _("督促通知：%s") % m[1]),
        (
            re.compile(r"^demo_data seed=\d+: bulk import of (\d+) "),
            lambda m: _("演示数据批量导入 %s 条") % m[1],
        ),
        (re.compile(r"^demo_data --reset"), lambda m: _("演示数据重置")),
        (
            re.compile(r"^re-encrypted with the current data key(, lookup hashes recomputed)?$"),
            lambda m: (
                _("以当前数据密钥重新加密个人信息，并重算查询索引")
                if m[1]
                else _("以当前数据密钥重新加密个人信息")
            ),
        ),
        (re.compile(r"^(\d+) study-hour reminders$"), lambda m: _("发送学时提醒 %s 条") % m[1]),
        (re.compile(r"^(\d+) notices$"), lambda m: _("记录通知 %s 条") % m[1]),
    ]


def note_text(note: str, *, action: str, cite: Callable[[str], str], field_label: str) -> str:
    """``field_label`` names the field an unmasking read showed (its note is the field's name)."""
    note = (note or "").strip()
    if not note:
        return ""
    if action == "export":
        return _("按页面的筛选条件导出")  # the note keeps the query string, for the auditors
    if action == "unmask":
        return _("查看：%s") % field_label if field_label else _("查看完整个人信息")
    exact = _exact().get(note)
    if exact is not None:
        return exact
    for pattern, render in _patterns():
        match = pattern.match(note)
        if match:
            return render(match)
    if _CLAUSE.match(note):
        return cite(note) or _("依据文件条款")
    note = _VERSION.sub(lambda m: "（" + _("%s 版") % m[2] + "，", note)
    return _UUID.sub("", note).strip()
