"""Which rules govern an enterprise (SPEC §12.19).

The most specific pack of the enterprise's region governs: a county's pack, else its city's,
else its province's. A more specific pack takes the sections it lacks from the broader ones
and finally from the national default, which also governs, clearly labelled, a region with no
pack of its own. For each pack the version in force on the given date is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Min, Q, QuerySet
from django.utils.translation import gettext as _

from cqo.accounts import departments
from cqo.policy import rules as policy_rules
from cqo.policy import schema
from cqo.policy.models import Pack, PackRegion, PackVersion
from cqo.reference.models import Region
from cqo.reference.selectors import region_label


@dataclass(frozen=True)
class Governing:
    rules: schema.Pack  # the merged rules
    # the versions merged, most specific first (the national default last)
    versions: tuple[PackVersion, ...]

    @property
    def version(self) -> PackVersion:
        """The version a decision is recorded under: the most specific one."""
        return self.versions[0]

    @property
    def is_default(self) -> bool:
        return self.version.pack.national_default

    @property
    def label(self) -> str:
        """The documents that govern, as users name them (SPEC §12.24): the local packs, most
        specific first; the national default only where no local pack governs."""
        local = [v for v in self.versions if not v.pack.national_default]
        return "、".join(v.label for v in (local or self.versions[:1]))

    def version_ids(self) -> list[int]:
        return [v.pk for v in self.versions]

    def section_source(self, section: str) -> PackVersion | None:
        """The version a merged section came from (for showing where a value is inherited)."""
        for v in self.versions:
            if v.content.get(section) not in (None, [], {}):
                return v
        return None


class NoPackInForce(ValidationError):
    """No installed pack governs the date asked about: it lies before the first version in
    force for the region (or, for a certification pack, of that pack). A ValidationError, so
    the API answers 422 naming the field and the earliest date a pack covers, and pages show
    it as a form error or an alert. A version in force stays in force: a date after the last
    ``effective_from`` is always governed (up to 9999-12-31, the last day a date holds)."""

    def __init__(
        self, *, on: dt.date, earliest: dt.date | None, field: str = "on", year: int | None = None
    ) -> None:
        self.on, self.earliest, self.field, self.year = on, earliest, field, year
        super().__init__({field: [ValidationError(self.text(), code="no_pack_in_force")]})

    def text(self) -> str:
        asked = {"on": self.on.isoformat(), "year": self.year}
        if self.earliest is None:
            if self.year is not None:
                return _("%(year)s 年度没有适用的政策包：尚未安装任何政策包") % asked
            return _("没有适用于 %(on)s 的政策包：尚未安装任何政策包") % asked
        asked["earliest"] = self.earliest.isoformat()
        if self.year is not None:
            return _("%(year)s 年度没有适用的政策包：最早自 %(earliest)s 起有效") % asked
        return _("没有适用于 %(on)s 的政策包：最早自 %(earliest)s 起有效") % asked

    def for_field(self, field: str, *, year: int | None = None) -> NoPackInForce:
        """The same error under the name the request gave the date (``as_of``, ``year``)."""
        return NoPackInForce(
            on=self.on,
            earliest=self.earliest,
            field=field,
            year=self.year if year is None else year,
        )


@contextmanager
def date_field(field: str, *, year: int | None = None) -> Iterator[None]:
    """Inside the block, a NoPackInForce names the request's field (and its year)."""
    try:
        yield
    except NoPackInForce as exc:
        raise exc.for_field(field, year=year) from None


def region_chain(region: Region) -> list[str]:
    """The region's own code, then its city's and its province's: most specific first."""
    chain = [region.code]
    for code in (region.city_code, region.province_code):
        if code and code not in chain:
            chain.append(code)
    return chain


def _in_force(qs: QuerySet[PackVersion], on: dt.date) -> PackVersion | None:
    return (
        qs.filter(effective_from__lte=on)
        .select_related("pack")
        .order_by("-effective_from", "-created_at", "-pk")
        .first()
    )


def national_default(on: dt.date) -> PackVersion | None:
    return _in_force(PackVersion.objects.filter(pack__national_default=True), on)


def _jurisdiction_q(region: Region | None) -> Q:
    """Versions that can govern the region (None: any region): those of its chain and the
    national default."""
    if region is None:
        return Q(pack__kind=Pack.Kind.JURISDICTION)
    return Q(pack__national_default=True) | Q(
        pack__kind=Pack.Kind.JURISDICTION, regions__region_id__in=region_chain(region)
    )


