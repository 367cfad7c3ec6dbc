"""The 配布 / 回収 actions from classic Excel, through the COM stand-in of test_excel_engine (Excel cannot run
here): the same distribute and collect workflows, writing into the open book instead of the file."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from helpers.com_excel import ComBook
from helpers.cycle import DEPT, YEAR, department_file, fill_as_personnel_section
from helpers.workbook import make_master

from kaikaku_xl.excel import macros
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract import excel as n

NOW = datetime(2026, 6, 1, 10, 0, 0)


def test_distribute_and_collect_from_excel(tmp_path: Path) -> None:
    master = make_master(tmp_path, sample=False)
    book = ComBook(master)
    status = macros.run(book, n.ACTION_DISTRIBUTE, now=NOW)
    assert status.startswith(f"{n.ACTION_DISTRIBUTE}しました"), status
    sent = tmp_path / "配布"  # the 設定 sheet's default folder, beside the workbook
    assert len(list(sent.glob("*.xlsx"))) == 6
    records = book.values(c.DISTRIBUTIONS.sheet)
    assert sum(1 for (r, col), v in records.items() if col == 2 and r > 1) == 6  # one row per department
    returned = tmp_path / "回収"
    returned.mkdir()
    path = shutil.copy2(department_file(sent, DEPT), returned)
    fill_as_personnel_section(Path(path))

    status = macros.run(book, n.ACTION_COLLECT, now=NOW)
    assert status.startswith(f"{n.ACTION_COLLECT}しました"), status
    assert "適用 5 件" in status and "拒否 1 件" in status
    actuals = book.sheets["実績"]
    values = book.values("実績")
    row = next(r for (r, col), v in values.items() if col == 2 and v == "人件費（会計年度任用職員以外）")
    header = next(col for (r, col), v in values.items() if r == 3 and v == f"{YEAR}年度")
    assert values[(row, header)] == 4012345678
    log = book.values(c.CHANGE_LOG.sheet)
    assert sum(1 for v in log.values() if v == c.LOG_APPLIED) == 5
    assert sum(1 for v in log.values() if v == c.LOG_REFUSED) == 1
    del actuals

    again = macros.run(book, n.ACTION_COLLECT, now=NOW)
    assert "適用 0 件" in again


def test_distributing_a_closed_year_from_excel_is_an_error_staff_can_act_on(tmp_path: Path) -> None:
    """Every failure a user can cause is a KaikakuError (errors.py), not only WorkbookError: a closed year's
    InputError from the 配布 button is reported as what to do, never as an unexpected bug."""
    from kaikaku_xl.cli.program import main

    master = make_master(tmp_path)  # with inputs: a year without any cannot be closed (issue #21)
    assert main(["close-year", str(master), "--year", str(YEAR)]) == 0
    book = ComBook(master)
    status = macros.run(book, n.ACTION_DISTRIBUTE, now=NOW)
    assert status.startswith(f"エラー（{n.ACTION_DISTRIBUTE}）: "), status
    assert "締められています" in status and "予期しないエラー" not in status
    problems = book.values(c.PROBLEMS.sheet)
    assert any("reopen-year" in str(v) for v in problems.values())
    assert "担当者（情報政策担当）" not in "".join(str(v) for v in problems.values())
    assert not (tmp_path / "配布").exists() or not any((tmp_path / "配布").iterdir())
