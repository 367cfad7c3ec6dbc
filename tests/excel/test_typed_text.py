"""Text the xlwings engine gives Excel stays text (issue 21, finding 6): Excel reads a value set on a range as if
typed, so text starting like a formula goes with the apostrophe that says "text" (classic Excel's COM stand-in
reads it as Excel does), in an output table, a cell and a patched input cell alike."""

from __future__ import annotations

from pathlib import Path

from helpers.com_excel import ComBook
from helpers.workbook import make_master

from kaikaku_xl.excel.engine import XlwingsEngine
from kaikaku_xl.master import contract as c

TEXTS = ('=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1)", "'quoted'")


def test_text_written_through_excel_is_never_a_formula(tmp_path: Path) -> None:
    book = ComBook(make_master(tmp_path))
    engine = XlwingsEngine(book)
    spec = c.PROBLEMS
    rows = [[text] + [None] * (len(spec.columns) - 1) for text in TEXTS]
    engine.write_table(spec, rows)
    top = spec.anchor_row + 1
    engine.patch_cells(c.STATUS.sheet, {(c.STATUS.anchor_row + 1 + i, 6): t for i, t in enumerate(TEXTS)})
    engine.write_cells(c.SHEET_DASHBOARD, {"A1": TEXTS[0]})
    engine.commit()
    problems = book.sheets[spec.sheet]
    status = book.sheets[c.STATUS.sheet]
    dashboard = book.sheets[c.SHEET_DASHBOARD]
    assert problems.formulas == status.formulas == dashboard.formulas == set()
    assert [problems.cells[(top + i, spec.anchor_col)] for i in range(len(TEXTS))] == list(TEXTS)
    assert [status.cells[(c.STATUS.anchor_row + 1 + i, 6)] for i in range(len(TEXTS))] == list(TEXTS)
    assert dashboard.cells[(1, 1)] == TEXTS[0]
