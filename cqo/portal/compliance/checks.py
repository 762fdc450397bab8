"""The controls of the 安全合规 report, one function per section (cqo.portal.compliance). Each reads
what the platform holds now with counts; none walks rows."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts import selectors as accounts
from cqo.accounts.duties import ADMINISTRATORS
from cqo.accounts.models import Role, User
from cqo.audit import rules as audit_rules
from cqo.audit import selectors as audit
from cqo.certification.models import LevelCertificate
from cqo.ledger import note
from cqo.ledger import selectors as ledger
from cqo.lib import crypto
from cqo.notify.models import ContactDetails
from cqo.portal.compliance.report import INFO, MET, NOT_MET, Control
from cqo.registry.models import Enterprise, Person
from cqo.training.models import TrainingCertificate

SUITES = {
    crypto.INTERNATIONAL: _("国际通用算法（AES-128、HMAC-SHA256、Ed25519）"),
    crypto.NATIONAL: _("国密算法（SM4-GCM、HMAC-SM3、SM2）"),
    crypto.BOTH: _("过渡：写入国密算法，同时读取两种算法"),
}
_CRYPTO = "GB/T 39786-2021"
# the password floor the platform ships with and reports against (平台默认: GB/T 22239-2019
# 8.1.4.1 a) asks for complexity and names no numbers; config/settings.py's defaults)
PASSWORD_MIN_LENGTH = 8  # 平台默认
PASSWORD_MIN_CLASSES = 3  # 平台默认


def _suite_now() -> str:
    return str(SUITES.get(crypto.suite(), crypto.suite()))


def _stored_tokens() -> tuple[int, int]:
    """(encrypted personal values written in the national suite, all encrypted values): the ID
    numbers and mobiles of the registry and the notice mobiles, counted by their token prefix."""
    national = all_ = 0
    columns = (
        (Person, "id_number_enc"),
        (Person, "mobile_enc"),
        (Enterprise, "responsible_mobile_enc"),
        (ContactDetails, "mobile_enc"),
    )
    for model, column in columns:
        counts = model.objects.exclude(**{column: ""}).aggregate(
            all=Count("pk"),
            national=Count("pk", filter=Q(**{f"{column}__startswith": crypto.SM4_PREFIX})),
        )
        national += counts["national"]
        all_ += counts["all"]
    return national, all_


def _checkpoint_sm2() -> tuple[str, str]:
    """(state, words) of the newest hour-log checkpoint's SM2 signature."""
    latest = ledger.latest_checkpoint()
    if latest is None:
        return INFO, _("学时记录尚无检查点")
    try:
        note.open_note(latest.note, ledger.sm2_verifier())
    except note.NoteError:
        state = NOT_MET if crypto.signs_national() else INFO
        return state, _("最新检查点（%(n)d 条）没有有效的 SM2 签名") % {"n": latest.size}
    return MET, _("最新检查点（%(n)d 条）带有有效的 SM2 签名") % {"n": latest.size}


def _certificates_signed() -> list[tuple[str, str]]:
    rows = []
    for label, model in (
        (_("培训合格证"), TrainingCertificate),
        (_("能力水平证书"), LevelCertificate),
    ):
        counts = model.objects.aggregate(
            all=Count("pk"), sm2=Count("pk", filter=~Q(content_sm2=""))
        )
        rows.append((str(label), _("%(sm2)d / %(all)d 张带 SM2 签名") % counts))
    return rows


# the keys of one suite only: unused under the other (the other's data key still reads what it
# wrote until rotate_data_keys has moved it)
_INTERNATIONAL_ONLY = {"data_key"}
_NATIONAL_ONLY = {"sm4_key", "sm2_key"}


def _key_rows() -> tuple[list[tuple[str, str]], list[str], int]:
    """(key, age) rows of the key register, the keys in use older than CQO_KEY_MAX_AGE_DAYS, and
    how many keys the current suite uses."""
    now, limit = timezone.now(), settings.CQO_KEY_MAX_AGE_DAYS
    unused = _INTERNATIONAL_ONLY if crypto.suite() == crypto.NATIONAL else set()
    if not crypto.writes_national():
        unused = _NATIONAL_ONLY
    rows, old, used = [], [], 0
    for record in accounts.key_register():
        label = accounts.key_label(record.name)
        age = (now - record.first_seen).days
        if record.retired:
            rows.append((label, _("已停用，仅解密旧数据；指纹 %(f)s") % {"f": record.fingerprint}))
            continue
        if record.name in unused:
            rows.append((label, _("当前密码套件不使用；指纹 %(f)s") % {"f": record.fingerprint}))
            continue
        used += 1
        rows.append(
            (
                label,
                _("启用于 %(d)s，已用 %(n)d 天；指纹 %(f)s")
                % {"d": f"{record.first_seen:%Y-%m-%d}", "n": age, "f": record.fingerprint},
            )
        )
        if limit and age > limit:
            old.append(label)
    return rows, old, used


