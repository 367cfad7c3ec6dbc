"""The 取組項目 table read back into the items frame (and the 基本方針 names it carries)."""

from __future__ import annotations

import pandas as pd

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.metrics.frames import ITEM_COLUMNS
from kaikaku_xl.plan import item_no, section_no
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.typed import whole_number


def items_frame(table: RawTable) -> tuple[pd.DataFrame, dict[int, str]]:
    h = {col.key: table.column_index(col.header) for col in c.ITEMS.columns}
    if any(v is None for v in (h["item"], h["policy"], h["title"], h["lead"])):
        raise WorkbookError("取組項目シートの表 Items に No・基本方針・取組項目・主要担当課の列が必要です。")
    rows, policy_names = [], {}
    for r in table.rows:
        try:
            no, policy = item_no(r[h["item"]]), int(r[h["policy"]])
        except (TypeError, ValueError):
            continue
        if no is None:
            continue
        if h["policy_name"] is not None and r[h["policy_name"]]:
            policy_names[policy] = str(r[h["policy_name"]])
        rows.append(
            {
                "item": no,
                "policy": policy,
                "lead": str(r[h["lead"]] or ""),
                "title": str(r[h["title"]] or ""),
                "summary": str(r[h["summary"]] or "") if h["summary"] is not None else "",
                "actions": str(r[h["actions"]] or "") if h["actions"] is not None else "",
                "departments": str(r[h["departments"]] or "") if h["departments"] is not None else "",
                **{
                    key: whole_number(r[h[key]]) if h[key] is not None else None
                    for key in ("start_year", "end_year")
                },
                "section": section_no(r[h["section"]]) if h["section"] is not None else None,
                "section_name": str(r[h["section_name"]] or "") if h["section_name"] is not None else "",
            }
        )
    return pd.DataFrame(
        rows, columns=[*ITEM_COLUMNS, "summary", "actions", "departments", "section_name"]
    ), policy_names
