"""The provincial CQO talent pool (人才库, shaanxi-2021 §五(一); SPEC §8): recommendations by
certification bodies (level-standard §11), regulators or enterprises, decided by the province."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cqo.lib import bounds
from cqo.lib.bounds import text_field


class TalentEntry(models.Model):
    class State(models.TextChoices):
        RECOMMENDED = "recommended", _("已推荐")
        ADMITTED = "admitted", _("已入库")
        DECLINED = "declined", _("未入库")

    class Recommender(models.TextChoices):
        CERTIFIER = "certifier", _("认定机构")
        REGULATOR = "regulator", _("市场监管部门")
        ENTERPRISE = "enterprise", _("所在企业")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="talent_entries"
    )
    # the pool is the province's (shaanxi-2021 §五(一) 省级层面建立…人才库)
    province = models.ForeignKey(
        "reference.Region",
        verbose_name=_("人才库（省）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.RECOMMENDED
    )
    recommender_kind = models.CharField(_("推荐方"), max_length=12, choices=Recommender.choices)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = text_field(_("推荐理由"), max_length=bounds.STATEMENT)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_note = text_field(_("决定说明"), max_length=bounds.NOTE, blank=True)
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # one open recommendation or admission per person and province at a time
            models.UniqueConstraint(
                fields=["person", "province"],
                condition=Q(state__in=["recommended", "admitted"]),
                name="talent_one_open_entry",
            )
        ]
        verbose_name = _("人才库记录")
        verbose_name_plural = _("人才库记录")

    def __str__(self) -> str:
        return f"{self.person} · {self.get_state_display()}"


# The search index (SPEC §8 at provincial scale) ------------------------------------------------

# the columns every search index ends with: a count or a page with any filter is answered from
# the index alone, without reading the table (``placed``: a department's scope reads it)
_FILTERS = ["section", "division", "years", "level", "level_until", "state", "trained", "placed"]
# one index per scope a search can have: a province, a city, a county, everywhere
_SCOPES = [
    ("prov", ["gram", "province"]),
    ("city", ["gram", "city"]),
    ("region", ["gram", "region"]),
    ("all", ["gram"]),
]


class SearchRow(models.Model):
    """One row per person and character of the name (plus one with ``gram`` "" for searches
    without a name): where the person serves now, and what the search filters on. A cache of
    the registry kept by cqo/talent/index/ from the audit trail; never edited by hand."""

    gram = models.CharField(max_length=1)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    name = models.CharField(max_length=50)
    # the place: the region of the enterprise of the latest filing, else where they registered
    # (``placed`` False: no filing, so no industry and nothing a department sees by it)
    region = models.CharField(max_length=6)
    city = models.CharField(max_length=6)
    province = models.CharField(max_length=6)
    section = models.CharField(max_length=1)
    division = models.CharField(max_length=4)
    years = models.PositiveSmallIntegerField()
    # capability level in force (0 none, 1 AAA, 2 AAAA, 3 AAAAA) and the last day it is
    level = models.PositiveSmallIntegerField()
    level_until = models.DateField(null=True)
    state = models.CharField(max_length=12)
    trained = models.BooleanField()
    placed = models.BooleanField(default=False)
    # a level, a pool entry or a training certificate: the few a search by them reads, from
    # the partial indexes (without them a page of a rare filter walks the whole province)
    flagged = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=[*scope, "name", "person", *_FILTERS], name=f"ts_{name}")
            for name, scope in _SCOPES
        ] + [
            models.Index(
                fields=[*scope, "name", "person", *_FILTERS],
                name=f"ts_{name}_flagged",
                condition=Q(flagged=True),
            )
            for name, scope in _SCOPES
        ]

    def __str__(self) -> str:
        return f"{self.gram or '*'} {self.name}"


# what a tally is keyed by: the place and the filters a count without a name or a level asks
TALLY_KEYS = [
    "region",
    "city",
    "province",
    "section",
    "division",
    "years",
    "state",
    "trained",
    "placed",
]


class SearchTally(models.Model):
    """How many persons share one place and one set of filter values (the ``gram`` "" rows of
    SearchRow, grouped): a count without a name or a level sums the tallies in scope — a few
    thousand rows for a province instead of a million index entries. Kept with SearchRow by
    cqo/talent/index/; never edited by hand."""

    region = models.CharField(max_length=6)
    city = models.CharField(max_length=6)
    province = models.CharField(max_length=6)
    section = models.CharField(max_length=1)
    division = models.CharField(max_length=4)
    years = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=12)
    trained = models.BooleanField()
    placed = models.BooleanField(default=False)
    persons = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=TALLY_KEYS, name="talent_tally_key")]
        indexes = [
            models.Index(fields=["province", "persons"], name="tt_prov"),
            models.Index(fields=["city", "persons"], name="tt_city"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.division or self.section} {self.persons}"


class SearchLink(models.Model):
    """Another way a person is in a viewer's scope than their place (access.person_q): the
    region they registered in, and the enterprise of each of their appointments, drafts and
    ended ones included, where it differs from the place. Few persons have one (those who
    moved, or whose only appointment is a draft). A link carries the person's name, place and
    filter values too, so a regulator's search reads the persons its links bring in from one
    index range of this table, beside its place's range of SearchRow. Kept with SearchRow by
    cqo/talent/index/; never edited by hand."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    # the link: a region and, for an appointment, its enterprise's industry
    region = models.CharField(max_length=6)
    city = models.CharField(max_length=6)
    province = models.CharField(max_length=6)
    section = models.CharField(max_length=1)
    division = models.CharField(max_length=4)
    # an appointment's enterprise (a department sees the person by it), not the registered region
    filing = models.BooleanField()
    # the place is in another county, city or province: a regulator there sees the person only
    # by a link; ``first_*``: the one link of the person it reads (no person twice)
    out_region = models.BooleanField()
    out_city = models.BooleanField()
    out_province = models.BooleanField()
    first_region = models.BooleanField()
    first_city = models.BooleanField()
    first_province = models.BooleanField()
    # the person as SearchRow has them: the name, the place and the filtered values
    name = models.CharField(max_length=50)
    place_region = models.CharField(max_length=6)
    place_city = models.CharField(max_length=6)
    place_province = models.CharField(max_length=6)
    place_section = models.CharField(max_length=1)
    place_division = models.CharField(max_length=4)
    years = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField()
    level_until = models.DateField(null=True)
    state = models.CharField(max_length=12)
    trained = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(
                fields=["province", "out_province", "first_province", "name", "person"],
                name="tl_prov",
            ),
            models.Index(
                fields=["city", "out_city", "first_city", "name", "person"], name="tl_city"
            ),
            models.Index(
                fields=["region", "out_region", "first_region", "name", "person"], name="tl_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.region} {self.division or self.section}"


class SearchMark(models.Model):
    """The search index's watermark: every audit entry up to ``audit_id`` is reflected."""

    audit_id = models.BigIntegerField(default=0)
    # the entries above audit_id already applied (cqo/audit/follow.py)
    recent = models.JSONField(default=list, blank=True)
    built_at = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return str(self.audit_id)