def cryptography() -> list[Control]:
    area = _("密码应用")
    national = crypto.suite() in (crypto.NATIONAL, crypto.BOTH)
    moved, stored = _stored_tokens()
    done = moved == stored
    sm2_state, sm2_now = _checkpoint_sm2()
    keys, old, used = _key_rows()
    return [
        Control(
            area,
            _("密码算法"),
            f"{_CRYPTO} 5",
            MET if crypto.suite() == crypto.NATIONAL else NOT_MET if not national else INFO,
            _suite_now(),
            action=_(
                "改用国密算法：先设为过渡套件，重新加密存量数据后，再全部使用国密算法"
                "（运维手册第4节）"
            )
            if crypto.suite() != crypto.NATIONAL
            else "",
            command="CQO_CRYPTO_SUITE=both; manage.py rotate_data_keys; CQO_CRYPTO_SUITE=national"
            if crypto.suite() != crypto.NATIONAL
            else "",
        ),
        Control(
            area,
            _("个人信息存储机密性"),
            f"{_CRYPTO} 8.4 e)",
            (MET if done else NOT_MET) if national else NOT_MET,
            _("%(moved)d / %(all)d 项以 SM4 加密存储") % {"moved": moved, "all": stored},
            action="" if national and done else _("将存量个人信息重新加密为 SM4（运维手册第4节）"),
            command="" if national and done else "manage.py rotate_data_keys",
        ),
        Control(
            area,
            _("学时记录完整性（检查点签名）"),
            f"{_CRYPTO} 8.4 g)",
            sm2_state,
            sm2_now,
        ),
        Control(
            area,
            _("证书真实性（内容摘要签名）"),
            f"{_CRYPTO} 8.4 h)",
            INFO,
            _("国密套件下新签发的证书均带 SM2 签名；迁移的历史证书不签名"),
            details=_certificates_signed(),
        ),
        Control(
            area,
            _("密钥管理"),
            f"{_CRYPTO} 8.5",
            NOT_MET if old else MET,
            _("%(n)d 个在用密钥") % {"n": used},
            action=_("以下密钥超过 %(d)d 天未更换：%(keys)s")
            % {"d": settings.CQO_KEY_MAX_AGE_DAYS, "keys": "、".join(old)}
            if old
            else "",
            details=keys,
        ),
    ]


def administrators() -> list[Control]:
    area = _("三员分立")
    held = dict(
        User.objects.filter(is_active=True, role__in=ADMINISTRATORS)
        .values_list("role")
        .annotate(n=Count("pk"))
    )
    missing = [
        str(Role(r).label) for r in (Role.ADMIN, Role.SECURITY, Role.AUDITOR) if not held.get(r)
    ]
    return [
        Control(
            area,
            _("管理员权限分离"),
            "GB/T 22239-2019 8.1.4.2 d)、8.1.5",
            NOT_MET if missing else MET,
            "；".join(
                _("%(role)s %(n)d 人") % {"role": Role(r).label, "n": held.get(r, 0)}
                for r in (Role.ADMIN, Role.SECURITY, Role.AUDITOR)
            ),
            action=_("在服务器上设置：%(roles)s") % {"roles": "、".join(missing)}
            if missing
            else "",
            command="manage.py create_admin --role …" if missing else "",
        ),
        Control(
            area,
            _("超级用户"),
            "GB/T 22239-2019 8.1.4.2 d)",
            MET,
            _("不设超级用户：每个账户只有一个角色，数据库约束拒绝超级用户"),
        ),
    ]


def _second_factor() -> Control:
    required = [r for r in settings.CQO_2FA_REQUIRED_ROLES if r in Role.values]
    enrolled, all_ = accounts.second_factor_coverage()
    wanted = {Role.REGULATOR, *ADMINISTRATORS}
    covered = wanted <= set(required)
    return Control(
        _("身份鉴别"),
        _("双因素认证"),
        "GB/T 22239-2019 8.1.4.1 d)",
        MET if covered else NOT_MET,
        _(
            "要求的角色：%(roles)s；%(enrolled)d / %(all)d 个账户已绑定验证器，"
            "其余在下次登录时须绑定"
        )
        % {
            "roles": "、".join(str(Role(r).label) for r in required) or _("无"),
            "enrolled": enrolled,
            "all": all_,
        },
        action=""
        if covered
        else _("要求市场监管部门和三类管理员登录时使用双因素认证（生产环境的默认设置）"),
        command="" if covered else "CQO_2FA_REQUIRED_ROLES=regulator,admin,security,auditor",
    )


