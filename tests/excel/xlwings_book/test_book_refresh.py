"""The xlwings engine and the macros on xlwings' own book model (`xw.Book(json=...)`, what xlwings Server builds
from the request Office.js sends). Nothing is mocked: the payload is made from real master files, and the writes
come back as `book.json()["actions"]`, applied here cell by cell as Excel's client would apply them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw
from book_model import apply_actions, book_json, sheet_cells
from helpers.workbook import FIXED_NOW, make_master

from kaikaku_xl.app.refresh import refresh
from kaikaku_xl.excel import macros
from kaikaku_xl.excel.engine import DOOR_SERVER, XlwingsEngine
from kaikaku_xl.excel.xlsm import create_xlsm
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.builder import layout_of
from kaikaku_xl.master.contract import excel as n
from kaikaku_xl.plan import load_plan
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.package import inspect
from kaikaku_xl.xlsx.tablespec import FMT_PCT

NOW = datetime(2026, 5, 1, 10, 0, 0)
LAYOUT = layout_of(load_plan())


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_master(tmp_path_factory.mktemp("book"))


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_xlsm(
        load_plan(),
        tmp_path_factory.mktemp("book_xlsm") / "omitama_master.xlsm",
        sample=True,
        now=datetime.fromisoformat(FIXED_NOW),
    )


@pytest.fixture
def caller() -> Iterator[None]:
    yield
    if hasattr(xw.Book, "_mock_caller"):
        del xw.Book._mock_caller


def status_writes(actions: list[dict[str, Any]], payload: dict[str, Any]) -> list[str]:
    """The values written to the 操作 sheet's status cell."""
    sheet = [s["name"] for s in payload["sheets"]].index(n.SHEET_ACTIONS)
    row, col = int(n.ACTION_CELLS.status[1:]) - 1, ord(n.ACTION_CELLS.status[0]) - ord("A")
    return [
        a["values"][0][0]
        for a in actions
        if a["func"] == "setValues"
        and a["sheet_position"] == sheet
        and (a["start_row"], a["start_column"]) == (row, col)
    ]


def test_refresh_through_the_book_writes_what_kaikaku_refresh_writes(master: Path, tmp_path: Path) -> None:
    payload = book_json(master)
    book = xw.Book(json=payload)
    engine = XlwingsEngine(book)
    assert engine.remote and engine.door == DOOR_SERVER
    refresh(engine, now=NOW)
    after = apply_actions(payload, book.json()["actions"])
    headless = shutil.copy2(master, tmp_path / "headless.xlsx")
    refresh(FileEngine(headless, backups=0), now=NOW)
    expected = sheet_cells(headless, LAYOUT.output_sheets)
    log = c.REFRESH_LOG
    door = (log.anchor_row + 2, log.anchor_col + [col.key for col in log.columns].index("door"))
    assert expected[log.sheet].pop(door) == "コマンド" and after["cells"][log.sheet].pop(door) == DOOR_SERVER
    for sheet in LAYOUT.output_sheets:
        assert after["cells"][sheet] == expected[sheet], sheet
    refs = {name: part.ref for name, part in inspect(headless).tables.items()}
    assert {t.name: after["tables"][t.name] for t in LAYOUT.outputs} == {
        t.name: refs[t.name] for t in LAYOUT.outputs
    }
    evaluation = c.EVALUATION
    progress = evaluation.anchor_col + [col.key for col in evaluation.columns].index("progress")
    assert after["formats"][(evaluation.sheet, evaluation.anchor_row + 1, progress)] == FMT_PCT


def test_input_values_read_as_the_file_engine_reads_them(master: Path) -> None:
    """The same input fingerprint (the log's last column) whichever door read the workbook."""
    book_engine, file_engine = XlwingsEngine(xw.Book(json=book_json(master))), FileEngine(master)
    try:
        for spec in LAYOUT.inputs:
            a, b = book_engine.read_table(spec), file_engine.read_table(spec)
            assert (a.sheet, a.headers, a.rows, a.header_row, a.first_col, a.offsets) == (
                b.sheet,
                b.headers,
                b.rows,
                b.header_row,
                b.first_col,
                b.offsets,
            ), spec.name
    finally:
        file_engine.close()


def test_main_reads_the_dropdown_of_the_caller(xlsm: Path, caller: None) -> None:
    payload = book_json(
        xlsm,
        cells={
            n.SHEET_ACTIONS: {n.ACTION_CELLS.action: n.ACTION_VALIDATE},
            c.MEASURES.sheet: {"F4": "たくさん"},
        },
    )
    book = xw.Book(json=payload)
    book.set_mock_caller()  # what xw.Book.caller() returns when Excel runs the button
    macros.main()
    actions = book.json()["actions"]
    statuses = status_writes(actions, payload)
    assert len(statuses) == 1 and statuses[0].startswith(f"{n.ACTION_VALIDATE}しました")
    after = apply_actions(payload, actions)
    first = c.PROBLEMS.anchor_row + 1
    assert after["cells"][c.PROBLEMS.sheet][(first, 3)] == "F4"
    written = {payload["sheets"][a["sheet_position"]]["name"] for a in actions if a["func"] == "setValues"}
    assert written == {c.PROBLEMS.sheet, n.SHEET_ACTIONS}  # validate computes and writes nothing else


def test_errors_go_to_the_status_cell_and_problems_not_a_traceback(xlsm: Path) -> None:
    payload = book_json(xlsm, drop_tables=(c.MEASURES.name,))
    book = xw.Book(json=payload)
    status = macros.run(book, n.ACTION_REFRESH, now=NOW)
    actions = book.json()["actions"]
    assert status_writes(actions, payload) == [status] and status.startswith("エラー")
    after = apply_actions(payload, actions)
    problems = after["cells"][c.PROBLEMS.sheet]
    assert (
        problems[(c.PROBLEMS.anchor_row + 1, 1)] == "エラー"
        and c.MEASURES.name in problems[(c.PROBLEMS.anchor_row + 1, 4)]
    )
    assert after["cells"][c.EVALUATION.sheet] == apply_actions(payload, [])["cells"][c.EVALUATION.sheet]


def test_export_from_office_js_says_to_use_the_command(xlsm: Path) -> None:
    book = xw.Book(json=book_json(xlsm))
    status = macros.run(book, n.ACTION_EXPORT, now=NOW)
    assert status.startswith("エラー") and "kaikaku export" in status


def test_a_master_without_a_status_cell_gets_an_alert(master: Path) -> None:
    book = xw.Book(json=book_json(master))
    status = macros.run(book, n.ACTION_REFRESH, now=NOW)
    alerts = [a for a in book.json()["actions"] if a["func"] == "alert"]
    assert [a["args"][0] for a in alerts] == [status] and status.startswith(f"{n.ACTION_REFRESH}しました")
