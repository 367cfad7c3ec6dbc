"""計画期間の総括評価 (issue 22) for every door: computed from a loaded master (metrics/period.py), written by refresh
into the cells it owns on its sheet (the period grade and the roll-up; never the typed grade and comment), and
made a record of the report (`period_review`, app/report.py) in the plan's last year. No export import here:
refresh loads only what it uses (tests/app/test_refresh_imports.py)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kaikaku_xl.master.contract.inputs import (
    PERIOD_COMPUTED_KEYS,
    PERIOD_REVIEW,
    PERIOD_SUMMARY_TABLE,
    period_summary_spec,
)
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.metrics.period import PeriodResults, evaluate_period
from kaikaku_xl.plan import item_no
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.xlsx.engine import PatchingEngine, RawTable

COMPUTED_FIELDS = dict(zip(PERIOD_COMPUTED_KEYS, ("grade", "grade_label", "grade_source"), strict=True))


def period_results(loaded: Loaded, settings: Settings) -> PeriodResults:
    """The period review of the loaded master (whatever year is evaluated: it rests on the plan's last year)."""
    return evaluate_period(loaded.inputs, settings, loaded.period)


def _cell(table: RawTable, i: int, j: int) -> tuple[int, int]:
    """(row, column) on the sheet of data row i, column j of a table as read."""
    offset = i + 1 if table.offsets is None else table.offsets[i]
    return table.header_row + offset, table.first_col + j


def _same(old: Any, new: Any) -> bool:
    """A cell already showing the value (blank as blank, 3 as 3.0): refresh leaves it, and the sheet, as it is."""
    if old in (None, "") or new in (None, ""):
        return old in (None, "") and new in (None, "")
    if isinstance(old, int | float) and isinstance(new, int | float):
        return float(old) == float(new)
    return str(old) == str(new)


def patch_owned(cells: dict[tuple[int, int], Any], table: RawTable, i: int, j: int, value: Any) -> None:
    """A cell refresh owns, set where it does not already show the value (app/summary_cells.py uses it too)."""
    _put(cells, table, i, j, value)


def _put(cells: dict[tuple[int, int], Any], table: RawTable, i: int, j: int, value: Any) -> None:
    if not _same(table.rows[i][j], value):
        cells[_cell(table, i, j)] = value


def _item_cells(table: RawTable, period: PeriodResults) -> dict[tuple[int, int], Any]:
    by_item = period.items.set_index("item").to_dict("index") if len(period.items) else {}
    at_item = table.column_index(PERIOD_REVIEW.column("item").header)
    columns = {key: table.column_index(PERIOD_REVIEW.column(key).header) for key in PERIOD_COMPUTED_KEYS}
    cells: dict[tuple[int, int], Any] = {}
    if at_item is None:
        return cells
    for i, raw in enumerate(table.rows):
        found = by_item.get(item_no(raw[at_item]), {})
        for key, j in columns.items():
            if j is not None:
                _put(cells, table, i, j, found.get(COMPUTED_FIELDS[key]) or None)
    return cells


def _summary_cells(
    table: RawTable, period: PeriodResults, labels: tuple[str, ...]
) -> dict[tuple[int, int], Any]:
    spec = period_summary_spec(labels)
    # the 基本方針 by number, the plan by its group name (全体)
    rows = {r["group"]: r for frame in (period.policies, period.total) for r in frame.to_dict("records")}
    keys = [col.key for col in spec.columns[1:]]
    at = {key: table.column_index(spec.column(key).header) for key in keys}
    cells: dict[tuple[int, int], Any] = {}
    for i, raw in enumerate(table.rows):
        group = item_no(raw[0])  # a 基本方針's number as typed (1, 1.0), or 全体
        found = rows.get(group, rows.get(raw[0], {}))
        for key, j in at.items():
            if j is not None:
                value = found.get(key)
                _put(cells, table, i, j, None if value is None or pd.isna(value) else int(value))
    return cells


def write_period_cells(engine: PatchingEngine, loaded: Loaded, period: PeriodResults) -> None:
    """The cells refresh owns on the 計画期間の総括評価 sheet; a master without the sheet is left as it is."""
    if not engine.has_table(PERIOD_REVIEW.name):
        return
    cells = _item_cells(engine.read_table(PERIOD_REVIEW), period)
    if engine.has_table(PERIOD_SUMMARY_TABLE):
        summary = engine.read_table(period_summary_spec(loaded.layout.grades))
        cells.update(_summary_cells(summary, period, loaded.layout.grades))
    if cells:  # only what changed: a refresh that changes nothing here leaves the staff's sheet byte for byte
        engine.patch_cells(PERIOD_REVIEW.sheet, cells)
