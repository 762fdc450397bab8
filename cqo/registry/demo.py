"""Demo data: a believable Shaanxi province (610000) for trying the platform (`make run`).

What can go through the services does: the named accounts' records, the filing of the demo CQO,
the person waiting to be appointed, a reminder, and all 2,000 enterprises (about 2 ms each), so
they obey every invariant and leave the usual audit trail. Persons and the filing history are
bulk-inserted: a person's own registration hashes a password (~0.2 s each), and the filing
services stamp today's date while a believable history spans seven years. Each bulk batch still
records one audit entry naming what it imported. Every identifier is well-formed (USCC per
GB 32100, ID numbers per GB 11643, codes of GB/T 2260 and GB/T 4754) but invented.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record
from cqo.lib.codes import make_id_number, make_uscc
from cqo.reference.models import Region
from cqo.reference.selectors import region_label
from cqo.registry import services
from cqo.registry.models import Appointment, Enterprise, Person, Qualification, Reminder

PASSWORD = "Demo-2026!"  # noqa: S105  (the published password of the demo accounts)
PROVINCE = "610000"
SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH = 500


class Output(Protocol):
    """Where progress goes: a management command's stdout, a StringIO in tests."""

    def write(self, msg: str, /) -> Any: ...


def _rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.strip().splitlines()]


def _words(text: str) -> list[str]:
    return text.split()


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split("|")]


# Real GB/T 2260 counties of 西安 610100, 宝鸡 610300 and 咸阳 610400, weighted by how much
# industry they hold (the development zones of 未央, 雁塔, 高陵 and 长安 carry most of Xi'an's).
_COUNTY_WEIGHTS = _words("""
    610102 3  610103 2  610104 4  610111 5  610112 10  610113 9  610114 5  610116 8
    610117 8  610118 3  610302 7  610303 4  610304 5   610323 2  610324 1  610326 2
    610402 5  610403 3  610404 4  610422 3  610423 2   610481 3
""")
COUNTIES = {c: int(w) for c, w in zip(_COUNTY_WEIGHTS[::2], _COUNTY_WEIGHTS[1::2], strict=True)}
AREA_CODES = {"610100": ("029", 8), "610300": ("0917", 7), "610400": ("029", 8)}
# Birth places on ID numbers: Shaanxi counties and a few from neighbouring provinces.
ID_REGIONS = _words("""
    610102 610103 610104 610111 610112 610113 610121 610122 610124 610125 610302 610303
    610322 610323 610402 610425 410102 620102 370102
""")

