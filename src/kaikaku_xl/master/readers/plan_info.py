"""The 計画情報 and これまでの効果額 tables: what the master knows of its plan's head (years, names) and its
earlier plans' 財政効果額."""

from __future__ import annotations

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.plan import HistoricEffect
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.typed import parse_number


def plan_info(table: RawTable) -> dict[str, str]:
    key, value = table.column_index("キー"), table.column_index("値")
    if key is None or value is None:
        raise WorkbookError("計画情報シートの表 PlanInfo に「キー」「値」列がありません。")
    return {
        str(r[key]).strip(): "" if r[value] is None else str(r[value]).strip() for r in table.rows if r[key]
    }


def info_year(info: dict[str, str], key: str, label: str) -> int:
    try:
        return int(float(info[key]))
    except (KeyError, ValueError):
        raise WorkbookError(f"計画情報シート: 「{label}」が年（西暦）になっていません。") from None


def history_effects(table: RawTable) -> tuple[HistoricEffect, ...]:
    out = []
    for row in table.rows:
        if row[0] is None:
            continue
        amount = parse_number(row[1]) if row[1] is not None else None
        out.append(HistoricEffect(name=str(row[0]), effect_yen=int(amount or 0), as_of=str(row[2] or "")))
    return tuple(out)
