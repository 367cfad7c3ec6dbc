"""The records of the yearly cycle, kept in worksheet tables of the master (contract: CYCLE_TABLES).

Shared by distribute, collect, status and close/reopen-year: read the records into plain Python, append to them,
and compare cell values the way staff mean them (blank = empty text = nothing; 1 = 1.0).
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

from kaikaku_xl.plan import ItemNo, item_no
from kaikaku_xl.workbook import contract as c
from kaikaku_xl.workbook.engine import Engine, RawTable
from kaikaku_xl.workbook.typed import _int, _key, _text
from kaikaku_xl.workflows.required import require_tables


def require_cycle_tables(engine: Engine) -> None:
    require_tables(
        engine,
        c.CYCLE_TABLES,
        "このマスターには配布・回収の記録用の表がありません: {names}。"
        "kaikaku init で新しいマスターを作成し、入力を移してください。",
    )


def norm(value: Any) -> Any:
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


def shown(value: Any) -> Any:
    """A normalised value as written to a cell or JSON (whole floats as int)."""
    value = norm(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def records(engine: Engine, spec: c.TableSpec) -> list[dict[str, Any]]:
    """A cycle table's rows as dicts keyed by the contract's column keys."""
    table = engine.read_table(spec)
    positions = {col.key: table.column_index(col.header) for col in spec.columns}
    return [{key: (row[i] if i is not None else None) for key, i in positions.items()} for row in table.rows]


def as_rows(spec: c.TableSpec, items: list[dict[str, Any]]) -> list[list[Any]]:
    return [[shown(item.get(col.key)) for col in spec.columns] for item in items]


def master_id(engine: Engine) -> str:
    for row in records(engine, c.CYCLE_INFO):
        if _text(row["key"]) == c.MASTER_ID_KEY:
            return _text(row["value"])
    return ""


# ---- where a value sits in the master's input tables ------------------------------------------------------
def positions(table: RawTable, spec: c.TableSpec) -> dict[str, int]:
    """Column index of each contract column found in the table."""
    return {col.key: i for col in spec.columns if (i := table.column_index(col.header)) is not None}


def actual_rows(table: RawTable, measures: Any) -> dict[str, int]:
    """measure_id -> row index of the Actuals table (first row of each measure)."""
    pos = positions(table, c.actuals_spec([]))
    lookup = {(m.item, _key(m.name)): m.measure_id for m in measures.itertuples()}
    found: dict[str, int] = {}
    for i, raw in enumerate(table.rows):
        measure_id = lookup.get((item_no(raw[pos["item"]]), _key(raw[pos["name"]])))  # type: ignore[arg-type]
        if measure_id is not None and measure_id not in found:
            found[measure_id] = i
    return found


def status_rows(table: RawTable) -> dict[tuple[ItemNo, int], int]:
    """(item, year) -> row index of the Status table (first row of each)."""
    pos = positions(table, c.STATUS)
    found: dict[tuple[ItemNo, int], int] = {}
    for i, raw in enumerate(table.rows):
        item, year = item_no(raw[pos["item"]]), _int(raw[pos["year"]])
        if item is not None and year is not None:
            found.setdefault((item, year), i)
    return found


LEDGER_KEYS = ("item", "year", "kind", "amount", "what", "basis")


def ledger_key(values: dict[str, Any]) -> str:
    """One ledger row as a comparable text (the row's identity in the merge: ledger rows have no key)."""
    return json.dumps([shown(values.get(k)) for k in LEDGER_KEYS], ensure_ascii=False)


def ledger_values(key: str) -> dict[str, Any]:
    return dict(zip(LEDGER_KEYS, json.loads(key), strict=True))


def status_key(item: ItemNo, year: int) -> str:
    """The row key of a Status value in the cycle records: "item/year" (item numbers may be text)."""
    return f"{item}/{year}"


def split_status_key(key: str) -> tuple[ItemNo, int]:
    item, _, year = key.rpartition("/")  # rpartition: the year is last, an item number may hold anything
    return item_no(item), int(year)  # type: ignore[return-value]
