"""A closed year is recomputed from its recorded inputs and compared with its recorded results: a difference
(e.g. a formula or rounding rule changed since closing, simulated here by editing a recorded figure) is a
warning naming the 年度確定値 cell, and the outputs keep the recorded figure."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cycle import NOW
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.app.validate import validate
from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.closed import record_checksum
from kaikaku_xl.master.records import YearResult, read_records
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.tablespec import TableSpec
from kaikaku_xl.xlsx.typed import whole_number

YEAR = 2026


def _problems(path: Path) -> list:
    engine = FileEngine(path)
    try:
        return validate(engine)[1]
    finally:
        engine.close()


def _reseal(path: Path) -> None:
    """The record's checksum taken again, as if the edited figures had been recorded at closing: what a formula
    or rounding rule changed since closing looks like (an edit without it is tampering: test_closed_checksum)."""
    engine = FileEngine(path)
    try:
        rows = [r for r in read_records(engine, YearResult) if whole_number(r.year) == YEAR]
    finally:
        engine.close()
    wb = load_workbook(path)
    ws = wb[c.CLOSED_YEARS.sheet]
    headers = [cell.value for cell in ws[c.CLOSED_YEARS.anchor_row]]
    for row in ws.iter_rows(min_row=c.CLOSED_YEARS.anchor_row + 1):
        if row[headers.index("年度")].value == YEAR:
            row[headers.index(c.CLOSED_YEARS.column("checksum").header)].value = record_checksum(rows)
    wb.save(path)


def _recorded_cell(path: Path, kind: str, key: str, field: str) -> str:
    ws = load_workbook(path)[c.YEAR_RESULTS.sheet]
    for row in ws.iter_rows(min_row=c.YEAR_RESULTS.anchor_row + 1):
        if [cell.value for cell in row[:4]] == [YEAR, kind, key, field]:
            return row[4].coordinate
    raise AssertionError((kind, key, field))


def _output(path: Path, spec: TableSpec, key_header: str, key: object, header: str) -> object:
    ws = load_workbook(path, data_only=True)[spec.sheet]
    headers = [cell.value for cell in ws[spec.anchor_row]]
    for row in ws.iter_rows(min_row=spec.anchor_row + 1, values_only=True):
        if row[headers.index(key_header)] == key:
            return row[headers.index(header)]
    raise AssertionError(key)


def test_a_closed_year_keeps_its_recorded_figures_and_reports_differences(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    assert main(["close-year", str(master), "--year", str(YEAR), "--now", NOW]) == 0
    # unchanged: the recomputation from the recorded inputs equals the record, nothing to report
    assert not [p for p in _problems(master) if p.sheet == c.YEAR_RESULTS.sheet]
    measure, item = "6-1", 6
    progress = _output(master, c.EVALUATION, "ID", measure, "進捗率")
    grade = _output(master, c.ITEM_RESULTS, "No", item, "評価")
    assert isinstance(progress, float) and grade in ("S", "A", "B", "C", "D")
    other = "D" if grade != "D" else "S"
    # what a rule change since closing looks like: the recorded figures differ from a recomputation
    progress_cell = _recorded_cell(master, "指標", measure, "progress")
    grade_cell = _recorded_cell(master, "項目", str(item), "grade")
    wb = load_workbook(master)
    ws = wb[c.YEAR_RESULTS.sheet]
    ws[progress_cell] = 0.123456
    ws[grade_cell] = other
    wb.save(master)
    _reseal(master)

    warnings = {p.cell: p for p in _problems(master) if p.sheet == c.YEAR_RESULTS.sheet}
    assert set(warnings) == {progress_cell, grade_cell}
    assert all(p.severity == "警告" for p in warnings.values())
    assert "0.123456" in warnings[progress_cell].message and f"{other}" in warnings[grade_cell].message
    # refresh (the evaluation year is the closed year) shows the recorded figures, and lists the differences
    assert main(["refresh", str(master), "-q", "--now", NOW]) == 0
    assert _output(master, c.EVALUATION, "ID", measure, "進捗率") == pytest.approx(0.123)  # stored as 12.3%
    assert _output(master, c.ITEM_RESULTS, "No", item, "評価") == other
    listed = load_workbook(master, data_only=True)[c.PROBLEMS.sheet]
    cells = {(r[1], r[2]) for r in listed.iter_rows(min_row=c.PROBLEMS.anchor_row + 1, values_only=True)}
    assert {(c.YEAR_RESULTS.sheet, progress_cell), (c.YEAR_RESULTS.sheet, grade_cell)} <= cells
    # the 年度推移 sheet shows the recorded grade of the closed year too
    assert (
        _output(
            master,
            c.Layout(years=list(range(2025, 2031)), plan_years=list(range(2026, 2031))).table("TrendItems"),
            "No",
            item,
            f"{YEAR}年度",
        )
        == other
    )
    # reopening the year drops the record: the recomputed figures are shown again
    assert main(["reopen-year", str(master), "--year", str(YEAR), "--reason", "再計算", "--now", NOW]) == 0
    assert main(["refresh", str(master), "-q", "--now", NOW]) == 0
    assert _output(master, c.EVALUATION, "ID", measure, "進捗率") == progress
    assert _output(master, c.ITEM_RESULTS, "No", item, "評価") == grade
