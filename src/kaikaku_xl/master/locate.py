"""Where a value sits in the master's input tables: the row of a measure in 実績, of an item and year in
進捗状況, and the identity of a 効果額台帳 row (which has no key of its own)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.records import cell_value
from kaikaku_xl.plan import ItemNo, item_no
from kaikaku_xl.text import match_key
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.tablespec import TableSpec
from kaikaku_xl.xlsx.typed import number_or_text, whole_number


# ---- where a value sits in the master's input tables ------------------------------------------------------
def positions(table: RawTable, spec: TableSpec) -> dict[str, int]:
    """Column index of each contract column found in the table."""
    return {col.key: i for col in spec.columns if (i := table.column_of(col)) is not None}


def sheet_row(table: RawTable, index: int) -> int:
    """The sheet row of data row `index` of a table (blank rows dropped by the engine counted)."""
    return table.header_row + (table.offsets[index] if table.offsets is not None else index + 1)


def free_rows(table: RawTable, top: int, bottom: int) -> list[int]:
    """The blank rows inside a table's range, rows top+1..bottom of the sheet (staff's empty rows at the bottom):
    the rows a value added to the table fills first."""
    used = {sheet_row(table, i) for i in range(len(table.rows))}
    return [r for r in range(top + 1, bottom + 1) if r not in used]


def actual_rows(table: RawTable, measures: pd.DataFrame) -> dict[str, int]:
    """measure_id -> row index of the Actuals table (first row of each measure)."""
    pos = positions(table, c.actuals_spec([]))
    lookup = {(m.item, match_key(m.name)): str(m.measure_id) for m in measures.itertuples()}
    found: dict[str, int] = {}
    for i, raw in enumerate(table.rows):
        measure_id = lookup.get((item_no(raw[pos["item"]]), match_key(raw[pos["name"]])))
        if measure_id is not None and measure_id not in found:
            found[measure_id] = i
    return found


def status_rows(table: RawTable) -> dict[tuple[ItemNo, int], int]:
    """(item, year) -> row index of the Status table (first row of each)."""
    pos = positions(table, c.STATUS)
    found: dict[tuple[ItemNo, int], int] = {}
    for i, raw in enumerate(table.rows):
        item, year = item_no(raw[pos["item"]]), whole_number(raw[pos["year"]])
        if item is not None and year is not None:
            found.setdefault((item, year), i)
    return found


LEDGER_KEYS = ("item", "year", "kind", "amount", "what", "basis")


def ledger_key(values: dict[str, Any]) -> str:
    """One ledger row as a comparable text (the row's identity in the merge: ledger rows have no key); its 金額 as
    the amount it means, so ３，０００円 and 3000 are the same row."""
    row = {**values, "amount": number_or_text(values.get("amount"), "円")}
    return json.dumps([cell_value(row.get(k)) for k in LEDGER_KEYS], ensure_ascii=False)


def ledger_values(key: str) -> dict[str, Any]:
    return dict(zip(LEDGER_KEYS, json.loads(key), strict=True))


def status_key(item: ItemNo, year: int | None) -> str:
    """The row key of a Status value in the cycle records: "item/year" (item numbers may be text; a returned row
    without a year has a key no record holds)."""
    return f"{item}/{year}"


def split_status_key(key: str) -> tuple[ItemNo | None, int]:
    item, _, year = key.rpartition("/")  # rpartition: the year is last, an item number may hold anything
    return item_no(item), int(year)
