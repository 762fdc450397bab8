"""The demo province's vocabulary and proportions: names, streets, posts, titles and the shares
of each filing status (cqo/registry/demo/__init__.py builds from them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

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


SHOWCASE_LOGINS = ("clerk", "clerk2", "cqo", "newcqo", "selfcqo")
DEMO_USERS = [
    "admin",
    "security",
    "auditor",
    "prov",
    "xian",
    "baoji",
    "yanta",
    "weibin",
    "clerk",
    "clerk2",
    "cqo",
    "newcqo",
    "selfcqo",
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