def earliest_in_force(region: Region | None) -> dt.date | None:
    """The first day a pack governs the region (None: the first day one governs anywhere);
    None when no pack that could is installed."""
    found = PackVersion.objects.filter(_jurisdiction_q(region)).aggregate(d=Min("effective_from"))
    return found["d"]  # type: ignore[no-any-return]


def require_governed(region: Region | None, on: dt.date) -> None:
    """Raise NoPackInForce unless a pack governs the region (None: some region) on ``on``:
    for answers about many places that look up each one's pack only where there are rows."""
    if region is not None:
        governing_for_region(region, on)  # kept in the process: no query when it governs
        return
    earliest = earliest_in_force(region)
    if earliest is None or on < earliest:
        raise NoPackInForce(on=on, earliest=earliest)


# governing_for_region's answers, kept in the process while no version is installed: versions
# are immutable and only ever added, so the newest version and mapping rows and the number of
# versions name the installed state (one cheap query instead of loading the chain's versions).
_GOVERNING: dict[tuple[Any, ...], Governing] = {}
_GOVERNING_LIMIT = 4096


_STATE: ContextVar[tuple[Any, ...] | None] = ContextVar("cqo_policy_state", default=None)


def installed_state() -> tuple[Any, ...]:
    """What names the installed pack versions, read once per ``held_state`` block."""
    held = _STATE.get()
    if held is not None:
        return held
    return _installed_state()


@contextmanager
def held_state() -> Iterator[None]:
    """Within the block the installed state is read once: one answer (a coverage table asks
    the governing rules, the key-industry plan and the aggregate's universe) is built on one
    view of the installed packs."""
    if _STATE.get() is not None:
        yield
        return
    token = _STATE.set(_installed_state())
    try:
        yield
    finally:
        _STATE.reset(token)


def _installed_state() -> tuple[Any, ...]:
    v = connection.ops.quote_name(PackVersion._meta.db_table)
    r = connection.ops.quote_name(PackRegion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(id) FROM {v}), (SELECT count(*) FROM {v}),"  # noqa: S608
            f" (SELECT sha256 FROM {v} ORDER BY id DESC LIMIT 1), (SELECT max(id) FROM {r})"
        )
        return tuple(cursor.fetchone() or ())


def governing_for_region(region: Region, on: dt.date) -> Governing:
    return governing_for_regions([region], on)[region.code]


def governing_for_regions(regions: Iterable[Region], on: dt.date) -> dict[str, Governing]:
    """``governing_for_region`` of many regions by their codes (a batch of an archive file names
    a province's hundred counties): those not kept yet read together, in two queries."""
    state = installed_state()
    found: dict[str, Governing] = {}
    missing: dict[str, tuple[Region, tuple[str, ...]]] = {}
    for region in regions:
        key = tuple(region_chain(region))
        kept = _GOVERNING.get((key, on, state))
        if kept is None:
            missing[region.code] = (region, key)
        else:
            found[region.code] = kept
    if missing:
        read = _governing_for_regions([region for region, _key in missing.values()], on)
        if len(_GOVERNING) + len(read) > _GOVERNING_LIMIT:
            _GOVERNING.clear()
        for code, (_region, key) in missing.items():
            _GOVERNING[(key, on, state)] = found[code] = read[code]
    return found


def forget() -> None:
    """Drop what this process keeps (tests whose rolled-back installs reuse ids)."""
    _GOVERNING.clear()
    _MERGED.clear()
    _NAMES.clear()


def _governing_for_regions(regions: list[Region], on: dt.date) -> dict[str, Governing]:
    rows = (
        PackRegion.objects.filter(
            region_id__in={code for region in regions for code in region_chain(region)},
            version__effective_from__lte=on,
            version__pack__kind=Pack.Kind.JURISDICTION,
        )
        .select_related("version__pack")
        .order_by("-version__effective_from", "-version__created_at", "-version__pk")
    )
    by_region: dict[str, PackVersion] = {}
    for row in rows:
        by_region.setdefault(row.region_id, row.version)
    default = national_default(on)
    found: dict[str, Governing] = {}
    for region in regions:
        versions = [by_region[c] for c in region_chain(region) if c in by_region]
        if default is not None:
            versions.append(default)
        if not versions:
            raise NoPackInForce(on=on, earliest=earliest_in_force(region))
        found[region.code] = build(versions)
    return found


# Installed versions never change, so the merged and validated rules of a chain of versions
# (keyed by the digests of their files) can be kept for the life of the process (bounded:
# cleared when it grows past the limit).
_MERGED: dict[tuple[str, ...], schema.Pack] = {}
_MERGED_LIMIT = 512