# GB/T 4754 division, weight, then "word in the name:main products" pairs.
INDUSTRIES: dict[str, tuple[int, list[tuple[str, str]]]] = {
    row[0]: (int(row[1]), [(w, p) for w, p in (item.split(":") for item in row[2:])])
    for row in _rows("""
        13 6 食品:小麦粉、挂面 肉业:冷鲜肉、肉制品 粮油:菜籽油、食用植物油
        14 5 乳业:羊奶粉、液态乳 食品:速冻食品、面制品 调味品:酱油、食醋
        15 4 酒业:白酒（凤香型） 饮品:果汁饮料、包装饮用水 茶业:茯茶、绿茶
        17 1 纺织:棉纱、坯布
        18 2 服饰:职业装、工装
        22 1 纸业:瓦楞纸箱、包装纸板
        26 5 化工:精细化工中间体 新材料:水处理剂、涂料 化工:甲醇及下游产品
        27 6 制药:化学药制剂 药业:中成药（颗粒剂、胶囊剂） 生物医药:生物制品、原料药
        29 4 塑业:PE给水管材、管件 橡胶制品:橡胶密封件 塑业:塑料包装薄膜
        30 6 建材:商品混凝土、预拌砂浆 水泥:通用硅酸盐水泥 玻璃:光伏玻璃
        31 2 钢铁:螺纹钢、线材
        32 5 钛业:钛及钛合金板材、棒材 有色金属:锆铪材料、钼制品 铝业:铝型材
        33 6 钢结构:钢结构件、网架 金属制品:紧固件、五金工具 门窗:金属门窗
        34 9 泵业:离心泵、化工泵 阀门:工业阀门 轴承:精密轴承 锅炉:工业锅炉、压力容器
        35 8 石油机械:石油钻采设备 重工:矿山机械、起重设备 机械:食品机械、包装机械
        36 6 汽车:重型卡车 汽车零部件:汽车变速器、车桥 新能源科技:新能源汽车电驱系统
        37 3 航空科技:航空零部件、复合材料 轨道交通装备:铁路信号设备、道岔
        38 7 电气:高压开关、变压器 电缆:电线电缆 新能源:光伏组件、储能设备
        39 6 半导体:集成电路封装测试 光电:光电传感器、激光器 电子:印制电路板
        40 4 仪表:流量计、压力变送器 仪器仪表:电能表、智能水表 光学仪器:光学测量仪器
        41 1 工艺品:仿古青铜器、陶艺品
        42 1 再生资源:废钢加工、再生铝
        43 1 设备维修:机电设备修理
        06 1 煤业:原煤、洗精煤
        44 1 热力:热力生产和供应
        47 2 建设工程:房屋建筑工程施工
        48 1 路桥工程:公路、桥梁工程施工
        51 2 商贸:建材、机电产品批发
        65 2 信息技术:工业软件、信息系统集成
        74 2 检测技术:检验检测、计量校准服务
    """)
}

BRAND_A = "秦华恒鼎宏瑞中天汉长博金永兴凯泰德盛安新宝力达通正海隆源佳信创精卓睿航联荣康远诚益丰"
BRAND_B = "川星达盛远丰孚力唐庆源泰信隆业科华光宇辉恒越锐驰威邦特润晟昌"
STREETS = _words("""
    科技路 高新路 锦业路 丈八北路 草堂路 渭滨路 经二路 宝光路 世纪大道 人民路 建设路
    工业大道 创业路 发展大道 秦皇路 文汇路 迎宾大道 泾河大道
""")
# surname:pinyin:weight; the rare surname 𠮷 (U+20BB7, outside the BMP) is added on purpose.
SURNAMES = [
    (s, py, int(w))
    for s, py, w in (
        item.split(":")
        for item in _words("""
            王:wang:9 李:li:9 张:zhang:8 刘:liu:7 陈:chen:5 杨:yang:5 赵:zhao:4 黄:huang:3
            周:zhou:3 吴:wu:3 徐:xu:2 孙:sun:2 马:ma:3 朱:zhu:2 胡:hu:2 郭:guo:2 何:he:2
            高:gao:3 罗:luo:1 郑:zheng:1 梁:liang:1 谢:xie:1 宋:song:1 韩:han:2 冯:feng:1
            董:dong:2 雷:lei:2 薛:xue:2 党:dang:1 贺:he:1 田:tian:1 杜:du:1 任:ren:1 姚:yao:1
            白:bai:1 欧阳:ouyang:1 司马:sima:1
        """)
    )
]
GIVEN_M = "伟强磊军勇涛斌杰峰刚辉鹏超波明建国华林平亮浩宇晨凯鑫毅飞龙俊"
GIVEN_F = "芳娜敏静丽艳娟霞秀英萍玲婷雪琳颖洁倩慧莉雯佳晶瑶蕾"
MAIL_DOMAINS = ["163.com", "126.com", "qq.com", "sina.com"]
RARE_GIVEN = "堃喆昇赟玥"  # GB 18030 characters many systems get wrong
POSITIONS = [  # (rank, current position, appointed post), weight
    (("senior_deputy", "副总经理", "副总经理兼首席质量官"), 40),
    (("senior_deputy", "副总裁", "副总裁兼首席质量官"), 8),
    (("senior_head", "总工程师", "总工程师兼首席质量官"), 8),
    (("senior_deputy", "质量总监", "质量总监（首席质量官）"), 14),
    (("department_head", "质量部部长", "质量部部长（首席质量官）"), 20),
    (("top_manager", "总经理", "总经理兼首席质量官"), 4),
]
TITLES = [  # (title, level), weight
    (("高级工程师", "associate_senior"), 35),
    (("正高级工程师", "senior"), 6),
    (("工程师", "intermediate"), 30),
    (("高级经济师", "associate_senior"), 5),
    (("助理工程师", "junior"), 10),
    (("", "none"), 14),
]
EDUCATION = [
    ("bachelor", 50),
    ("master", 22),
    ("junior_college", 18),
    ("doctor", 4),
    ("high_school", 6),
]
MAJORS = _words("""
    机械工程 质量管理工程 化学工程与工艺 药学 食品科学与工程 材料科学与工程
    电气工程及其自动化 工商管理 测控技术与仪器 金属材料工程 车辆工程
""")
AWARDS = _items("""
    获评公司QC小组活动成果一等奖 | 主持的质量改进项目获陕西省质量协会QC成果二等奖
    | 获“陕西省优秀质量管理者”称号 | 获全国质量管理小组活动优秀推进者 | 获“西安市质量标兵”称号
    | 牵头通过ISO 9001质量管理体系认证 | 带领团队获评全国质量信得过班组
    | 主持建立IATF 16949质量管理体系并通过认证
""")
DUTIES = (
    "负责组织制定企业质量发展战略、质量方针和目标；组织建立、实施和持续改进质量管理体系；"
    "组织开展质量风险防控、质量安全事故调查处理和质量改进活动。"
)
POWERS = (
    "质量安全“一票否决”权；产品质量放行权；质量奖惩建议权；质量管理人员任免建议权；"
    "质量管理资源配置建议权。"
)
RETURN_REASONS = _items("""
    免冠照片缺失，请补充上传 | 备案人工作简历未注明质量管理经验，请补充
    | 聘任授权书扫描件不清晰，请重新上传 | 单位负责人手机号码与营业执照登记信息不一致，请核实
    | 所属行业门类填写有误，请按GB/T 4754-2017更正
""")
LED = ["quality_management", "inspection", "safety", "brand"]  # enums.LedDepartment order
END_REASONS = [  # (reason, note), weight
    (("resigned", "因个人原因离职"), 6),
    (("term_ended", "聘期届满未续聘"), 5),
    (("dismissed", "企业调整管理层，解除聘任"), 3),
    (("evaluation_failed", "年度考核不合格"), 1),
]


