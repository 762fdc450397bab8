"""The appointments kind (聘任备案): appointments a province filed before the platform, one a
row, each of a registered person at a registered enterprise, with its historic filing number and
dates and, for one that has ended, its end and reason.

The historic filing number is the natural key: the registry keeps filing numbers unique across
the platform (``Appointment.filing_number``), so a number is looked up globally. A number already
recorded with the same content is left as it is (``unchanged``); with other content it is a
conflict reported with both values, never overwritten; a number the file repeats is a conflict
on its later rows. A chief CQO in office on a day another one of the same enterprise is (the live
workflow's one-active-chief rule over the enterprise's history) is a conflict naming the other's
filing number. The enterprise (by USCC) and the person (by the keyed hash of the ID number) must
be registered; the enterprise must lie in the user's scope. Rows are checked against the
registry and written a batch at a time (``rows``); the registry's ``appointments_migrate``
checks each again and writes them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from cqo.accounts.models import User
from cqo.imports.legacy.appointments.columns import COLUMNS
from cqo.imports.legacy.appointments.rows import AppointmentRows
from cqo.imports.legacy.kinds import KindSpec
from cqo.imports.legacy.models import LegacyFile


def _rows(file: LegacyFile, actor: User) -> AppointmentRows:
    return AppointmentRows(file, actor)


SPEC = KindSpec(
    sheet=gettext_lazy("聘任备案"),
    columns=COLUMNS,
    example=(
        "9161011352601815X8",
        "西安示例精密制造有限公司",
        "李堃",
        "610113198006150032",
        "副总经理兼首席质量官",
        "高管副职",
        "2019-03-01",
        "2022-02-28",
        "雁质备2019-0012",
        "2019-03-15",
        "雁塔区市场监督管理局",
        "2021-06-30",
        "离任",
        "调往集团总部任职",
    ),
    rows=_rows,
)

__all__ = ["COLUMNS", "SPEC", "AppointmentRows"]
