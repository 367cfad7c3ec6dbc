"""The 取組項目 table (contract.ITEMS) read back into the items frame, and the 基本方針 names it carries. Without
its key columns the master cannot be evaluated at all: that stops the run (WorkbookError)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.metrics.frames import ITEM_COLUMNS
from kaikaku_xl.plan import item_no, section_no
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.typed import whole_number

REQUIRED = ("item", "policy", "title", "lead")
TEXTS = ("summary", "actions", "departments", "section_name")  # optional text columns ("" where absent)


def read_items(table: RawTable) -> tuple[pd.DataFrame, dict[int, str]]:
    """(the items frame, 基本方針 No -> name); rows without a usable No or 基本方針 are skipped."""
    at = {col.key: table.column_index(col.header) for col in c.ITEMS.columns}
    need = {key: j for key in REQUIRED if (j := at[key]) is not None}
    if len(need) < len(REQUIRED):
        raise WorkbookError("取組項目シートの表 Items に No・基本方針・取組項目・主要担当課の列が必要です。")
    rows, policy_names = [], {}
    for r in table.rows:
        try:
            no, policy = item_no(r[need["item"]]), int(r[need["policy"]])
        except (TypeError, ValueError):
            continue
        if no is None:
            continue
        name_at = at["policy_name"]
        if name_at is not None and r[name_at]:
            policy_names[policy] = str(r[name_at])
        rows.append(
            {
                "item": no,
                "policy": policy,
                "lead": str(r[need["lead"]] or ""),
                "title": str(r[need["title"]] or ""),
                **{key: _text(r, at[key]) for key in TEXTS},
                "start_year": _cell(r, at["start_year"], whole_number),
                "end_year": _cell(r, at["end_year"], whole_number),
                "section": _cell(r, at["section"], section_no),
            }
        )
    columns = [*ITEM_COLUMNS, "summary", "actions", "departments", "section_name"]
    return pd.DataFrame(rows, columns=columns), policy_names


def _text(row: list[Any], j: int | None) -> str:
    return str(row[j] or "") if j is not None else ""


def _cell(row: list[Any], j: int | None, read: Callable[[Any], Any]) -> Any:
    return read(row[j]) if j is not None else None
