"""Plausible enterprises, persons, careers and filings from one seeded generator, and the demo
accounts of each role."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record
from cqo.lib.codes import make_id_number, make_uscc
from cqo.reference.models import Region
from cqo.reference.selectors import region_label
from cqo.registry.demo.data import (
    AREA_CODES,
    AWARDS,
    BATCH,
    BRAND_A,
    BRAND_B,
    DUTIES,
    EDUCATION,
    END_REASONS,
    GIVEN_F,
    GIVEN_M,
    ID_REGIONS,
    INDUSTRIES,
    LED,
    MAIL_DOMAINS,
    MAJORS,
    PASSWORD,
    POSITIONS,
    POWERS,
    RETURN_REASONS,
    SHANGHAI,
    STREETS,
    SURNAMES,
    TITLES,
    Output,
)
from cqo.registry.models import Appointment, Enterprise, Person


class _Gen:
    """Random but plausible values; one seeded generator, so a seed always gives the same data."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.names: set[str] = set()
        self.ids: set[str] = set()

    def weighted(self, items: Sequence[Any], weights: Sequence[int]) -> Any:
        return self.rng.choices(items, weights=weights)[0]

    def person_name(self, gender: str, rare: str = "") -> tuple[str, str]:
        surname, pinyin, _w = self.weighted(SURNAMES, [s[2] for s in SURNAMES])
        pool = GIVEN_M if gender == "M" else GIVEN_F
        given = "".join(self.rng.choice(pool) for _ in range(self.rng.choice((1, 2, 2))))
        if rare == "𠮷":
            surname, pinyin = "𠮷", "ji"
        elif rare:
            given = given[:1] + rare if len(given) > 1 else rare
        return surname + given, pinyin

    def mobile(self) -> str:
        return self.rng.choice(
            ["139", "138", "137", "135", "158", "159", "186", "189", "177", "199"]
        ) + (f"{self.rng.randrange(10**8):08d}")

    def landline(self, county: str) -> str:
        code, digits = AREA_CODES[county[:4] + "00"]
        rest = self.rng.randrange(10 ** (digits - 1))
        return f"{code}-{self.rng.choice('88886633')}{rest:0{digits - 1}d}"

    def id_number(self, gender: str, born: tuple[int, int] = (1966, 1996)) -> tuple[str, dt.date]:
        # stdnum accepts an address code only for births while the code existed: retry.
        while True:
            birth = dt.date(
                self.rng.randint(*born), self.rng.randint(1, 12), self.rng.randint(1, 28)
            )
            for region in self.rng.sample(ID_REGIONS, 6):
                try:
                    number = make_id_number(region, birth, gender, self.rng)
                except ValueError:
                    continue
                if number not in self.ids:
                    self.ids.add(number)
                    return number, birth

    def enterprise_name(self, county: str, word: str, listed: bool) -> str:
        city = {"610100": "西安", "610300": "宝鸡", "610400": "咸阳"}[county[:4] + "00"]
        short = region_label(county).removeprefix("陕西省")[3:]
        short = short[:-1] if len(short) > 2 else short
        while True:
            place = self.weighted([city, "陕西", short], [60, 35, 5])
            brand = self.rng.choice(BRAND_A) + self.rng.choice(BRAND_B)
            suffix = (
                "股份有限公司" if listed else self.weighted(["有限公司", "有限责任公司"], [85, 15])
            )
            name = f"{place}{brand}{word}{suffix}"
            if brand[0] != brand[1] and name not in self.names:
                self.names.add(name)
                return name

    def address(self, county: str) -> str:
        return f"{region_label(county)}{self.rng.choice(STREETS)}{self.rng.randint(1, 399)}号"

    def website(self) -> str:
        letters = "".join(
            self.rng.choice("abcdefghjkmnpqrstwxyz") for _ in range(self.rng.randint(4, 7))
        )
        return f"http://www.{letters}{self.rng.choice(['.com', '.com.cn', '.cn'])}"

    def aware(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(
            day, dt.time(self.rng.randint(8, 17), self.rng.randint(0, 59)), SHANGHAI
        )

    def past(self, days_min: int, days_max: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(days_min, days_max))


def _enterprise(g: _Gen, county: str) -> dict[str, Any]:
    """The data an enterprise_create call takes, for one plausible enterprise in ``county``."""
    division = g.weighted(list(INDUSTRIES), [v[0] for v in INDUSTRIES.values()])
    word, products = g.rng.choice(INDUSTRIES[division][1])
    size = g.weighted(["large", "medium", "small", "micro"], [4, 16, 45, 35])
    if size == "micro" and division in ("31", "32", "36", "37"):  # no micro steelworks
        size = "small"
    # 统计上大中小微型企业划分办法(2017), industry: employees ≥1000 large, ≥300 medium, ≥20 small.
    employees = {
        "large": (1000, 12000),
        "medium": (300, 999),
        "small": (20, 299),
        "micro": (5, 19),
    }[size]
    # 规模以上工业企业 (revenue ≥ 20 million yuan): all large and medium, a third of small ones.
    above = size in ("large", "medium") or (size == "small" and g.rng.random() < 0.33)
    listed = (size == "large" and g.rng.random() < 0.2) or (
        size == "medium" and g.rng.random() < 0.03
    )
    award, award_year = "", None
    if size in ("large", "medium") and g.rng.random() < 0.12:
        award, award_year = (
            g.weighted(["winner", "nominee"], [2, 3]),
            g.rng.randint(2014, g.today.year - 1),
        )
    return dict(
        uscc=make_uscc(county, g.rng),
        name=g.enterprise_name(county, word, listed),
        website=g.website() if g.rng.random() < 0.6 else "",
        employees=g.rng.randint(*employees),
        industry=division,
        size=size,
        nature=g.weighted(
            ["private", "state", "mixed", "foreign", "joint_venture"], [70, 8, 10, 5, 7]
        ),
        listed=listed,
        main_products=products,
        registered_address=g.address(county),
        region=county,
        responsible_name=g.person_name(g.weighted(["M", "F"], [85, 15]))[0],
        responsible_position=g.weighted(
            ["董事长", "总经理", "执行董事", "董事长兼总经理"], [3, 5, 1, 2]
        ),
        responsible_landline=g.landline(county),
        above_scale=above,
        above_scale_year=g.rng.randint(2012, g.today.year - 1) if above else None,
        quality_award=award,
        quality_award_year=award_year,
        special_equipment_licence=(
            f"TS{g.rng.randint(2100, 2799)}{g.rng.randint(100, 999)}-{g.today.year + 2}"
            if division in ("34", "35") and g.rng.random() < 0.15
            else ""
        ),
        responsible_mobile=g.mobile(),
    )


def _career(
    g: _Gen,
    birth: dt.date,
    joined: dt.date,
    left: dt.date | None,
    previous: str,
    company: str,
    position: str,
) -> tuple[str, int]:
    """Annex A 工作简历 with quality experience and awards, consistent with the appointment
    (``joined`` is its start, ``left`` its end), and the years of quality work it implies."""
    first_min = birth.year + 22
    first = (
        g.rng.randint(first_min, joined.year - 1) if first_min < joined.year else joined.year - 1
    )
    hired = min(dt.date(g.rng.randint(first + 1, joined.year), g.rng.randint(1, 12), 1), joined)
    before = hired - dt.timedelta(days=1)
    month = g.rng.randint(1, before.month if before.year == first else 12)
    until = "今" if left is None else f"{left.year}年{left.month}月"
    history = (
        f"{first}年{month}月—{before.year}年{before.month}月，{previous}质量部质量工程师、"
        f"质量部副部长（期间{g.rng.choice(AWARDS)}）。\n"
        f"{hired.year}年{hired.month}月—{until}，{company}{position}，分管质量管理、质量检验工作，"
        f"{g.rng.choice(AWARDS)}。"
    )
    return history, (left or g.today).year - first


def _person(
    g: _Gen,
    ent: Enterprise | None,
    county: str,
    regions: dict[str, Region],
    companies: list[str],
    joined: dt.date,
    left: dt.date | None = None,
    rare: str = "",
) -> tuple[Person, tuple[str, str, str]]:
    gender = g.weighted(["M", "F"], [72, 28])
    name, pinyin = g.person_name(gender, rare)
    number, birth = g.id_number(gender)
    rank, position, post = g.weighted(*zip(*POSITIONS, strict=True))
    title, level = g.weighted(*zip(*TITLES, strict=True))
    company = ent.name if ent else g.rng.choice(companies)
    history, years = _career(g, birth, joined, left, g.rng.choice(companies), company, position)
    person = Person(
        name=name,
        gender=gender,
        birth_date=birth,
        position=position,
        title=title,
        title_level=level,
        education=g.weighted(*zip(*EDUCATION, strict=True)),
        major=g.rng.choice(MAJORS),
        email=f"{pinyin}{g.rng.randint(1, 999)}@{g.rng.choice(MAIL_DOMAINS)}",
        mailing_address=ent.registered_address if ent else g.address(county),
        quality_years=years,
        work_history=history,
        region=regions[county],
    )
    person.id_number = number
    person.mobile = g.mobile()
    return person, (rank, post, title)


def _audit_batch(admin: User, kind: str, n: int, rows: list[str], seed: int) -> None:
    audit_record(
        actor=admin,
        action="create",
        target_type="demo_import",
        target_id=f"{kind}-{n}",
        target_repr=f"演示数据批量导入：{kind} {len(rows)} 条",
        note=f"demo_data seed={seed}: bulk import of {len(rows)} {kind} ({rows[0]} … {rows[-1]})",
    )


def _bulk(model: Any, objs: list[Any], admin: User, kind: str, seed: int, key: str) -> None:
    for i in range(0, len(objs), BATCH):
        chunk = objs[i : i + BATCH]
        model.objects.bulk_create(chunk)
        _audit_batch(admin, kind, i // BATCH + 1, [str(getattr(o, key)) for o in chunk], seed)


def _users(regions: dict[str, Region]) -> dict[str, User]:
    # One hash for every staff account: the same password, and ~0.2 s saved per account.
    hashed = make_password(PASSWORD)
    specs: list[tuple[str, str, dict[str, Any], str]] = [
        # 三员分立 (GB/T 22239-2019 8.1.4.2 d)): three administrators, an account each
        ("admin", Role.ADMIN, {"is_staff": True}, "系统管理员"),
        ("security", Role.SECURITY, {"is_staff": True}, "安全管理员"),
        ("auditor", Role.AUDITOR, {"is_staff": True}, "审计管理员"),
        ("prov", Role.REGULATOR, {"region": regions["610000"]}, "陕西省市场监督管理局"),
        ("xian", Role.REGULATOR, {"region": regions["610100"]}, "西安市市场监督管理局"),
        ("baoji", Role.REGULATOR, {"region": regions["610300"]}, "宝鸡市市场监督管理局"),
        ("yanta", Role.REGULATOR, {"region": regions["610113"]}, "雁塔区市场监督管理局"),
        ("weibin", Role.REGULATOR, {"region": regions["610302"]}, "渭滨区市场监督管理局"),
        ("trainer", Role.TRAINER, {"organisation": "陕西省质量培训中心"}, "陕西省质量培训中心"),
        ("certifier", Role.CERTIFIER, {"organisation": "陕西省质量协会"}, "陕西省质量协会"),
    ]
    users = {}
    for username, role, extra, label in specs:
        user = User(username=username, role=role, password=hashed, display_name=label, **extra)
        user.full_clean(exclude=["password"])
        user.save()
        users[username] = user
    return users


def _appointment(
    g: _Gen,
    ent: Enterprise,
    person: Person,
    facts: tuple[str, str, str],
    status: str,
    reviewer: User,
    start: dt.date,
    ended_on: dt.date | None,
) -> Appointment:
    """One appointment in ``status`` with its dates in order: start ≤ form ≤ submitted ≤
    filed ≤ ended."""
    rank, post, _title = facts
    concurrent = _concurrent_role(g, ent)
    term_end = start + dt.timedelta(days=3 * 365)
    while ended_on is None and term_end < g.today and g.rng.random() < 0.95:
        term_end += dt.timedelta(days=3 * 365)  # most were renewed (续聘)
    form_date = min(start + dt.timedelta(days=g.rng.randint(0, 20)), g.today)
    departments = g.rng.sample(list(LED), g.rng.randint(1, 3))
    appt = Appointment(
        enterprise=ent,
        person=person,
        status=status,
        post=post,
        rank=rank,
        concurrent_role=concurrent,
        appointing_authority=g.weighted(
            ["general_manager", "top_management", "superior"], [70, 20, 10]
        ),
        selection_method=g.weighted(
            ["internal_selection", "external_hire", "appointed_from_above"], [70, 20, 10]
        ),
        reports_to_top=g.rng.random() < 0.92,
        departments_led=[d for d in LED if d in departments],
        duties=DUTIES,
        powers=POWERS,
        start_date=start,
        term_end=term_end,
        form_date=form_date if status != "draft" else None,
        declaration_confirmed=status != "draft" or g.rng.random() < 0.5,
        filing_authority=ent.region if status in ("filed", "ended") else None,
        # 待遇 (jiangsu-2020 §四, shaanxi-2021 §四(一)): senior posts carry a senior's treatment
        treatment="senior_deputy" if rank in ("senior_deputy", "senior_head") else "",
    )
    _progress(g, appt, form_date, term_end, reviewer, ended_on)
    return appt


def _concurrent_role(g: _Gen, ent: Enterprise) -> str:
    """The post the CQO holds besides, if any: in food, drink and drug manufacturing
    (divisions 13–15 and 27) often the industry's own quality officer."""
    if ent.industry_id in ("13", "14", "15", "27") and g.rng.random() < 0.6:
        return "quality_authorised_person" if ent.industry_id == "27" else "quality_safety_director"
    return g.weighted(["", "management_representative"], [65, 35])


def _progress(
    g: _Gen,
    appt: Appointment,
    form_date: dt.date,
    term_end: dt.date,
    reviewer: User,
    ended_on: dt.date | None,
) -> None:
    """What happened to ``appt`` after the form was signed, as far as its status goes: when it
    was submitted and filed, why it was returned, how it ended."""
    status = appt.status
    if status != "draft":
        submitted = min(form_date + dt.timedelta(days=g.rng.randint(0, 3)), g.today)
        appt.submitted_at = g.aware(submitted)
        # the person's declaration every submitted filing carries (SPEC §12.11)
        appt.declarations = ["disqualifications"]
        appt.declared_at = appt.submitted_at
    if status in ("filed", "ended"):
        filed_day = min(submitted + dt.timedelta(days=g.rng.randint(1, 15)), g.today)
        appt.filed_at = max(g.aware(filed_day), appt.submitted_at or g.aware(filed_day))
        appt.filed_by = reviewer
    if status == "returned":
        appt.return_reason = g.rng.choice(RETURN_REASONS)
    if status == "ended" and ended_on is not None:
        reason, note = g.weighted(*zip(*END_REASONS, strict=True))
        appt.ended_on, appt.end_reason, appt.end_note = ended_on, reason, note
        appt.term_end = ended_on if reason == "term_ended" else max(term_end, ended_on)


def _reviewer(users: dict[str, User], county: str) -> User:
    """Who filed a bulk row: the demo regulator nearest to the county."""
    return {"610113": users["yanta"], "610302": users["weibin"]}.get(county) or {
        "610100": users["xian"],
        "610300": users["baoji"],
    }.get(county[:4] + "00", users["prov"])


def _say(out: Output | None, msg: str) -> None:
    if out is not None:
        out.write(msg + "\n")
