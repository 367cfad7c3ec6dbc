"""The records of the yearly cycle, kept in worksheet tables of the master (contract: CYCLE_TABLES): read
into plain Python, written back, and cell values compared the way staff mean them (blank = empty text =
nothing; 1 = 1.0)."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.required import require_tables
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import Engine
from kaikaku_xl.xlsx.tablespec import TableSpec


def require_cycle_tables(engine: Engine) -> None:
    require_tables(
        engine,
        c.CYCLE_TABLES,
        "このマスターには配布・回収の記録用の表がありません: {names}。"
        "kaikaku init で新しいマスターを作成し、入力を移してください。",
    )


def comparable(value: Any) -> Any:
    """A cell value as compared in the merge: None for blank, float for numbers, stripped text otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def cell_value(value: Any) -> Any:
    """A normalised value as written to a cell or JSON (whole floats as int)."""
    value = comparable(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def records(engine: Engine, spec: TableSpec) -> list[dict[str, Any]]:
    """A cycle table's rows as dicts keyed by the contract's column keys."""
    table = engine.read_table(spec)
    positions = {col.key: table.column_index(col.header) for col in spec.columns}
    return [{key: (row[i] if i is not None else None) for key, i in positions.items()} for row in table.rows]


def as_rows(spec: TableSpec, items: list[dict[str, Any]]) -> list[list[Any]]:
    return [[cell_value(item.get(col.key)) for col in spec.columns] for item in items]


def master_id(engine: Engine) -> str:
    for row in records(engine, c.CYCLE_INFO):
        if cell_text(row["key"]) == c.MASTER_ID_KEY:
            return cell_text(row["value"])
    return ""
