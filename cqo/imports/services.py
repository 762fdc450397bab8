"""Importing official enterprise lists (SPEC §3 "Bulk import", §12.10).

``list_create`` stores the uploaded file and queues the import; ``run_import(list_id)``
(cqo/imports/job.py) does it: in a thread of the web process (the embedded default, started
after the upload commits), synchronously in the management command, or as a Celery task on a
worker (``cqo.imports.tasks``).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import TYPE_CHECKING

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import User
from cqo.imports import readers, rules, selectors
from cqo.imports.background import start_job
from cqo.imports.job import run_import
from cqo.imports.models import EnterpriseList
from cqo.lib import clock
from cqo.lib.codes import make_uscc
from cqo.reference.models import Region

__all__ = ["launch", "list_create", "run_import", "template_xlsx"]


if TYPE_CHECKING:
    Upload = File[bytes]
else:
    Upload = File  # generic in the type stubs only


# Queueing -------------------------------------------------------------------------------------


@transaction.atomic
def list_create(
    *,
    actor: User,
    upload: Upload,
    as_of: dt.date,
    region: str | None = None,
    mode: str = EnterpriseList.Mode.ALL_OR_NOTHING,
    reference_year: int | None = None,
    start: bool = True,
) -> EnterpriseList:
    """Stores the file and queues its import (started when the transaction commits)."""
    if not selectors.may_import(actor):
        raise PermissionDenied(_("只有市场监管部门和系统管理员可以导入企业名录"))
    errors: dict[str, list[str]] = {}
    code = (region or "").strip() or (actor.region_id or "")
    region_obj = Region.objects.filter(code=code).first()
    if region_obj is None:
        errors["region"] = [_("行政区划代码不存在（GB/T 2260）")]
    elif not actor.is_platform_admin and not access.region_contains(actor, region_obj):
        errors["region"] = [_("只能导入本辖区的企业名录")]
    if as_of > clock.today():
        errors["as_of"] = [_("名录截止日期不能晚于今天")]
    if mode not in EnterpriseList.Mode.values:
        errors["mode"] = [_("导入方式无效")]
    year = reference_year or as_of.year
    if not 1949 <= year <= clock.today().year + 1:
        errors["reference_year"] = [_("年度应在1949年至明年之间")]
    name = readers.upload_name(upload, errors)
    sha256, _size = readers.upload_digest(upload)
    lst = EnterpriseList(
        region=region_obj,
        as_of=as_of,
        reference_year=year,
        file_name=name,
        sha256=sha256,
        mode=mode,
        created_by=actor,
    )
    lst.file.save(name, upload, save=False)
    lst.save()
    if start:
        pk = lst.pk
        transaction.on_commit(lambda: launch(pk))
    return lst


def launch(list_id: int) -> None:
    """Starts the import of a stored list: a Celery worker when a broker is configured, else a
    thread of this process (CQO_IMPORTS_INLINE: right here)."""
    start_job(list_id, run=run_import, queue=_queue, name="cqo-import")


def _queue(list_id: int) -> None:
    from cqo.imports.tasks import run_import as task

    task.delay(list_id)


# The template ---------------------------------------------------------------------------------


def template_xlsx() -> bytes:
    """The import template: the documented header and one example row, codes as text. The
    header is always the official Chinese one (what ``rules`` matches), whatever the UI
    language."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return _template_xlsx()


def _template_xlsx() -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet(_("企业名录"))
    bold = book.add_format({"bold": True, "bg_color": "#E7EEF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    example = {
        "uscc": "91610113MA6TXXXX0X",
        "name": _("西安示例精密制造有限公司"),
        "region": "610113",
        "industry": "34",
        "size": _("中型"),
        "above_scale": _("是"),
        "above_scale_year": "2025",
        "quality_award": _("无"),
        "quality_award_year": "",
        "special_equipment_licence": "",
        "employees": "320",
        "nature": _("民营"),
        "registered_address": _("陕西省西安市雁塔区科技路1号"),
        "main_products": _("精密轴承、数控机床零部件"),
    }
    example["uscc"] = make_uscc("610113", random.Random(1))  # noqa: S311 (an example value)
    for col, column in enumerate(rules.COLUMNS):
        label = f"{column.label}{'*' if column.required else ''}"
        sheet.write_string(0, col, label, bold)
        sheet.set_column(col, col, max(12, len(label) * 2 + 2), text)
        sheet.write_string(1, col, str(example[column.key]), text)
    sheet.freeze_panes(1, 0)
    book.close()
    return buf.getvalue()