def build(versions: list[PackVersion]) -> Governing:
    key = tuple(v.sha256 for v in versions)  # the digest of each version's file
    rules = _MERGED.get(key)
    if rules is None:
        merged: dict[str, Any] = {}
        for v in reversed(versions):
            merged = schema.merge(merged, v.content) if merged else dict(v.content)
        rules = schema.validate(merged)
        if len(_MERGED) >= _MERGED_LIMIT:
            _MERGED.clear()
        _MERGED[key] = rules
    return Governing(rules, tuple(versions))


def governing_for_version(version: PackVersion, on: dt.date) -> Governing:
    """The rules a filing under this version would be judged by: the version itself over the
    broader packs of its first region and the national default (a certification pack alone)."""
    if version.pack.kind == Pack.Kind.CERTIFICATION:
        return build([version])
    first = version.regions.select_related("region").first()
    broader: list[PackVersion] = []
    if first is not None:
        chain = governing_for_region(first.region, on).versions
        broader = [v for v in chain if v.pack_id != version.pack_id]
    else:
        default = national_default(on)
        broader = [default] if default and default.pk != version.pk else []
    return build([version, *broader])


def governing_from_ids(ids: list[int]) -> Governing:
    """The rules a past decision was made under, from the version ids it recorded."""
    found = {v.pk: v for v in PackVersion.objects.filter(pk__in=ids).select_related("pack")}
    return build([found[i] for i in ids if i in found])


def certification_pack(slug: str = "level-standard", on: dt.date | None = None) -> PackVersion:
    qs = PackVersion.objects.filter(pack__slug=slug, pack__kind=Pack.Kind.CERTIFICATION)
    found = _in_force(qs, on) if on else qs.select_related("pack").order_by("-pk").first()
    if found is None:
        earliest = qs.aggregate(d=Min("effective_from"))["d"]
        if on is not None and earliest is not None:
            raise NoPackInForce(on=on, earliest=earliest)
        raise LookupError(f"certification pack {slug} not installed")
    return found


def pack_list() -> QuerySet[Pack]:
    return Pack.objects.prefetch_related("versions__regions__region")


def regions_governed(version: PackVersion) -> list[Region]:
    return list(Region.objects.filter(pk__in=version.regions.values("region_id")))


def version_get(pk: int) -> PackVersion:
    return PackVersion.objects.select_related("pack", "created_by").get(pk=pk)


def versions_for_region_q(codes: list[str]) -> Q:
    return Q(regions__region_id__in=codes)


def departments_of(region: Region, on: dt.date) -> list[departments.Department]:
    """The departments of the pack governing ``region`` (SPEC §12.20), the answer policy gives
    to cqo.accounts.departments."""
    return [
        departments.Department(code=d.code, industries=tuple(d.industries))
        for d in governing_for_region(region, on).rules.departments
    ]


def pack_overview(today: dt.date) -> list[dict[str, Any]]:
    """Every pack with its versions (newest first), the one in force ``today`` and the regions
    it governs, for the packs page."""
    packs = []
    for pack in pack_list():
        versions = sorted(pack.versions.all(), key=lambda v: v.effective_from, reverse=True)
        current = next((v for v in versions if v.effective_from <= today), None)
        regions = (current or versions[0]).regions.all() if versions else []
        packs.append(
            {
                "pack": pack,
                "versions": versions,
                "current": current,
                "regions": [(r.region_id, region_label(r.region_id)) for r in regions],
            }
        )
    return packs


_NAMES: dict[tuple[Any, ...], dict[str, str]] = {}


def citation_names() -> dict[str, str]:
    """Pack id → how pages cite its document (the newest version's ``cite_as``, else its
    name), read once per installed state."""
    state = installed_state()
    found = _NAMES.get(state)
    if found is None:
        found = {}
        for slug, content in PackVersion.objects.order_by("effective_from", "pk").values_list(
            "pack__slug", "content"
        ):
            meta = (content or {}).get("pack") or {}
            found[slug] = str(meta.get("cite_as") or meta.get("name") or "")
        _NAMES.clear()
        _NAMES[state] = found
    return found


def cite(clause: str) -> str:
    """A clause as users read it (SPEC §12.24); see ``rules.cite``."""
    return policy_rules.cite(clause or "", citation_names())


def cite_in(text: str) -> str:
    """Text with bracketed clauses, each cited as users read it (see ``rules.cite_in``)."""
    return policy_rules.cite_in(text or "", citation_names())


def plain_label(text: str) -> str:
    """A version label, also one frozen before labels named documents (``rules.plain_label``)."""
    return policy_rules.plain_label(text or "", citation_names())
