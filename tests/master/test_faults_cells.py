"""Messages quote cell values shortened (50 characters and …, never "None"); every cell written respects Excel's
limits (32,767 characters)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c

HUGE = "膨" * 1_000_000


def problem_messages(path: Path) -> list[str]:
    ws = load_workbook(path, read_only=True)[c.PROBLEMS.sheet]
    return [
        str(v) for row in ws.iter_rows(min_row=c.PROBLEMS.anchor_row + 1, values_only=True) for v in row if v
    ]


def test_a_one_megabyte_cell_is_quoted_short_and_no_cell_exceeds_excel(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    wb = load_workbook(path)
    wb["実績"]["E4"] = HUGE  # staff paste a whole document into an actual's cell
    wb.save(path)
    assert main(["refresh", str(path)]) == 0
    messages = problem_messages(path)
    quoted = [m for m in messages if "膨" in m]
    assert quoted and all(len(m) < 300 and "膨" * 50 + "…" in m for m in quoted)
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                for cell_text in zf.read(name).decode("utf-8").split('<t xml:space="preserve">')[1:]:
                    assert len(cell_text.split("</t>")[0]) <= 32_767, name


def test_a_merged_cell_is_reported_as_blank_not_none(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    wb = load_workbook(path)
    wb["実績"].merge_cells("A4:A5")  # the second row's No reads as empty
    wb.save(path)
    assert main(["refresh", str(path)]) == 0
    messages = problem_messages(path)
    assert any("（空欄）" in m for m in messages)
    assert not any("None" in m for m in messages)


def test_text_longer_than_an_excel_cell_is_cut_when_written() -> None:
    from kaikaku_xl.xlsx.limits import EXCEL_MAX_CHARS
    from kaikaku_xl.xlsx.sheetxml import _cell_xml

    xml = _cell_xml("A1", "字" * 40_000, 0)
    text = xml.split('xml:space="preserve">')[1].split("</t>")[0]
    assert len(text) == EXCEL_MAX_CHARS and text.endswith("…")
    assert _cell_xml("A1", "短い", 0).count("短い") == 1
