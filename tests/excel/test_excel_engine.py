"""The xlwings engine and the macros on classic Excel (COM), where Excel itself cannot run here.

Excel is replaced by a small stand-in for the part of xlwings' COM book the engine uses (sheets, tables, ranges,
defined names, sheet protection), filled from a real master file with COM's value types (every number a double,
empty cells None). It refuses writes to protected sheets as Excel does. Everything else is the real code: the
same refresh, validate and export workflows, compared with the headless engine on the same file. The engine on
xlwings' own book model (xlwings Server) is tested without any stand-in in tests/excel/xlwings_book.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.com_excel import ComBook
from helpers.workbook import FIXED_NOW, make_master
from openpyxl import load_workbook

from kaikaku_xl.app.refresh import refresh
from kaikaku_xl.excel import macros
from kaikaku_xl.excel.engine import DOOR_CLASSIC, XlwingsEngine
from kaikaku_xl.excel.xlsm import create_xlsm
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.builder import layout_of
from kaikaku_xl.master.contract import excel as n
from kaikaku_xl.plan import load_plan
from kaikaku_xl.xlsx.file_engine import FileEngine

NOW = datetime(2026, 5, 1, 10, 0, 0)


def file_values(path: Path, sheet: str) -> dict[tuple[int, int], Any]:
    ws = load_workbook(path, data_only=True)[sheet]
    return {
        (cell.row, cell.column): cell.value
        for row in ws.iter_rows()
        for cell in row
        if cell.value not in (None, "")
    }


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_master(tmp_path_factory.mktemp("com"))


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_xlsm(
        load_plan(),
        tmp_path_factory.mktemp("com_xlsm") / "omitama_master.xlsm",
        sample=True,
        now=datetime.fromisoformat(FIXED_NOW),
    )


def test_refresh_from_excel_leaves_the_values_of_kaikaku_refresh(master: Path, tmp_path: Path) -> None:
    book = ComBook(master)
    engine = XlwingsEngine(book)
    assert engine.door == DOOR_CLASSIC and not engine.remote
    refresh(engine, now=NOW)
    headless = shutil.copy2(master, tmp_path / "headless.xlsx")
    refresh(FileEngine(headless, backups=0), now=NOW)
    log = c.REFRESH_LOG
    door = (log.anchor_row + 2, log.anchor_col + [col.key for col in log.columns].index("door"))
    for sheet in layout_of(load_plan()).output_sheets:
        want = file_values(headless, sheet)
        if sheet == log.sheet:
            assert want.pop(door) == "コマンド" and book.values(sheet).get(door) == DOOR_CLASSIC
        got = {rc: v for rc, v in book.values(sheet).items() if not (sheet == log.sheet and rc == door)}
        assert got == want, sheet
    evaluation = next(t for t in book.sheets[c.EVALUATION.sheet].tables if t.name == c.EVALUATION.name)
    assert (
        evaluation.range.address.replace("$", "")
        == FileEngine(headless).package.tables[c.EVALUATION.name].ref
    )
    # wrapped rows get their height from Excel itself (AutoFit), as the file engine writes estimated heights
    assert book.sheets[c.EVALUATION.sheet].autofitted == [(c.EVALUATION.anchor_row, evaluation.range.bottom)]


def test_protected_output_sheets_are_unprotected_only_while_writing(master: Path) -> None:
    book = ComBook(master)
    refresh(XlwingsEngine(book), now=NOW)
    for sheet in layout_of(load_plan()).output_sheets:
        api = book.sheets[sheet].api
        assert api.calls == ["Unprotect", "Protect"] and api.ProtectContents, sheet
    assert book.app.seen == [False, True] and book.app.screen_updating is True


def test_shrinking_a_table_clears_the_rows_left_over(master: Path) -> None:
    book = ComBook(master)
    engine = XlwingsEngine(book)
    spec = c.PROBLEMS
    engine.write_table(spec, [["警告", "実績", "E4", f"行{i}", "対処"] for i in range(5)])
    engine.commit()
    engine.write_table(spec, [["エラー", "", "", "一つだけ", ""]])
    engine.commit()
    cells = book.values(spec.sheet)
    first = spec.anchor_row + 1
    assert cells[(first, 4)] == "一つだけ" and not any(r > first for r, _ in cells)
    table = book.sheets[spec.sheet].tables[0]
    assert table.range.bottom == first


def test_main_runs_the_action_chosen_in_the_dropdown(xlsm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = ComBook(xlsm)
    book.sheets[n.SHEET_ACTIONS][n.ACTION_CELLS.action].value = n.ACTION_VALIDATE
    book.sheets["実績"]["E4"].value = "たくさん"  # an actual that is not a number (a yellow, unlocked cell)
    monkeypatch.setattr(macros.xw.Book, "caller", classmethod(lambda cls: book))  # Excel's caller
    macros.main()
    status = book.sheets[n.SHEET_ACTIONS][n.ACTION_CELLS.status].value
    assert status.startswith(f"{n.ACTION_VALIDATE}しました") and "エラー 0 件" not in status
    problems = book.values(c.PROBLEMS.sheet)
    assert (problems[(c.PROBLEMS.anchor_row + 1, 2)], problems[(c.PROBLEMS.anchor_row + 1, 3)]) == (
        "実績",
        "E4",
    )
    assert book.values(c.EVALUATION.sheet) == ComBook(xlsm).values(
        c.EVALUATION.sheet
    )  # validate computes nothing


def test_a_broken_workbook_shows_the_error_in_the_status_cell_and_problems(xlsm: Path) -> None:
    book = ComBook(xlsm)
    measures = book.sheets[c.MEASURES.sheet]
    measures.tables = [t for t in measures.tables if t.name != c.MEASURES.name]
    before = book.values(c.EVALUATION.sheet)
    status = macros.run(book, n.ACTION_REFRESH, now=NOW)
    assert status.startswith("エラー") and c.MEASURES.name in status
    assert book.sheets[n.SHEET_ACTIONS][n.ACTION_CELLS.status].value == status
    problems = book.values(c.PROBLEMS.sheet)
    assert (
        problems[(c.PROBLEMS.anchor_row + 1, 1)] == "エラー"
        and c.MEASURES.name in problems[(c.PROBLEMS.anchor_row + 1, 4)]
    )
    assert book.values(c.EVALUATION.sheet) == before


def test_a_bug_is_reported_plainly_and_changes_no_output(xlsm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = ComBook(xlsm)
    before = {s: book.values(s) for s in layout_of(load_plan()).output_sheets if s != c.PROBLEMS.sheet}

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("kaikaku_xl.app.validate.evaluate_kept", broken)  # the 計算 phase (compute)
    status = macros.run(book, n.ACTION_REFRESH, now=NOW)
    assert (
        status.startswith("予期しないエラー") and "ZeroDivisionError" in status and "Traceback" not in status
    )
    assert {s: book.values(s) for s in before} == before


def test_every_action_has_a_doer_and_every_doer_an_action() -> None:
    """The contract's ACTIONS is the one list of the 操作 sheet's actions: the macros do exactly those."""
    assert list(macros.DOERS) == list(n.ACTIONS)
    assert all(callable(doer) for doer in macros.DOERS.values())


def test_unknown_action_is_named(xlsm: Path) -> None:
    book = ComBook(xlsm)
    status = macros.run(book, "印刷", now=NOW)
    assert "印刷" in status and all(a in status for a in n.ACTIONS)


def test_export_writes_the_council_materials_beside_the_workbook(xlsm: Path, tmp_path: Path) -> None:
    copy = shutil.copy2(xlsm, tmp_path / xlsm.name)
    book = ComBook(copy)
    status = macros.run(book, n.ACTION_EXPORT, now=NOW)
    assert status.startswith(f"{n.ACTION_EXPORT}しました"), status
    folder = tmp_path / n.DEFAULT_EXPORT_DIR
    written = {p.suffix for p in folder.iterdir()}
    assert {".xlsx", ".html", ".csv", ".pdf"} <= written
    # the PDF comes from Excel's own export of the values-only workbook, which Excel then closes
    [(source, target)] = book.app.books.exported
    # (rendered in the run's staging folder beside the target, which then replaces the target as one set)
    staged = Path(source).parent
    assert staged.parent == folder.parent and staged.name.startswith(f".kaikaku-new-{folder.name}-")
    assert (
        source.endswith("_report.xlsx") and target.endswith("_report.pdf") and Path(target).parent == staged
    )
    assert book.app.books.closed == 1
