"""The three administrators (三员分立) and what each may do in the admin site.

GB/T 22239-2019 8.1.4.2 d) 应授予管理用户所需的最小权限，实现管理用户的权限分离 and 8.1.5
(安全管理中心: 系统管理 8.1.5.1, 审计管理 8.1.5.2, 安全管理 8.1.5.3): administration is split
between three roles, and an account holds exactly one role (``User.role`` is one value; a
superuser flag, which would hold all three, is refused):

- the system administrator (系统管理员, role ``admin``): user accounts (create, edit the
  profile, deactivate), settings, policy packs, reference data and every business record;
- the security administrator (安全管理员, role ``security``): which role an account holds and
  where it acts, API tokens (keys), sign-in policy (second-factor resets, sign-in lockouts) and
  the 安全合规 page;
- the audit administrator (审计管理员, role ``auditor``): reads and exports the audit trail,
  nothing else.

Accounts of the three administrator roles are not changed from the web at all: they are made
and re-assigned on the server (``manage.py create_admin``), so no administrator can take over
another's account and with it another duty.

Pure rules: this module imports no model (``User.has_perm`` asks here)."""

from __future__ import annotations

SYSTEM = "admin"
SECURITY = "security"
AUDITOR = "auditor"
ADMINISTRATORS = frozenset({SYSTEM, SECURITY, AUDITOR})

# the admin site's models that are the security administrator's own: API tokens (keys) and
# sign-in lock-outs; of the user form, the role fields only (ROLE_FIELDS)
_SECURITY_MODELS = frozenset({"apitoken", "loginfailure"})
_SECURITY_PERMS = frozenset(
    {
        "accounts.view_user",
        "accounts.change_user",
        *(
            f"accounts.{action}_{model}"
            for model in _SECURITY_MODELS
            for action in ("view", "delete")
        ),
    }
)
_AUDITOR_PERMS = frozenset({"audit.view_auditentry"})


def _security_model(perm: str) -> bool:
    """Whether ``perm`` (app.action_model) is on one of the security administrator's models."""
    app, _dot, codename = perm.partition(".")
    return app == "accounts" and codename.partition("_")[2] in _SECURITY_MODELS


# the user form's fields that say which role an account holds and where it acts: the security
# administrator's; every other field (login, name, e-mail, password, active) is the system
# administrator's
ROLE_FIELDS = ("role", "region", "enterprise", "organisation", "department")


def may(role: str, perm: str) -> bool:
    """Whether a holder of ``role`` has the admin site's permission ``perm`` (app.codename)."""
    if role == SYSTEM:
        # everything but the audit trail and the security administrator's models
        return perm.partition(".")[0] != "audit" and not _security_model(perm)
    if role == SECURITY:
        return perm in _SECURITY_PERMS
    if role == AUDITOR:
        return perm in _AUDITOR_PERMS
    return False


def may_module(role: str, app_label: str) -> bool:
    """Whether the admin site shows ``app_label`` to a holder of ``role`` at all."""
    if role == SYSTEM:
        return app_label != "audit"
    if role == SECURITY:
        return any(p.partition(".")[0] == app_label for p in _SECURITY_PERMS)
    if role == AUDITOR:
        return any(p.partition(".")[0] == app_label for p in _AUDITOR_PERMS)
    return False
