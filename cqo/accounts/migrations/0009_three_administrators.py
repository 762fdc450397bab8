"""三员分立 (GB/T 22239-2019 8.1.4.2 d)): the security and audit administrators' roles, and no
superuser. A superuser of an earlier version keeps its account as a system administrator (the
role ``createsuperuser`` gave it was a CQO's, which no superuser used)."""

from django.db import migrations, models

import cqo.accounts.models
from django.db.models import Q


def _no_superusers(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("accounts", "User")
    User.objects.filter(is_superuser=True, role="cqo").update(role="admin")
    User.objects.filter(is_superuser=True).update(is_superuser=False, is_staff=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_user_password_changed_at")]

    operations = [
        migrations.AlterModelManagers(
            name="user", managers=[("objects", cqo.accounts.models.UserManager())]
        ),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                choices=[
                    ("regulator", "市场监管部门"),
                    ("department", "有关部门"),
                    ("enterprise", "企业经办人"),
                    ("cqo", "首席质量官"),
                    ("trainer", "培训机构"),
                    ("certifier", "认定机构"),
                    ("admin", "系统管理员"),
                    ("security", "安全管理员"),
                    ("auditor", "审计管理员"),
                ],
                default="cqo",
                max_length=20,
                verbose_name="角色",
            ),
        ),
        migrations.RunPython(_no_superusers, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=Q(is_superuser=False), name="accounts_user_no_superuser"
            ),
        ),
    ]
