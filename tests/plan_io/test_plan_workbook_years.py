"""The plan workbook's years are bounded like the TOML's (issue 21): 計画終了年度 9999, a 令和 year typed as 8 and a
negative year are refused naming the 計画 sheet's cell, with the hint to type 西暦."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaikaku_xl.errors import PlanWorkbookError
from kaikaku_xl.plan import load_plan
from kaikaku_xl.plan.period import MAX_PLAN_YEARS
from kaikaku_xl.plan_io import read_plan_workbook, write_plan_workbook
from kaikaku_xl.plan_io.contract import PLAN_FIELDS, PLAN_SHEET


def _workbook(tmp_path: Path, **years: object) -> tuple[Path, dict[str, str]]:
    """The bundled plan as a plan workbook with some years overtyped; the cell of each year by key."""
    path = write_plan_workbook(tmp_path / "plan.xlsx", load_plan())
    wb = load_workbook(path)
    ws = wb[PLAN_SHEET.sheet]
    labels = {f.label: f.key for f in PLAN_FIELDS}
    cells = {}
    for row in ws.iter_rows(min_row=PLAN_SHEET.anchor_row + 1):
        key = labels.get(str(row[0].value or "").rstrip("*"))
        if key is not None:
            cells[key] = row[1].coordinate
            if key in years:
                row[1].value = years[key]
    wb.save(path)
    return path, cells


@pytest.mark.parametrize(
    ("years", "key", "says"),
    [
        ({"end_year": 9999}, "end_year", f"{MAX_PLAN_YEARS} 年まで"),
        ({"start_year": 8}, "start_year", "西暦で入力してください（令和8年度 → 2026）"),
        ({"baseline_year": -2024}, "baseline_year", "西暦で入力してください"),
        ({"end_year": 12}, "end_year", "西暦で入力してください"),
    ],
)
def test_years_out_of_bounds_are_refused_naming_the_cell(
    tmp_path: Path, years: dict[str, object], key: str, says: str
) -> None:
    path, cells = _workbook(tmp_path, **years)
    with pytest.raises(PlanWorkbookError) as refused:
        read_plan_workbook(path)
    found = [(sheet, cell) for sheet, cell, message in refused.value.problems if says in message]
    assert found == [(PLAN_SHEET.sheet, cells[key])]


def test_the_bundled_plan_as_a_workbook_still_reads(tmp_path: Path) -> None:
    path, _ = _workbook(tmp_path)
    assert read_plan_workbook(path).end_year == load_plan().end_year