@dataclass(frozen=True)
class Plan:
    """How many of each row; the defaults are for 2,000 enterprises and scale with the count."""

    enterprises: int
    persons: int
    filed: int
    draft: int
    submitted: int
    returned: int
    ended: int

    @classmethod
    def for_enterprises(cls, n: int) -> Plan:
        if n < 20:
            raise ValueError("demo data needs at least 20 enterprises")
        counts = {
            k: max(1, round(n * share))
            for k, share in {
                "draft": 0.02,
                "submitted": 0.015,
                "returned": 0.01,
                "ended": 0.0075,
            }.items()
        }
        filed = round(n * 0.3)
        needed = filed + sum(counts.values()) + 1  # one person registered and waiting
        return cls(enterprises=n, persons=max(round(n * 0.4), needed + 3), filed=filed, **counts)


@dataclass
class DemoResult:
    plan: Plan
    seconds: float = 0.0
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, scope)
    appointable: tuple[str, str] = ("", "")  # (name, ID number)
    status_counts: dict[str, int] = field(default_factory=dict)


SHOWCASE_LOGINS = ("clerk", "clerk2", "cqo", "newcqo")
DEMO_USERS = [
    "admin",
    "prov",
    "xian",
    "baoji",
    "yanta",
    "weibin",
    "clerk",
    "clerk2",
    "cqo",
    "newcqo",
    "trainer",
    "certifier",
    "fin",
    "nanshan",
    "szit",
    "szclerk",
    "szcqo",
    "expert",
    "expert2",
    "cqo2",
]


