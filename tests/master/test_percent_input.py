"""A % measure's value is read in points (1 = 1%), and as a fraction only where the cell's format is a percentage.

Real master files edited as staff type them, read by the headless engine (openpyxl) and by the xlwings engine
over the COM stand-in of tests/excel/test_excel_engine.py (Excel cannot run here), which answers Range.number_format
as Excel does (None for a range of mixed formats).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.com_excel import ComBook
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.app.report import report_from_engine
from kaikaku_xl.excel.engine import XlwingsEngine
from kaikaku_xl.xlsx.engine import is_percent_format
from kaikaku_xl.xlsx.file_engine import FileEngine

# 実績 rows: 12 = 12-1 例規見直し率 (0% → 100%), 21 = 26-1 セキュリティ研修受講率 (100% → 100%); E = 2026年度.
REVIEW, TRAINING = "E12", "E21"


@pytest.mark.parametrize(
    ("fmt", "percent"),
    [
        ("0%", True),
        ("0.0%", True),
        ("#,##0.00%", True),
        ("General", False),
        ("#,##0.##", False),
        ('0"%"', False),
        ("0\\%", False),
        ("[Red]0.0", False),
        (None, False),
    ],
)
def test_percent_formats(fmt: str | None, percent: bool) -> None:
    assert is_percent_format(fmt) is percent


@pytest.fixture(scope="module")
def typed_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = make_master(tmp_path_factory.mktemp("percent"), sample=False)
    wb = load_workbook(path)
    ws = wb["実績"]
    ws[REVIEW] = 1  # one per cent of the rules reviewed, in a plain number cell
    ws[TRAINING] = 0.95  # 95% in a cell formatted as a percentage
    ws[TRAINING].number_format = "0%"
    wb.save(path)
    return path


def measure(report: dict, measure_id: str) -> dict:
    return next(m for m in report["measures"] if m["id"] == measure_id)


@pytest.mark.parametrize("door", ["file", "excel"])
def test_points_unless_the_cell_shows_a_percentage(typed_master: Path, door: str) -> None:
    engine = FileEngine(typed_master) if door == "file" else XlwingsEngine(ComBook(typed_master))
    report = report_from_engine(engine, 2026).report.to_dict()
    review, training = measure(report, "12-1"), measure(report, "26-1")
    assert review["actual"] == 1 and review["progress"] == pytest.approx(0.01)
    assert review["grade"] == "C"  # 1% of the way in 2026 (planned 2/6), not S as when 1 was read as 100%
    assert training["actual"] == 95  # exactly: 0.95 × 100 in decimal
    assert training["grade"] == "B"  # 達成率 95/100 ≥ 0.6
    assert not [p for p in report["problems"] if p["cell"] == TRAINING]
    # 1 in a plain cell is ambiguous (typed 1, or 100% in a cell formatted as a number): read as 1%, and a
    # warning names the cell and the other likely reading (issue #20)
    (doubt,) = [p for p in report["problems"] if p["cell"] == REVIEW]
    assert doubt["severity"] == "警告" and "1%" in doubt["message"] and "100%" in doubt["message"]


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_the_file_engine_reports_each_cells_format(typed_master: Path, reader: str) -> None:
    """calamine cannot see formats: they come from the sheet's XML (cellformats.py), as openpyxl gives them."""
    engine = FileEngine(typed_master, reader=reader)
    from kaikaku_xl.master.contract.layout import Layout

    table = engine.read_table(
        Layout(years=list(range(2025, 2031)), plan_years=list(range(2026, 2031))).table("Actuals")
    )
    col = table.headers.index("2026年度")
    assert table.is_percent(17, col) is True and table.is_percent(8, col) is False
