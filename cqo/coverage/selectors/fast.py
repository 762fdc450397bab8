"""Coverage answers from the maintained aggregate (cqo/coverage/aggregate/).

The same numbers as the live query of cqo/coverage/selectors/answer.py, read from ``Cell``
(counts per region node and attributes) and ``CellCount`` (covered counts by day: the latest row
on or before the as-of date, one index seek per cell).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Q, Sum

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.coverage import aggregate, rules
from cqo.coverage.models import Cell, CellCount, NewCqoCount
from cqo.coverage.selectors.types import KeyConfig, KeyPlan, NewCqoYear
from cqo.reference.models import Region

SUFFIX = {
    "all": "all",
    "above_scale": "above",
    "msme": "all",
    "key_industry_msme": "all",
    "quality_award": "award",
}


class Reader:
    def __init__(self, sections: list[str] | None, divisions: list[str] | None):
        self.sections = sections  # department scope; None: every industry
        self.divisions = divisions

    # the where clause ------------------------------------------------------------------------

    def _scope(self, where: list[str], params: list[Any]) -> None:
        if self.sections is None:
            return
        parts = []
        if self.sections:
            parts.append(f"c.section IN ({', '.join(['%s'] * len(self.sections))})")
            params.extend(self.sections)
        if self.divisions:
            parts.append(f"c.keydiv IN ({', '.join(['%s'] * len(self.divisions))})")
            params.extend(self.divisions)
        where.append(f"({' OR '.join(parts) or '1 = 0'})")

    @staticmethod
    def _key_cond(cfg: KeyConfig, params: list[Any]) -> str:
        parts = []
        if cfg.divisions:
            parts.append(f"c.keydiv IN ({', '.join(['%s'] * len(cfg.divisions))})")
            params.extend(cfg.divisions)
        if cfg.licence:
            parts.append("c.licence = %s")
            params.append(True)
        return f"({' OR '.join(parts) or '1 = 0'})"

    def rows(
        self, region: Region | None, key: str, metric: str, plan: KeyPlan, as_of: dt.date
    ) -> dict[Any, dict[str, Any]]:
        uniform = metric != "key_industry_msme" or not plan.exceptions
        group, where, params = self._where(region, key, uniform=uniform)
        self._scope(where, params)
        # the population is a condition inside the sums, so groups without any of it still
        # show (as the live GROUP BY over every enterprise does)
        conds: list[str] = []
        cparams: list[Any] = []
        if metric in ("msme", "key_industry_msme"):
            conds.append(f"c.size IN ({', '.join(['%s'] * len(rules.MSME_SIZES))})")
            cparams.extend(rules.MSME_SIZES)
        if metric == "key_industry_msme":
            if uniform:
                conds.append(self._key_cond(plan.base, cparams))
            else:
                conds.append(self._plan_cond(plan, cparams))
        cond = " AND ".join(conds) or "1 = 1"
        s = SUFFIX[metric]
        cell, count = Cell._meta.db_table, CellCount._meta.db_table
        sql = (
            f"SELECT g, SUM(den), SUM(hand), MIN(asof), SUM(num), SUM(total) FROM ("  # noqa: S608
            f"SELECT {group} AS g, c.den_all AS total, "
            f"CASE WHEN {cond} THEN c.den_{s} ELSE 0 END AS den, "
            f"CASE WHEN {cond} THEN c.hand_{s} ELSE 0 END AS hand, "
            f"CASE WHEN {cond} THEN c.asof_{s} END AS asof, "
            f"CASE WHEN {cond} THEN COALESCE((SELECT n.num_{s} FROM {count} n "
            f"WHERE n.cell_id = c.id AND n.day <= %s ORDER BY n.day DESC LIMIT 1), 0) "
            f"ELSE 0 END AS num FROM {cell} c WHERE {' AND '.join(where)}) x GROUP BY g"
        )
        return self._fetch(sql, cparams * 4 + [as_of] + params, key)

    @staticmethod
    def _where(
        region: Region | None, key: str, *, uniform: bool
    ) -> tuple[str, list[str], list[Any]]:
        """The grouping column, and the conditions on the cells' level and region."""
        where: list[str] = []
        params: list[Any] = []
        level_of: dict[str, str] = {Region.Level.PROVINCE: "p", Region.Level.CITY: "c"}
        if region is None:
            level, group = "p", "c.province_code"
        elif key == "region" and region.level == Region.Level.PROVINCE:
            level, group = "c", "c.city_code"
            where.append("c.province_code = %s")
            params.append(region.code)
        elif key == "region" and region.level == Region.Level.CITY:
            level, group = "r", "c.code"
            where.append("c.city_code = %s")
            params.append(region.code)
        else:
            level, group = level_of.get(region.level, "r"), "c.code"
            where.append("c.code = %s")
            params.append(region.code)
        if not uniform:
            # sub-regions with their own key industries: read the enterprises' own regions
            level = "r"
            if region is not None and where:
                cols: dict[str, str] = {"province": "c.province_code", "city": "c.city_code"}
                col = cols.get(str(region.level), "c.code")
                where[-1] = f"{col} = %s"
                params[-1] = region.code
            if key == "region":
                groups: dict[str, str] = {"": "c.province_code", "province": "c.city_code"}
                group = groups.get(str(region.level) if region is not None else "", "c.code")
        fixed = {"section": "c.section", "size": "c.size", "metric": "'metric'"}
        group = fixed.get(key, group)
        return group, ["c.level = %s", *where], [level, *params]

    @staticmethod
    def _fetch(sql: str, params: list[Any], key: str) -> dict[Any, dict[str, Any]]:
        out: dict[Any, dict[str, Any]] = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for k, den, hand, asof, num, total in cursor.fetchall():
                if not total:
                    continue  # every enterprise of the group has moved away
                if isinstance(asof, str):
                    asof = dt.date.fromisoformat(asof)
                out[k if k != "" or key == "metric" else None] = {
                    "num": int(num or 0),
                    "den": int(den or 0),
                    "hand": int(hand or 0),
                    "as_of": asof,
                }
        if key == "metric" and not out:
            out["metric"] = {"num": 0, "den": 0, "hand": 0, "as_of": None}
        return out

    def _plan_cond(self, plan: KeyPlan, params: list[Any]) -> str:
        """Per enterprise region: the most specific sub-region with its own key industries,
        else the region's (the same reading as selectors.key_q)."""
        parts: list[str] = []
        covered: list[tuple[str, str]] = []
        for level, code, cfg in plan.exceptions:
            col = {"province": "c.province_code", "city": "c.city_code"}.get(level, "c.code")
            sql = f"({col} = %s"
            params.append(code)
            for c, v in covered:
                sql += f" AND NOT ({c} = %s)"
                params.append(v)
            sql += f" AND {self._key_cond(cfg, params)})"
            parts.append(sql)
            covered.append((col, code))
        rest = "(1 = 1"
        for c, v in covered:
            rest += f" AND NOT ({c} = %s)"
            params.append(v)
        rest += f" AND {self._key_cond(plan.base, params)})"
        parts.append(rest)
        return f"({' OR '.join(parts)})"

    def new_cqos(self, region: Region | None, per_year: int | None) -> list[NewCqoYear]:
        qs = NewCqoCount.objects.all()
        if region is None:
            qs = qs.filter(level="p")
        else:
            levels: dict[str, str] = {"province": "p", "city": "c"}
            level = levels.get(str(region.level), "r")
            qs = qs.filter(level=level, code=region.code)
        if self.sections is not None:
            qs = qs.filter(Q(section__in=self.sections) | Q(keydiv__in=self.divisions or []))
        found = (
            qs.values("year").annotate(n=Sum("new_cqos"), r=Sum("replacements")).order_by("year")
        )
        return [
            NewCqoYear(year=a["year"], new_cqos=a["n"], replacements=a["r"], target=per_year)
            for a in found
            if a["n"]
        ]


def reader(user: User, plan: KeyPlan) -> Reader | None:
    """A reader when the aggregate is current and can express the viewer's scope, else None
    (the selectors then answer live)."""
    sections: list[str] | None = None
    divisions: list[str] | None = None
    if not user.is_platform_admin and user.role == Role.DEPARTMENT:
        codes = access.department_industries(user)
        if codes is not None:
            uni = set(aggregate.universe())
            sections = [c for c in codes if not c.isdigit()]
            divisions = [c for c in codes if c.isdigit()]
            if any(d not in uni for d in divisions):
                return None  # a division the cells do not keep apart
    if not aggregate.ensure_fresh():
        return None
    return Reader(sections, divisions)
