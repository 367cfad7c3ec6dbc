"""Collect reads a returned number exactly as the master's reader reads it: a % measure typed as 95% (Excel stores
0.95 in a cell formatted as a percentage) is 95 points, and the text 12.5% is 12.5, as in the master itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cycle import NOW, YEAR, actual_in, col_of, department_file, row_of
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main

DEPT = "行革デジタル推進課"
TRAINING = (26, "セキュリティ研修受講率")  # a % measure of DEPT
REVIEW = (12, "例規見直し率")  # another % measure of DEPT


@pytest.fixture
def returned(tmp_path: Path) -> tuple[Path, Path]:
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "out"
    assert main(["distribute", str(master), "--out", str(out), "--now", NOW, "-q"]) == 0
    path = department_file(out, DEPT)
    wb = load_workbook(path)
    ws = wb["実績"]
    year_col = col_of(ws, f"{YEAR}年度")
    typed = ws.cell(row=row_of(ws, No=TRAINING[0], 指標名=TRAINING[1]), column=year_col, value=0.95)
    typed.number_format = "0%"  # what Excel does when staff type 95%
    ws.cell(row=row_of(ws, No=REVIEW[0], 指標名=REVIEW[1]), column=year_col, value="12.5%")
    wb.save(path)
    return master, path


def test_percent_typed_in_a_returned_file_is_read_as_points(returned: tuple[Path, Path]) -> None:
    master, path = returned
    assert main(["collect", str(master), str(path), "--now", NOW, "-q"]) == 0
    assert actual_in(master, *TRAINING) == pytest.approx(95)
    assert actual_in(master, *REVIEW) == pytest.approx(12.5)
    # the master's own reader agrees: its report shows the same points
    assert main(["refresh", str(master), "-q"]) == 0
    assert actual_in(master, *TRAINING) == pytest.approx(95)