def demo_exists() -> bool:
    return Enterprise.objects.exists() or User.objects.filter(username__in=DEMO_USERS).exists()


@transaction.atomic
def demo_reset() -> dict[str, int]:
    """Delete registry data and the demo users (clerks cannot outlive their enterprise)."""
    from cqo.blacklist.demo import blacklist_reset
    from cqo.certification.demo import certification_reset
    from cqo.community.demo import community_reset
    from cqo.coverage.demo import coverage_reset
    from cqo.evaluation.demo import evaluation_reset
    from cqo.talent.demo import talent_reset
    from cqo.training.demo import training_reset

    deleted = {
        **{f"community_{k}": v for k, v in community_reset().items()},
        **{f"coverage_{k}": v for k, v in coverage_reset().items()},
        **{f"evaluation_{k}": v for k, v in evaluation_reset().items()},
        **{f"certification_{k}": v for k, v in certification_reset().items()},
        "talent_entries": talent_reset(),
        **training_reset(),
        **blacklist_reset(),
        "reminders": Reminder.objects.all().delete()[0],
        "appointments": Appointment.objects.all().delete()[0],
        "users": User.objects.filter(Q(username__in=DEMO_USERS) | Q(enterprise__isnull=False))
        .delete()[1]
        .get("accounts.User", 0),
        "persons": Person.objects.all().delete()[1].get("registry.Person", 0),
        "enterprises": Enterprise.objects.all().delete()[0],
    }
    audit_record(
        actor=None,
        action="update",
        target_type="demo_import",
        target_id="reset",
        target_repr="演示数据重置",
        note=f"demo_data --reset deleted {deleted}",
    )
    return deleted


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
        ("admin", Role.ADMIN, {"is_staff": True, "is_superuser": True}, "平台管理员"),
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
    if ent.industry_id in ("13", "14", "15", "27") and g.rng.random() < 0.6:
        concurrent = (
            "quality_authorised_person" if ent.industry_id == "27" else "quality_safety_director"
        )
    else:
        concurrent = g.weighted(["", "management_representative"], [65, 35])
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
    )
    if status != "draft":
        submitted = min(form_date + dt.timedelta(days=g.rng.randint(0, 3)), g.today)
        appt.submitted_at = g.aware(submitted)
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
    return appt


def _reviewer(users: dict[str, User], county: str) -> User:
    """Who filed a bulk row: the demo regulator nearest to the county."""
    return {"610113": users["yanta"], "610302": users["weibin"]}.get(county) or {
        "610100": users["xian"],
        "610300": users["baoji"],
    }.get(county[:4] + "00", users["prov"])


def _say(out: Output | None, msg: str) -> None:
    if out is not None:
        out.write(msg + "\n")


@dataclass
class _Showcase:
    clerk_ent: Enterprise
    clerk2_ent: Enterprise
    cqo_person: Person
    appointable: tuple[str, str]


