"""What the change log calls things: the record types, the keys of ``AuditEntry.changes`` that
are not fields of the record's model, and the coded values those keys hold.

A key that is a field of the record's model is labelled by the field's ``verbose_name``
(cqo.audit.display); the tables here cover what the services record besides fields (a
transition's derived status, a digest, a sheet per expert…). Every key an ``audit_record`` call
writes has a label here or on its model: tests/audit scans the code for them.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# AuditEntry.target_type -> the models whose fields describe its changes, first match wins.
# Target types equal to a model's ``_meta.model_name`` (evaluation, selfassessment…) need no row.
TARGET_MODELS: dict[str, tuple[str, ...]] = {
    "user": ("accounts.User",),
    "key": ("accounts.KeyRecord",),
    "api_token": ("accounts.ApiToken",),
    "address": ("accounts.LoginFailure",),
    "enterprise": ("registry.Enterprise", "registry.Reminder"),
    "person": ("registry.Person",),
    "appointment": ("registry.Appointment",),
    "listing": ("blacklist.Listing",),
    "appeal": ("blacklist.Appeal",),
    "pack_version": ("policy.PackVersion",),
    "study_record": ("hours.StudyRecord",),
    "hour_reminder": ("hours.HourReminder",),
    "training_plan": ("training.TrainingPlan",),
    "course": ("training.Course",),
    "training_session": ("training.Session",),
    "enrolment": ("training.Enrolment",),
    "training_certificate": ("training.TrainingCertificate",),
    "training_qualification": ("training.Qualification",),
    "enterprise_list": ("imports.EnterpriseList",),
    "legacy_file": ("imports.LegacyFile",),
    "region_target": ("coverage.RegionTarget",),
    "talent_entry": ("talent.TalentEntry",),
    "level_application": ("certification.Application",),
    "level_certificate": ("certification.LevelCertificate",),
    "level_recommendation": ("certification.Recommendation",),
    "certification_body": ("certification.CertificationBody",),
    "certification_expert": ("certification.Expert",),
    "evaluationsettings": ("evaluation.EvaluationSettings",),
    "quality": (
        "evaluation.CostAccount",
        "evaluation.CostEntry",
        "evaluation.QualityLoss",
        "evaluation.Revenue",
        "evaluation.CostTarget",
        "evaluation.CostPlan",
    ),
    "community_alliance": ("community.Alliance",),
    "community_membership": ("community.Membership",),
    "community_event": ("community.Event",),
    "community_registration": ("community.Registration",),
    "community_post": ("community.Post",),
    "community_answer": ("community.Answer",),
    "community_competition": ("community.CaseCompetition",),
    "community_submission": ("community.Submission",),
    # the trail itself (its exports)
    "audit_trail": ("audit.AuditEntry",),
}

# What the audit administrator's page calls a kind of record (AuditEntry.target_type) that has no
# model above, or whose model's name says less; the others are named by their first model's
# verbose_name (cqo.audit.display.target_label). The page's filter offers these and the above.
TARGET_LABELS: dict[str, Promise] = {
    "address": _("登录地址"),
    "quality": _("质量成本与质量损失"),
    "evaluation": _("首席质量官评价"),
    "selfassessment": _("首席质量官制度自我评估"),
    "improvementtask": _("改进任务"),
    "contactdetails": _("通知联系方式"),
    "mobilecode": _("手机验证码"),
    "optout": _("通知退订"),
    "outboxmessage": _("通知"),
    "coverage": _("覆盖率统计"),
    "coverage_report": _("覆盖率评估报告"),
    "data_keys": _("个人信息加密密钥"),
    "demo_import": _("演示数据"),
    "hour_reminders": _("学时提醒批次"),
    "level_reminders": _("再认定提醒批次"),
    "study_hours": _("学时统计"),
    "talent_pool": _("人才库"),
    "audit_trail": _("审计日志"),
}

# The name of a kind of record nobody has named: never the code itself.
UNKNOWN_TARGET = _("其他记录")

# Kinds of record whose entries name them in the services' own words or codes (a key rotation, a
# demo batch, a coverage target's region and metric): the kind's label and the changes say it.
TARGET_NAMED_BY_KIND = frozenset(
    {"data_keys", "demo_import", "level_reminders", "hour_reminders", "region_target"}
)

# Keys recorded for one kind of record that mean something else there than elsewhere.
TARGET_KEYS: dict[tuple[str, str], Promise] = {
    ("appointment", "status"): _("备案状态"),
    ("evaluation", "appointment"): _("聘任状态"),
    ("improvementtask", "evidence"): _("整改证明"),
    ("level_application", "appeal"): _("申诉"),
    ("level_certificate", "appeal"): _("申诉"),
    ("level_certificate", "status"): _("证书状态"),
    ("level_certificate", "ground"): _("监督事由"),
    ("certification_body", "members"): _("工作人员账号"),
    ("certification_expert", "body"): _("所属认定主体"),
    ("certification_expert", "user"): _("登录账号"),
    ("person", "user"): _("登录账号"),
    ("enterprise", "reminder_read_at"): _("督促通知已读时间"),
    ("hour_reminder", "read_at"): _("学时提醒已读时间"),
    ("community_submission", "competition"): _("评比活动"),
    ("community_answer", "post"): _("所答问题"),
    ("quality", "deleted"): _("删除的金额"),
    ("data_keys", "persons"): _("重新加密的人员记录"),
    ("data_keys", "enterprises"): _("重新加密的企业记录"),
    ("data_keys", "contacts"): _("重新加密的通知联系方式"),
    ("level_reminders", "count"): _("再认定提醒数量"),
    ("user", "address"): _("登录地址"),
    ("user", "failures"): _("连续登录失败次数"),
    ("address", "failures"): _("登录失败次数"),
    ("enterprise_list", "created"): _("新增企业"),
    ("enterprise_list", "updated"): _("更新企业"),
    ("legacy_file", "created"): _("新增记录"),
    ("legacy_file", "unchanged"): _("未变化的记录"),
    ("legacy_file", "conflicts"): _("冲突的行"),
    ("legacy_file", "errors"): _("错误的行"),
}

# Keys recorded besides the model's fields, whatever the record.
KEYS: dict[str, Promise] = {
    "status": _("状态"),
    "state": _("状态"),
    "declarations": _("本人声明"),
    "review_request": _("待复核事项"),
    "listing_notice": _("警示名单通知"),
    "warning": _("警示和退出记录"),
    "sha256": _("文件摘要"),
    "content_hash": _("内容摘要"),
    "regions": _("适用地区"),
    "version": _("版本"),
    "effective_from": _("生效日期"),
    "file": _("文件"),
    "mode": _("导入方式"),
    "count": _("数量"),
    "address": _("登录地址"),
    "failures": _("登录失败次数"),
    "tokens": _("有效 API 令牌数"),
    "token": _("API 令牌"),
    "password": _("密码"),
    # the sign-in policy (cqo.accounts.services, GB/T 22239-2019 8.1.4.1)
    "result": _("动态验证码"),
    "device": _("验证器应用"),
    "devices": _("已绑定的验证器应用数"),
    "idle_minutes": _("未操作时限（分钟）"),
    "max_age_days": _("密码最长使用期限（天）"),
    "is_active": _("账号启用"),
    "persons": _("人员记录"),
    "enterprises": _("企业记录"),
    "contacts": _("通知联系方式"),
    "user": _("登录账号"),
    "members": _("工作人员账号"),
    "body": _("认定主体"),
    "holder": _("持证人"),
    "issuer_kind": _("颁发机构类别"),
    "number": _("编号"),
    "level": _("等级"),
    "valid_until": _("有效期至"),
    "supersedes": _("替代的证书"),
    "organisation": _("所在组织"),
    "appeal": _("申诉"),
    "panel": _("认定专家组"),
    "total": _("总分"),
    "grade_by_score": _("按得分评定的等级"),
    "awarded_level": _("认定等级"),
    "submitted": _("已提交"),
    "work_periods": _("工作经历"),
    "evidence": _("证实性材料"),
    "ground": _("事由"),
    "person": _("人员"),
    "recommender": _("推荐人"),
    "recommender_kind": _("推荐方"),
    "withdrawn": _("已撤回"),
    "criteria": _("评分项"),
    "judges": _("评委"),
    "awards": _("奖项数量"),
    "competition": _("评比活动"),
    "method": _("方法"),
    "attachments": _("附件"),
    "scores": _("评分"),
    "published_at": _("公布时间"),
    "ranking": _("名次"),
    "capacity": _("名额"),
    "counts_hours": _("计入学时"),
    "hours": _("学时"),
    "starts_at": _("开始时间"),
    "post": _("所属问题"),
    "accepted_answer": _("采纳的回答"),
    "hidden": _("隐藏"),
    "region": _("地区"),
    "region_id": _("地区"),
    "set_by_region_id": _("下达地区"),
    "set_by_level": _("下达层级"),
    "metric": _("统计口径"),
    "share": _("目标覆盖率"),
    "kind": _("类别"),
    "name": _("名称"),
    "title": _("标题"),
    "role": _("身份"),
    "officer_title": _("职务"),
    "attended": _("出席"),
    "period": _("评价期间"),
    "decision": _("评价结论"),
    "appointment": _("聘任"),
    "pass_mark": _("合格分数"),
    "bands": _("等级划分"),
    "due_date": _("完成期限"),
    "year": _("年度"),
    "amount": _("金额"),
    "amount_max": _("金额上限"),
    "share_max": _("占营业收入比例上限（%）"),
    "category": _("成本类别"),
    "revenue": _("营业收入"),
    "deleted": _("已删除"),
    "ledger_index": _("存证序号"),
    "occurred_on": _("日期"),
    "read_at": _("已读时间"),
    "reminder_read_at": _("督促通知已读时间"),
    "applied_at": _("生效时间"),
    "end_date": _("结束日期"),
    "pack_version": _("适用政策包版本"),
    "qualifications": _("职称/资格"),
    "revoked_at": _("撤销时间"),
    "study_record": _("学时记录"),
    "session": _("培训班"),
    "note": _("说明"),
    "id_number": _("身份证号"),
    "mobile": _("手机号码"),
    "id_number_masked": _("身份证号"),
    "mobile_masked": _("手机号码"),
    "responsible_mobile_masked": _("负责人手机"),
}

# Keys made of a prefix and a name or a year: "sheet:赵立新", "review:2026".
PREFIXES: dict[str, Promise] = {
    "sheet:": _("%(rest)s 的评分表"),
    "review:": _("%(rest)s 年度总结评价"),
}

# The label of a key nobody has named: never the key itself.
UNKNOWN = _("其他变更")

# Keys whose values are coded by the choices of another model's field ("app.Model", "field"):
# a derived state, a value kept on a related record.
VALUE_FIELDS: dict[tuple[str, str], tuple[str, str]] = {
    ("level_certificate", "ground"): ("certification.SupervisionAction", "ground"),
    ("level_certificate", "review:"): ("certification.YearlyReview", "rating"),
    ("level_application", "appeal"): ("certification.Appeal", "status"),
    ("level_certificate", "appeal"): ("certification.Appeal", "status"),
    ("evaluation", "appointment"): ("registry.Appointment", "status"),
    ("community_submission", "state"): ("community.Submission", "state"),
}

# Coded values of lists and of keys no model field codes, by key.
VALUES: dict[str, dict[str, Promise]] = {
    # the codes of the packs' declaration conditions (level-standard §5.1.5; hangzhou-spec
    # 任职资格·职业素养)
    "declarations": {
        "disqualifications": _("无不得担任首席质量官的情形"),
        "conduct": _("具备首席质量官职业素养"),
    },
    "status": {"in_force": _("生效中"), "revoked": _("已撤销")},
    "appeal": {"pending": _("待处理")},
    "result": {"passed": _("正确"), "refused": _("错误")},
    "device": {"TOTP": _("已绑定")},
}

# Lists coded by a TextChoices of a model's module ("app.Model", "Choices class"), by key.
LIST_CHOICES: dict[tuple[str, str], tuple[str, str]] = {
    ("course", "forms"): ("training.Course", "Form"),
}

# Codes whose names are kept beside them on a record ("app.Model", code field, name field): the
# kinds of a quality loss come from the pack and are stored with their names.
NAMED_CODES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("quality", "kind"): ("evaluation.QualityLoss", "kind", "kind_label"),
}

# Keys whose values name other records by their public id: the model holding them.
REFERENCES: dict[str, str] = {
    "competition": "community.CaseCompetition",
    "post": "community.Post",
    "accepted_answer": "community.Answer",
    "study_record": "hours.StudyRecord",
    "token": "accounts.ApiToken",
}

# Keys whose values are user names (shown as the person's or organisation's name).
USER_KEYS = frozenset({"user", "members", "judges"})
# Keys whose values are region codes.
REGION_KEYS = frozenset({"region", "region_id", "set_by_region_id", "regions"})
# Shares kept as fractions (1.0000), shown as percentages.
SHARE_KEYS = frozenset({("region_target", "share")})
# Keys whose values are digests: shortened, with a label.
DIGEST_KEYS = frozenset({"sha256", "content_hash"})
# Keys whose values are secrets recorded only as "changed".
SECRET_KEYS = frozenset({"password"})
