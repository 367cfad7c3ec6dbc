"""確定 / 差戻し from the .xlsm 操作 sheet (issue #23), through the COM stand-in (Excel cannot run here): the department
and the reason are read from the sheet's named cells and the same accept / send-back workflows write into the
open book."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from helpers.com_excel import ComBook
from helpers.cycle import YEAR
from openpyxl import load_workbook

from kaikaku_xl.excel import macros
from kaikaku_xl.excel.xlsm import create_xlsm
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract import excel as n
from kaikaku_xl.plan import load_plan

NOW = datetime(2026, 6, 1, 10, 0, 0)
DEPT = "会計課"
REASON = "効果額の算定根拠を記入してください"


def _steps(book: ComBook) -> list[tuple[object, ...]]:
    values = book.values(c.ACCEPTANCES.sheet)
    rows = sorted({r for (r, _col) in values if r > c.ACCEPTANCES.anchor_row})
    return [
        tuple(values.get((r, col)) for col in (1, 2, 3, 5)) for r in rows if values.get((r, 1)) is not None
    ]


def test_send_back_and_accept_the_department_chosen_on_the_actions_sheet(tmp_path: Path) -> None:
    master = create_xlsm(load_plan(), tmp_path / "accept.xlsm", sample=True, now=NOW)
    sheet = load_workbook(master, keep_vba=True)[n.SHEET_ACTIONS]
    assert sheet[n.ACTION_CELLS.department].value is None and sheet[n.ACTION_CELLS.reason].value is None
    [choice] = [
        dv for dv in sheet.data_validations.dataValidation if n.ACTION_CELLS.department in str(dv.sqref)
    ]
    assert DEPT in choice.formula1  # a dropdown of the plan's 主要担当課
    book = ComBook(master)
    assert macros.run(book, n.ACTION_DISTRIBUTE, now=NOW).startswith(f"{n.ACTION_DISTRIBUTE}しました")
    cell = book.sheets[n.SHEET_ACTIONS][n.ACTION_CELLS.department]

    # nothing chosen, then nothing collected yet: errors staff can act on, nothing recorded
    status = macros.run(book, n.ACTION_ACCEPT, now=NOW)
    assert status.startswith(f"エラー（{n.ACTION_ACCEPT}）") and "課名" in status
    cell.value = DEPT
    status = macros.run(book, n.ACTION_ACCEPT, now=NOW)
    assert "まだ回収していません" in status and not _steps(book)

    returned = tmp_path / "回収"
    returned.mkdir()
    for path in (tmp_path / "配布").glob("*.xlsx"):
        (returned / path.name).write_bytes(path.read_bytes())
    assert macros.run(book, n.ACTION_COLLECT, now=NOW).startswith(f"{n.ACTION_COLLECT}しました")

    status = macros.run(book, n.ACTION_SEND_BACK, now=NOW)  # the reason cell is empty
    assert "差し戻す理由" in status and not _steps(book)
    book.sheets[n.SHEET_ACTIONS][n.ACTION_CELLS.reason].value = REASON
    status = macros.run(book, n.ACTION_SEND_BACK, now=NOW)
    assert status.startswith(f"{n.ACTION_SEND_BACK}しました"), status
    assert _steps(book) == [(YEAR, DEPT, c.ACCEPT_SENT_BACK, REASON)]

    status = macros.run(book, n.ACTION_ACCEPT, now=NOW)
    assert status.startswith(f"{n.ACTION_ACCEPT}しました"), status
    assert _steps(book)[-1] == (YEAR, DEPT, c.ACCEPT_ACCEPTED, None)
    assert "確定済み" in macros.run(book, n.ACTION_ACCEPT, now=NOW)
    assert len(_steps(book)) == 2
    log = book.values(c.CHANGE_LOG.sheet)
    assert sum(1 for v in log.values() if v == c.ACCEPT_ACCEPTED) == 1