def _showcase(g: _Gen, users: dict[str, User]) -> _Showcase:
    """The records a visitor acts on, through the services: the clerk's enterprise in 610113
    with no CQO yet (and a reminder about it), a person registered there waiting to be
    appointed, and clerk2's enterprise in 610302 whose CQO (the ``cqo`` login) is filed."""
    yanta, weibin = users["yanta"], users["weibin"]
    clerk_ent = services.enterprise_create(
        actor=yanta,
        data={
            "uscc": make_uscc("610113", g.rng),
            "name": "西安华晟精密仪器有限公司",
            "industry": "40",
            "size": "medium",
            "nature": "private",
            "employees": 420,
            "website": "www.huasheng-yq.com",
            "main_products": "流量计、压力变送器、工业自动化仪表",
            "region": "610113",
            "registered_address": "陕西省西安市雁塔区锦业路69号",
            "responsible_name": "陈建华",
            "responsible_position": "总经理",
            "responsible_landline": "029-88321766",
            "responsible_mobile": "13991234567",
            "above_scale": True,
            "above_scale_year": 2019,
        },
    )
    clerk2_ent = services.enterprise_create(
        actor=weibin,
        data={
            "uscc": make_uscc("610302", g.rng),
            "name": "宝鸡恒瑞钛业股份有限公司",
            "industry": "32",
            "size": "large",
            "nature": "mixed",
            "listed": True,
            "employees": 2380,
            "website": "www.hengrui-ti.com.cn",
            "main_products": "钛及钛合金板材、棒材、管材，锆铪材料",
            "region": "610302",
            "registered_address": "陕西省宝鸡市渭滨区高新大道88号",
            "responsible_name": "杨振东",
            "responsible_position": "董事长",
            "responsible_landline": "0917-3376688",
            "responsible_mobile": "13909173366",
            "above_scale": True,
            "above_scale_year": 2012,
            "quality_award": "winner",
            "quality_award_year": 2021,
        },
    )
    g.names.update({clerk_ent.name, clerk2_ent.name})
    for actor, ent, username, label in [
        (yanta, clerk_ent, "clerk", "华晟经办人"),
        (weibin, clerk2_ent, "clerk2", "恒瑞经办人"),
    ]:
        services.clerk_create(
            actor=actor,
            enterprise=ent,
            data={
                "username": username,
                "password": PASSWORD,
                "display_name": label,
            },
        )
    clerk2 = User.objects.get(username="clerk2")

    cqo_id, _birth = g.id_number("M", born=(1970, 1984))
    cqo_user, cqo_person = services.person_register(
        data={
            "username": "cqo",
            "password": PASSWORD,
            "name": "刘赟",
            "id_number": cqo_id,
            "position": "副总经理",
            "title": "正高级工程师",
            "title_level": "senior",
            "education": "master",
            "major": "材料科学与工程",
            "mobile": "13892176543",
            "email": "liuyun@hengrui-ti.com.cn",
            "mailing_address": "陕西省宝鸡市渭滨区高新大道88号",
            "quality_years": 15,
            "region": "610302",
            "work_history": (
                "2008年7月—2016年6月，宝鸡恒瑞钛业股份有限公司质量部工程师、部长（期间主持的"
                "钛带卷质量改进项目获全国质量管理小组活动成果一等奖）。\n"
                "2016年7月—今，宝鸡恒瑞钛业股份有限公司副总经理，分管质量管理、质量检验、品牌建设。"
            ),
            "qualifications": [
                {
                    "kind": "professional_title",
                    "name": "正高级工程师",
                    "level": "senior",
                    "field": "材料",
                    "issuer": "陕西省人力资源和社会保障厅",
                }
            ],
        }
    )
    appt = services.appointment_create(
        actor=clerk2,
        data={
            "id_number": cqo_id,
            "person_name": "刘赟",
            "post": "副总经理兼首席质量官",
            "rank": "senior_deputy",
            "appointing_authority": "general_manager",
            "selection_method": "internal_selection",
            "reports_to_top": True,
            "departments_led": ["quality_management", "inspection", "brand"],
            "duties": DUTIES,
            "powers": POWERS,
            "start_date": g.past(200, 400),
            "declaration_confirmed": True,
            "concurrent_role": "management_representative",
        },
    )
    # the person confirms the appointment that names them (SPEC §12.23)
    services.appointment_confirm(actor=cqo_user, appointment=appt)
    services.filing_submit(actor=clerk2, appointment=appt)
    services.filing_approve(actor=weibin, appointment=appt, note="材料齐全，予以备案")

    new_id, _birth = g.id_number("F", born=(1980, 1992))
    services.person_register(
        data={
            "username": "newcqo",
            "password": PASSWORD,
            "name": "赵玥",
            "id_number": new_id,
            "position": "质量总监",
            "title": "高级工程师",
            "title_level": "associate_senior",
            "education": "master",
            "major": "测控技术与仪器",
            "mobile": "13700295566",
            "email": "zhaoyue@huasheng-yq.com",
            "mailing_address": "陕西省西安市雁塔区锦业路69号",
            "quality_years": 9,
            "region": "610113",
            "work_history": "2014年7月—今，西安华晟精密仪器有限公司质量部工程师、质量总监，"
            "牵头通过ISO 9001、ISO 10012测量管理体系认证。",
        }
    )
    services.reminder_send(
        actor=yanta,
        enterprise=clerk_ent,
        message="贵单位尚未备案首席质量官，请于30日内完成聘任并在线备案。",
    )
    return _Showcase(clerk_ent, clerk2_ent, cqo_person, ("赵玥", new_id))


