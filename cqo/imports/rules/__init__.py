"""The official enterprise list's columns and the checks on each row (SPEC §2, §3 "Bulk import").

Pure functions over plain data: the reference tables arrive as a ``Reference`` of dicts and sets,
so a million rows are checked without a query each. The rules are those of the registry's
``_apply_enterprise`` (cqo/registry/services/enterprises.py): USCC with both check characters
(GB 32100-2015 and the GB 11714 organisation code, as ``validators.validate_uscc``), a county-level
or city-without-county GB/T 2260 region, a GB/T 4754-2017 division, a size of the 2017 size
rules, years between 1949 and next year, a quality award only with its year.
"""

from __future__ import annotations

from cqo.imports.rules.checker import (
    check_row,
    row_checker,
)
from cqo.imports.rules.columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    LIMITED,
    MAX_EMPLOYEES,
    Column,
    Header,
    cell_text,
    expected_header,
    header_key,
    looks_like_header,
    match_header,
)
from cqo.imports.rules.rows import (
    Reference,
    RegionInfo,
    Row,
    RowError,
    in_scope,
    may_change,
    written_columns,
)
from cqo.imports.rules.stream import (
    BATCH,
    HEADER_SEARCH_ROWS,
    Checked,
    check_stream,
    find_header,
    is_empty,
)
from cqo.imports.rules.uscc import (
    _USCC_ALPHABET,
    _USCC_VALUE,
    _USCC_WEIGHTS,
    compact_uscc,
    uscc_fast,
)

__all__ = [
    "BATCH",
    "COLUMNS",
    "COLUMN_BY_KEY",
    "HEADER_SEARCH_ROWS",
    "LIMITED",
    "MAX_EMPLOYEES",
    "_USCC_ALPHABET",
    "_USCC_VALUE",
    "_USCC_WEIGHTS",
    "Checked",
    "Column",
    "Header",
    "Reference",
    "RegionInfo",
    "Row",
    "RowError",
    "cell_text",
    "check_row",
    "check_stream",
    "compact_uscc",
    "expected_header",
    "find_header",
    "header_key",
    "in_scope",
    "is_empty",
    "looks_like_header",
    "match_header",
    "may_change",
    "row_checker",
    "uscc_fast",
    "written_columns",
]
