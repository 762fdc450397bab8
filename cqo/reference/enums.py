"""Enumerations of SPEC §2, ordered where rules compare levels.

Values are stable codes used in the database and the API; labels are the Chinese terms of the
source documents (translatable). ``rank()`` gives the order for comparisons such as "大专 or above".
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderedChoices(models.TextChoices):
    @classmethod
    def rank(cls, value: str) -> int:
        """Position in declaration order; unknown or empty values rank lowest (-1)."""
        try:
            return list(cls.values).index(value)
        except ValueError:
            return -1

    @classmethod
    def at_least(cls, value: str, minimum: str) -> bool:
        return cls.rank(value) >= cls.rank(minimum) >= 0


class EnterpriseSize(OrderedChoices):
    # 统计上大中小微型企业划分办法(2017); declared smallest first so rank() grows with size.
    MICRO = "micro", _("微型")
    SMALL = "small", _("小型")
    MEDIUM = "medium", _("中型")
    LARGE = "large", _("大型")


# SPEC §2: 中小企业 = 中型+小型; 中小微企业 = 中型+小型+微型.
SME_SIZES = (EnterpriseSize.MEDIUM, EnterpriseSize.SMALL)
MSME_SIZES = (EnterpriseSize.MEDIUM, EnterpriseSize.SMALL, EnterpriseSize.MICRO)


class EnterpriseNature(models.TextChoices):
    # shenzhen-guide Annex A 单位性质; 上市公司 is kept as a separate flag (SPEC §2).
    STATE = "state", _("国营")
    PRIVATE = "private", _("民营")
    MIXED = "mixed", _("混合所有制")
    FOREIGN = "foreign", _("外资")
    JOINT_VENTURE = "joint_venture", _("中外合资")


class Education(OrderedChoices):
    HIGH_SCHOOL = "high_school", _("高中及以下")
    JUNIOR_COLLEGE = "junior_college", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士")
    DOCTOR = "doctor", _("博士")


class QualificationLevel(OrderedChoices):
    NONE = "none", _("无")
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    ASSOCIATE_SENIOR = "associate_senior", _("副高级")
    SENIOR = "senior", _("正高级")


class QualificationKind(models.TextChoices):
    PROFESSIONAL_TITLE = "professional_title", _("专业技术职称")
    VOCATIONAL = "vocational", _("职业资格")
    MANAGEMENT = "management", _("管理类资格")
    # A CQO training certificate (培训合格证) held, e.g. one issued before the platform existed
    # (hangzhou-spec 培训; level-standard §5.1.4, SPEC §12.4).
    TRAINING_CERTIFICATE = "cqo_training", _("首席质量官培训合格证")


class PositionRank(OrderedChoices):
    # Lowest first; shaanxi-2021 §四(一) asks 副总经理/副总裁 "or same rank or above".
    OTHER = "other", _("其他")
    DEPARTMENT_HEAD = "department_head", _("部门负责人")
    SENIOR_DEPUTY = "senior_deputy", _("高管副职（副总经理/副总裁或同职级）")
    SENIOR_HEAD = "senior_head", _("高管正职")
    TOP_MANAGER = "top_manager", _("最高管理者")


class ConcurrentRole(models.TextChoices):
    # shenzhen-guide §3.1 注2
    NONE = "", _("无")
    MANAGEMENT_REPRESENTATIVE = "management_representative", _("管理者代表")
    QUALITY_AUTHORISED_PERSON = "quality_authorised_person", _("质量受权人")
    QUALITY_SAFETY_DIRECTOR = "quality_safety_director", _("质量安全总监")


class AppointingAuthority(models.TextChoices):
    # hangzhou-spec 术语 and 聘用
    GENERAL_MANAGER = "general_manager", _("总经理（总裁）")
    TOP_MANAGEMENT = "top_management", _("最高管理层")
    SUPERIOR = "superior", _("上级组织或主管部门")


class SelectionMethod(models.TextChoices):
    # hangzhou-spec 聘用
    EXTERNAL_HIRE = "external_hire", _("外部招聘")
    INTERNAL_SELECTION = "internal_selection", _("内部选拔")
    APPOINTED_FROM_ABOVE = "appointed_from_above", _("上级任命")


class LedDepartment(models.TextChoices):
    # shaanxi-2021 §四(一), jiangsu-2020 §二
    QUALITY_MANAGEMENT = "quality_management", _("质量管理")
    QUALITY_OPERATIONS = "quality_operations", _("质量经营")
    INSPECTION = "inspection", _("质量检验")
    SAFETY = "safety", _("质量安全")
    BRAND = "brand", _("品牌建设")


class EndReason(models.TextChoices):
    # SPEC §3 events
    DISMISSED = "dismissed", _("解聘")
    RESIGNED = "resigned", _("离任")
    TERM_ENDED = "term_ended", _("任期届满")
    EVALUATION_FAILED = "evaluation_failed", _("考核不合格")
    INTEGRITY_BREACH = "integrity_breach", _("违反诚信要求")
    BLACKLIST_EXIT = "blacklist_exit", _("列入黑名单退出")


class QualityAward(models.TextChoices):
    NONE = "", _("无")
    NOMINEE = "nominee", _("政府质量奖提名奖")
    WINNER = "winner", _("政府质量奖")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")