def _enterprises(g: _Gen, users: dict[str, User], n: int) -> list[Enterprise]:
    """``n`` enterprises through the service (~2 ms each): every county gets one, the rest
    follow the weights; a few groups of subsidiaries in their parent's city (SPEC §12.17)."""
    counties = list(COUNTIES)
    places = counties[:n] + g.rng.choices(
        counties, list(COUNTIES.values()), k=max(0, n - len(counties))
    )
    ents = [
        services.enterprise_create(actor=_reviewer(users, c), data=_enterprise(g, c))
        for c in places
    ]
    parents = [e for e in ents if e.size == "large"][: max(1, n // 150)]
    grouped = {e.pk for e in parents}
    for parent in parents:
        city = parent.region.city_code
        subs = [e for e in ents if e.pk not in grouped and e.region.city_code == city]
        for sub in g.rng.sample(subs, min(3, len(subs))):
            data = {"group_parent": parent.uscc}
            services.enterprise_update(actor=users["prov"], enterprise=sub, data=data)
            grouped.add(sub.pk)
    return ents


def _history(
    g: _Gen,
    plan: Plan,
    ents: list[Enterprise],
    users: dict[str, User],
    regions: dict[str, Region],
    seed: int,
) -> int:
    """Persons and their filings, bulk-inserted; returns the number of persons."""
    # Larger enterprises are likelier to have appointed a CQO (weighted sampling, A-Res).
    weight = {"large": 10, "medium": 6, "small": 2, "micro": 1}
    order = sorted(ents, key=lambda e: g.rng.random() ** (1 / weight[e.size]), reverse=True)
    # +1 filed through the services, -1 ended by the demo exit listing (cqo.blacklist.demo)
    filed_ents, rest = order[: plan.filed], order[plan.filed :]
    # one submitted filing is made through the services (the Shenzhen showcase)
    open_n = plan.draft + plan.submitted - 1 + plan.returned
    open_ents, rest = rest[:open_n], rest[open_n:]
    # Two thirds of the ended ones preceded a serving CQO; the others left their post vacant.
    bulk_ended = plan.ended - 1  # and the one the exit listing ends
    n_pred = min(bulk_ended * 2 // 3, len(filed_ents))
    ended_ents = g.rng.sample(filed_ents, n_pred) + rest[: bulk_ended - n_pred]
    statuses = (
        ["filed"] * len(filed_ents)
        + ["draft"] * plan.draft
        + ["submitted"] * (plan.submitted - 1)
        + ["returned"] * plan.returned
        + ["ended"] * len(ended_ents)
    )
    targets = filed_ents + open_ents + ended_ents

    # Dates first: a predecessor left shortly before its successor started.
    periods: list[tuple[dt.date, dt.date | None]] = []
    serving: dict[int, dt.date] = {}
    for ent, status in zip(targets, statuses, strict=True):
        if status in ("draft", "submitted", "returned"):
            periods.append((g.past(5, 60), None))
        elif status == "filed":
            serving[ent.pk] = g.past(90, 7 * 365)
            periods.append((serving[ent.pk], None))
        elif ent.pk in serving:
            left = serving[ent.pk] - dt.timedelta(days=g.rng.randint(1, 60))
            periods.append((left - dt.timedelta(days=g.rng.randint(400, 6 * 365)), left))
        else:
            start = g.past(400, 7 * 365)
            left = start + dt.timedelta(days=g.rng.randint(200, (g.today - start).days - 1))
            periods.append((start, left))

    companies = [e.name for e in ents]
    rare_slots = {i * len(targets) // 6: c for i, c in enumerate("堃喆𠮷昇赟玥")}
    persons, facts = [], []
    for i, (ent, (joined, until)) in enumerate(zip(targets, periods, strict=True)):
        rare = rare_slots.get(i) or (g.rng.choice(RARE_GIVEN) if g.rng.random() < 0.01 else "")
        person, fact = _person(g, ent, ent.region_id, regions, companies, joined, until, rare)
        persons.append(person)
        facts.append(fact)
    for _ in range(plan.persons - len(targets) - 3):  # three registered through the services
        county = g.weighted(list(COUNTIES), list(COUNTIES.values()))
        persons.append(_person(g, None, county, regions, companies, g.past(365, 3650))[0])
    _bulk(Person, persons, users["admin"], "persons", seed, "public_id")
    quals = []
    for p in persons:
        if p.title:
            issued = dt.date(g.rng.randint(2005, g.today.year - 1), 12, 1)
            quals.append(
                Qualification(
                    person=p,
                    kind="professional_title",
                    name=p.title,
                    level=p.title_level,
                    field=p.major,
                    issued_on=issued,
                    issuer="陕西省人力资源和社会保障厅",
                )
            )
    Qualification.objects.bulk_create(quals, batch_size=BATCH)

    appts = [
        _appointment(g, ent, person, fact, status, _reviewer(users, ent.region_id), *period)
        for ent, person, fact, status, period in zip(
            targets, persons, facts, statuses, periods, strict=False
        )
    ]
    _bulk(Appointment, appts, users["admin"], "appointments", seed, "public_id")
    _record_verdicts(appts)
    filed = [a for a in appts if a.status in ("filed", "ended")]
    for a in filed:
        # As services.filing_approve numbers them: authority region, filing year, row id.
        year = timezone.localdate(a.filed_at).year
        a.filing_number = f"{a.filing_authority_id}{year}{a.pk:07d}"
        a.snapshot = services.filing_form_data(a, frozen=False)
    Appointment.objects.bulk_update(filed, ["filing_number", "snapshot"], batch_size=BATCH)
    return len(persons) + 3


BACKBONE = (
    "该人员为企业实践经验丰富的技术骨干，长期负责产品质量检验和工艺改进，"
    "企业结合实际聘任，特此书面说明。"
)


def _record_verdicts(appts: list[Appointment]) -> None:
    """Every submitted, filed and ended row keeps the verdict of the pack it was judged under,
    as ``services.filing_submit`` records it; where the pack asks for a written justification
    the demo enterprise has given one (SPEC §12.11)."""
    from cqo.policy import rules as policy
    from cqo.policy.selectors import governing_for_region

    judged = [a for a in appts if a.status != "draft"]
    if not judged:
        return
    gov = governing_for_region(Region.objects.get(code=PROVINCE), timezone.localdate())
    for a in judged:
        verdict = policy.verdict(gov.rules, services.eligibility_facts(a))
        if verdict.needing_justification:
            a.justification = BACKBONE
            verdict = policy.verdict(gov.rules, services.eligibility_facts(a))
        a.pack_version = gov.version
        a.verdict = services.verdict_record(gov, verdict, a)
    Appointment.objects.bulk_update(
        judged, ["justification", "pack_version", "verdict"], batch_size=BATCH
    )


@transaction.atomic
def build_demo(
    seed: int = 2026, enterprises: int = 2000, stdout: Output | None = None
) -> DemoResult:
    """Build the demo province; counts scale with ``enterprises`` (see ``Plan``). All or
    nothing: one transaction."""
    began = time.monotonic()
    plan = Plan.for_enterprises(enterprises)
    g = _Gen(seed)
    regions = {r.code: r for r in Region.objects.filter(province_code=PROVINCE)}
    users = _users(regions)
    show = _showcase(g, users)
    from cqo.policy.demo import build_policy_showcase

    elsewhere = build_policy_showcase(g.rng, users["admin"])
    _say(stdout, f"accounts and showcase records … {time.monotonic() - began:.1f}s")
    # two showcase enterprises in Shaanxi and one in Shenzhen (cqo.policy.demo)
    ents = _enterprises(g, users, plan.enterprises - 3)
    _say(stdout, f"{len(ents) + 3} enterprises … {time.monotonic() - began:.1f}s")
    n_persons = _history(g, plan, ents, users, regions, seed)
    _say(stdout, f"{n_persons} persons and their filings … {time.monotonic() - began:.1f}s")
    from cqo.blacklist.demo import build_blacklist_showcase

    build_blacklist_showcase(users["prov"])
    from cqo.training.demo import build_training_showcase

    build_training_showcase(g.rng, users["prov"], users["trainer"], show.cqo_person)
    from cqo.talent.demo import build_talent_showcase

    build_talent_showcase(users["certifier"], users["prov"])
    _say(stdout, f"training and study hours … {time.monotonic() - began:.1f}s")
    # the showcase's own logins too (the CQOs and clerks), for the apps' showcases below
    everyone = {
        **users,
        **{u.username: u for u in User.objects.filter(username__in=SHOWCASE_LOGINS)},
    }
    # after training: the CQO's study hours are items the evaluation form pre-fills
    from cqo.evaluation.demo import build_evaluation_showcase

    build_evaluation_showcase(g.rng, everyone)
    _say(stdout, f"evaluation, self-assessment, quality cost … {time.monotonic() - began:.1f}s")
    # after training: the demo CQO's training certificate is a §5.1.4 condition
    from cqo.certification.demo import build_certification_showcase

    build_certification_showcase(g.rng, everyone)
    _say(stdout, f"capability-level certification … {time.monotonic() - began:.1f}s")
    from cqo.community.demo import build_community_showcase

    build_community_showcase(g.rng, everyone)
    _say(stdout, f"alliance, events and case competition … {time.monotonic() - began:.1f}s")
    # last: the coverage aggregate is built from everything above
    from cqo.coverage.demo import build_coverage_showcase

    build_coverage_showcase(g.rng, everyone)
    from cqo.talent import index as talent_index

    talent_index.rebuild()
    _say(stdout, f"coverage aggregate and talent search index … {time.monotonic() - began:.1f}s")

    return DemoResult(
        plan=plan,
        seconds=time.monotonic() - began,
        status_counts=dict(Counter(Appointment.objects.values_list("status", flat=True))),
        appointable=show.appointable,
        logins=[
            ("admin", "平台管理员（超级用户）", "全部"),
            ("prov", "市场监管部门", "610000 陕西省"),
            ("xian", "市场监管部门", "610100 西安市"),
            ("baoji", "市场监管部门", "610300 宝鸡市"),
            ("yanta", "市场监管部门", "610113 西安市雁塔区"),
            ("weibin", "市场监管部门", "610302 宝鸡市渭滨区"),
            ("clerk", "企业经办人", f"{show.clerk_ent.name}（610113，尚无首席质量官）"),
            ("clerk2", "企业经办人", f"{show.clerk2_ent.name}（610302）"),
            ("cqo", "首席质量官", f"{show.cqo_person.name}，{show.clerk2_ent.name}（已备案）"),
            ("newcqo", "首席质量官", f"{show.appointable[0]}，已注册、尚未聘任（610113）"),
            ("cqo2", "首席质量官", "陈晓峰，陕西省首席质量官联盟会员（610113）"),
            ("trainer", "培训机构", "陕西省质量培训中心"),
            ("certifier", "认定机构", "陕西省质量协会"),
            ("expert", "认定机构（认定专家，专家组长）", "陕西省质量协会"),
            ("expert2", "认定机构（认定专家）", "陕西省质量协会"),
            *elsewhere,
        ],
    )
