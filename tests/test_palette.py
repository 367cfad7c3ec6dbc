"""One palette: the master workbook and the council materials use the same colours, taken from kaikaku_xl.palette."""

from __future__ import annotations

import re
from pathlib import Path

from helpers.export import run_export
from openpyxl import load_workbook

from kaikaku_xl import palette
from kaikaku_xl.master import contract as c
from kaikaku_xl.plan.scale import GRADES

SRC = Path(__file__).resolve().parents[1] / "src" / "kaikaku_xl"
REPO = SRC.parents[1]
# A quoted RRGGBB or #RRGGBB colour literal (number formats such as '#,##0' do not match).
COLOUR_LITERAL = re.compile(r"""["'#](?:#?)[0-9A-Fa-f]{6}["'\s;}]""")


def test_every_grade_has_a_fill_and_a_readable_text_colour() -> None:
    assert tuple(palette.GRADE_FILL) == GRADES
    assert tuple(palette.GRADE_TEXT) == GRADES


def test_no_colour_literal_outside_the_palette() -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{n}: {line.strip()}"
        for path in SRC.rglob("*.py")
        if path.name != "palette.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if COLOUR_LITERAL.search(line)
    ]
    assert offenders == []


def test_master_and_council_workbook_share_one_header_blue(tmp_path: Path) -> None:
    master = load_workbook(REPO / "xlsx" / "omitama_master.xlsx")
    ws = master[c.EVALUATION.sheet]
    header = ws.cell(row=c.EVALUATION.anchor_row, column=1)
    assert header.fill.fgColor.rgb.endswith(palette.HEADER_FILL)

    result = run_export(tmp_path)
    council = load_workbook(next(p for p in result.paths if p.suffix == ".xlsx"))
    fills = {
        cell.fill.fgColor.rgb[-6:]
        for ws in council.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.fill is not None and cell.fill.fill_type == "solid"
    }
    assert palette.HEADER_FILL in fills
    assert fills <= {palette.HEADER_FILL, palette.GROUP_FILL}, fills


def test_web_page_uses_the_palette(tmp_path: Path) -> None:
    result = run_export(tmp_path)
    page = next(p for p in result.paths if p.suffix == ".html").read_text(encoding="utf-8")
    assert f"background:{palette.css(palette.HEADER_FILL)}" in page
    assert "1F4E79" not in page  # the second, accidental blue is gone
