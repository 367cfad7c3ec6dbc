"""The master's side of collect: current values of the input cells a department owns, and the cell patches
that change them (written into the input sheets part by part, never by saving through openpyxl)."""

from __future__ import annotations

from typing import Any

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.inputs import OPINIONS
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.master.locate import (
    LEDGER_KEYS,
    actual_rows,
    free_rows,
    ledger_key,
    ledger_values,
    positions,
    sheet_row,
    split_status_key,
    status_rows,
)
from kaikaku_xl.master.readers.opinions import opinion_key, opinion_state
from kaikaku_xl.master.readers.percent import as_points, as_stored
from kaikaku_xl.plan import item_no
from kaikaku_xl.xlsx.a1 import column_letter, range_ref
from kaikaku_xl.xlsx.engine import PatchingEngine, RawTable
from kaikaku_xl.xlsx.typed import number_or_text, whole_number

Ref = tuple[str, str, str]  # (table, row key, column key)


class MasterTarget:
    def __init__(self, engine: PatchingEngine, loaded: Loaded) -> None:
        self.engine = engine
        self.loaded = loaded
        layout = loaded.layout
        self.specs = {name: layout.table(name) for name in c.DEPARTMENT_TABLES}
        if engine.has_table(OPINIONS.name):  # 懇談会意見: masters made before it have none
            self.specs[OPINIONS.name] = OPINIONS
        self.tables: dict[str, RawTable] = {
            name: engine.read_table(spec) for name, spec in self.specs.items()
        }
        self.pos = {name: positions(table, self.specs[name]) for name, table in self.tables.items()}
        measures = loaded.inputs.measures
        self.measures = {m.measure_id: m for m in measures.itertuples()}
        self.rows: dict[str, dict[Any, int]] = {  # row key -> sheet row
            c.ACTUALS_TABLE: self._sheet_rows(
                c.ACTUALS_TABLE, actual_rows(self.tables[c.ACTUALS_TABLE], measures)
            ),
            c.STATUS.name: self._sheet_rows(c.STATUS.name, status_rows(self.tables[c.STATUS.name])),
        }
        if OPINIONS.name in self.tables:
            self.rows[OPINIONS.name] = self._sheet_rows(OPINIONS.name, self._opinion_rows())
        self.free: dict[str, list[int]] = {name: self._free_rows(name) for name in self.tables}
        self.new_bottom: dict[str, int] = {}
        self.ledger: list[tuple[int, str]] = self._ledger_rows()
        self.patches: dict[str, dict[tuple[int, int], Any]] = {}
        self.overrides: dict[Ref, Any] = {}
        self.changed = False  # cells patched

    # -- layout of the master's tables -------------------------------------------------------------------
    def _sheet_rows(self, name: str, rows: dict[Any, int]) -> dict[Any, int]:
        table = self.tables[name]
        return {key: sheet_row(table, i) for key, i in rows.items()}

    def _bounds(self, name: str) -> tuple[int, int, int, int]:
        return self.engine.table_bounds(self.specs[name].name)

    def _free_rows(self, name: str) -> list[int]:
        """Blank rows inside the table's range (staff's empty rows at the bottom), to be filled first."""
        _, top, _, bottom = self._bounds(name)
        return free_rows(self.tables[name], top, bottom)

    def _column(self, name: str, key: str) -> int:
        return self.tables[name].first_col + self.pos[name][key]

    def _opinion_rows(self) -> dict[str, int]:
        """opinion key -> row index of the CouncilOpinions table (first row of each)."""
        table, pos = self.tables[OPINIONS.name], self.pos[OPINIONS.name]
        found: dict[str, int] = {}
        if any(k not in pos for k in ("year", "date", "item", "opinion")):
            return found
        for i, raw in enumerate(table.rows):
            key = opinion_key(raw[pos["year"]], raw[pos["date"]], raw[pos["item"]], raw[pos["opinion"]])
            found.setdefault(key, i)
        return found

    def has_opinion(self, key: str) -> bool:
        """Whether the master still holds the opinion (not edited or deleted since it was distributed)."""
        return key in self.rows.get(OPINIONS.name, {})

    def _ledger_rows(self) -> list[tuple[int, str]]:
        table, pos = self.tables[c.LEDGER.name], self.pos[c.LEDGER.name]
        out = []
        for i, raw in enumerate(table.rows):
            values = {k: raw[pos[k]] if k in pos else None for k in LEDGER_KEYS}
            out.append((sheet_row(table, i), ledger_key(values)))
        return out

    def _new_row(self, name: str) -> int:
        if self.free[name]:
            return self.free[name].pop(0)
        min_col, top, max_col, bottom = self._bounds(name)
        row = self.new_bottom.get(name, bottom) + 1
        self.new_bottom[name] = row
        return row

    # -- values -------------------------------------------------------------------------------------------
    def _place(self, ref: Ref) -> tuple[str, int | None, int]:
        table, row_key, column = ref
        if table in (c.ACTUALS_TABLE, OPINIONS.name):
            return table, self.rows[table].get(row_key), self._column(table, column)
        item, year = split_status_key(row_key)
        return table, self.rows[table].get((item, year)), self._column(table, column)

    def value(self, ref: Ref) -> Any:
        if ref in self.overrides:
            return self.overrides[ref]
        name, row, col = self._place(ref)
        if row is None:
            return None
        table = self.tables[name]
        index = self._index(table, row)
        if index is None:
            return None  # a row this collect added: its values are in overrides only
        raw = table.rows[index][col - table.first_col]
        if name == c.ACTUALS_TABLE:
            unit = str(self.measures[ref[1]].unit)
            return number_or_text(as_points(table, index, col - table.first_col, unit, raw), unit or None)
        if name == OPINIONS.name and ref[2] == "state":
            return opinion_state(raw) or raw  # blank reads 未対応 (as it was sent); a stray word as it is
        return raw

    @staticmethod
    def _index(table: RawTable, row: int) -> int | None:
        """The index in `table.rows` of sheet row `row` (None: a row the table did not read)."""
        offset = row - table.header_row
        if table.offsets is not None and offset not in table.offsets:
            return None
        index = table.offsets.index(offset) if table.offsets is not None else offset - 1
        return index if 0 <= index < len(table.rows) else None

    def address(self, ref: Ref) -> tuple[str, str]:
        name, row, col = self._place(ref)
        return self.specs[name].sheet, f"{column_letter(col)}{row}" if row else ""

    def _patch(self, name: str, row: int, col: int, value: Any) -> None:
        self.patches.setdefault(self.specs[name].sheet, {})[(row, col)] = value
        self.changed = True

    def set(self, ref: Ref, value: Any) -> tuple[str, str]:
        name, row, col = self._place(ref)
        if row is None and name == OPINIONS.name:  # the merge refuses an opinion the master lost first
            raise KeyError(ref)
        if row is None:  # the row is missing in the master (deleted by hand): add it back
            row = self._new_row(name)
            if name == c.ACTUALS_TABLE:
                m = self.measures[ref[1]]
                keys = {"item": m.item, "name": m.name, "unit": m.unit}
                self.rows[name][ref[1]] = row
            else:
                item, year = split_status_key(ref[1])
                titles = self.loaded.inputs.items.set_index("item")["title"]
                keys = {"item": item, "title": titles.get(item, ""), "year": year}
                self.rows[name][(item, year)] = row
            for key, v in keys.items():
                self._patch(name, row, self._column(name, key), v)
        stored = value
        if name == c.ACTUALS_TABLE:  # a % measure's cell a person made a percent cell takes a fraction
            index = self._index(self.tables[name], row)
            stored = as_stored(
                self.tables[name], index, col - self.tables[name].first_col, self.measures[ref[1]].unit, value
            )
        self._patch(name, row, col, stored)
        self.overrides[ref] = value
        return self.specs[name].sheet, f"{column_letter(col)}{row}"

    # -- ledger rows ----------------------------------------------------------------------------------------
    def ledger_count(self, key: str) -> int:
        return sum(k == key for _, k in self.ledger)

    def ledger_address(self, key: str) -> tuple[str, str]:
        """Where a ledger row is in the master (its No cell; "" where it has none)."""
        row = next((r for r, k in self.ledger if k == key), None)
        name = c.LEDGER.name
        return self.specs[name].sheet, f"{column_letter(self._column(name, 'item'))}{row}" if row else ""

    def add_ledger(self, key: str) -> tuple[str, str]:
        name = c.LEDGER.name
        row = self._new_row(name)
        values = ledger_values(key)
        values["item"] = item_no(values["item"])
        values["year"] = whole_number(values["year"])
        for k in LEDGER_KEYS:
            self._patch(name, row, self._column(name, k), values[k])
        self.ledger.append((row, key))
        return self.specs[name].sheet, f"{column_letter(self._column(name, 'item'))}{row}"

    def remove_ledger(self, key: str) -> tuple[str, str]:
        name = c.LEDGER.name
        index = next(i for i, (_, k) in enumerate(self.ledger) if k == key)
        row, _ = self.ledger.pop(index)
        for k in LEDGER_KEYS:
            self._patch(name, row, self._column(name, k), None)
        return self.specs[name].sheet, f"{column_letter(self._column(name, 'item'))}{row}"

    # -- writing --------------------------------------------------------------------------------------------
    def write(self) -> None:
        for sheet, cells in self.patches.items():
            self.engine.patch_cells(sheet, cells)
        for name, bottom in self.new_bottom.items():
            min_col, top, max_col, _ = self._bounds(name)
            ref = range_ref(min_col, top, max_col, bottom)
            self.engine.resize_table(self.specs[name].name, ref)