def sign_in() -> list[Control]:
    area = _("身份鉴别")
    length, classes = settings.CQO_PASSWORD_MIN_LENGTH, settings.CQO_PASSWORD_MIN_CLASSES
    age = settings.CQO_PASSWORD_MAX_AGE_DAYS
    idle = settings.CQO_SESSION_IDLE_MINUTES
    failures, lock = settings.CQO_LOGIN_MAX_FAILURES, settings.CQO_LOGIN_LOCK_MINUTES
    strong = length >= PASSWORD_MIN_LENGTH and classes >= PASSWORD_MIN_CLASSES
    return [
        Control(
            area,
            _("口令复杂度"),
            "GB/T 22239-2019 8.1.4.1 a)",
            MET if strong else NOT_MET,
            _("至少 %(n)d 位，含大写字母、小写字母、数字、其他符号中的 %(k)d 类")
            % {"n": length, "k": classes},
            action=_("提高口令复杂度要求：至少 8 位，含 3 类字符") if not strong else "",
            command="CQO_PASSWORD_MIN_LENGTH=8, CQO_PASSWORD_MIN_CLASSES=3" if not strong else "",
        ),
        Control(
            area,
            _("口令定期更换"),
            "GB/T 22239-2019 8.1.4.1 a)",
            MET if age > 0 else NOT_MET,
            _("口令最长使用 %(d)d 天") % {"d": age} if age > 0 else _("未限制口令使用期限"),
            action="" if age > 0 else _("设置口令最长使用期限（如 90 天）"),
            command="" if age > 0 else "CQO_PASSWORD_MAX_AGE_DAYS=90",
        ),
        Control(
            area,
            _("登录失败处理"),
            "GB/T 22239-2019 8.1.4.1 b)",
            MET if failures > 0 and lock > 0 else NOT_MET,
            _("同一用户名 %(n)d 次失败后锁定 %(m)d 分钟") % {"n": failures, "m": lock},
        ),
        Control(
            area,
            _("登录连接超时"),
            "GB/T 22239-2019 8.1.4.1 b)",
            MET if idle > 0 else NOT_MET,
            _("闲置 %(m)d 分钟自动退出") % {"m": idle} if idle > 0 else _("未设置闲置退出"),
            action="" if idle > 0 else _("设置闲置自动退出（如 15 分钟）"),
            command="" if idle > 0 else "CQO_SESSION_IDLE_MINUTES=15",
        ),
        _second_factor(),
    ]


def _chain_control(status: audit.ChainStatus) -> Control:
    """The last walk of the audit trail's keyed hash chain (audit_verify, the daily job)."""
    last = status.last
    unsealed = _("待封存 %(n)d 条") % {"n": status.unsealed}
    if last is None:
        return Control(
            _("安全审计"),
            _("审计记录完整性（哈希链）"),
            "GB/T 22239-2019 8.1.4.3 c)",
            NOT_MET,
            _("尚未校验审计链；") + unsealed,
            action=_("运行审计链校验（平台每日自动运行一次）"),
            command="manage.py audit_verify",
        )
    when = f"{timezone.localtime(last.finished_at):%Y-%m-%d %H:%M}"
    if last.first_break is not None:
        return Control(
            _("安全审计"),
            _("审计记录完整性（哈希链）"),
            "GB/T 22239-2019 8.1.4.3 c)",
            NOT_MET,
            _("%(when)s 校验发现异常：链序号 %(seq)d，%(kind)s")
            % {"when": when, "seq": last.first_break, "kind": last.get_break_kind_display()},
            action=_("核查数据库日志，查明该记录被改动或删除的原因"),
        )
    return Control(
        _("安全审计"),
        _("审计记录完整性（哈希链）"),
        "GB/T 22239-2019 8.1.4.3 c)",
        MET,
        _("%(when)s 校验 %(n)d 条，链完整（%(alg)s）；")
        % {"when": when, "n": last.checked, "alg": last.algorithms or "—"}
        + unsealed,
    )


def _retention_control(retention: audit_rules.Retention) -> Control:
    oldest = (
        f"{timezone.localtime(retention.oldest):%Y-%m-%d}" if retention.oldest is not None else "—"
    )
    now = _("至少留存 %(d)d 天；最早一条记录于 %(oldest)s，已留存 %(k)d 天") % {
        "d": retention.days,
        "oldest": oldest,
        "k": retention.kept_days,
    }
    if retention.met is None:
        state, now = INFO, now + _("（平台运行未满留存期）")
    else:
        state = MET if retention.met else NOT_MET
    return Control(
        _("安全审计"),
        _("审计记录留存"),
        "网络安全法 第二十一条(三)",
        state,
        now,
        action="" if state != NOT_MET else _("查明早于留存期的审计记录缺失的原因"),
    )


def audit_trail() -> list[Control]:
    area = _("安全审计")
    status = audit.chain_status()
    return [
        Control(
            area,
            _("审计记录不可删改"),
            "GB/T 22239-2019 8.1.4.3 c)",
            MET,
            _("平台不提供删除或修改审计记录的功能；只有审计管理员查阅和导出审计记录"),
        ),
        _retention_control(status.retention),
        _chain_control(status),
    ]
