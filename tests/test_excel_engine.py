"""The xlwings engine and the macros on classic Excel (COM), where Excel itself cannot run here.

Excel is replaced by a small stand-in for the part of xlwings' COM book the engine uses (sheets, tables, ranges,
defined names, sheet protection), filled from a real master file with COM's value types (every number a double,
empty cells None). It refuses writes to protected sheets as Excel does. Everything else is the real code: the
same refresh, validate and export workflows, compared with the headless engine on the same file. The engine on
xlwings' own book model (xlwings Server) is tested without any stand-in in tests/xlwings_book.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from workbook_helpers import FIXED_NOW, make_master

from kaikaku_xl.excel import macros
from kaikaku_xl.excel import names as n
from kaikaku_xl.excel.engine import DOOR_CLASSIC, XlwingsEngine, plain
from kaikaku_xl.excel.xlsm import create_xlsm
from kaikaku_xl.plan import load_plan
from kaikaku_xl.workbook import contract as c
from kaikaku_xl.workbook.builder import layout_of
from kaikaku_xl.workbook.headless import FileEngine
from kaikaku_xl.workflows.refresh import refresh

NOW = datetime(2026, 5, 1, 10, 0, 0)


class ComError(Exception):
    """What Excel raises when a macro writes to a protected sheet."""


class SheetApi:
    def __init__(self, protected: bool) -> None:
        self.ProtectContents = protected
        self.calls: list[str] = []

    def Unprotect(self, password: str) -> None:  # noqa: N802 (COM's name)
        assert password == c.PASSWORD_NOTE
        self.ProtectContents = False
        self.calls.append("Unprotect")

    def Protect(self, **options: Any) -> None:  # noqa: N802
        assert options["Password"] == c.PASSWORD_NOTE and options["AllowFiltering"]
        self.ProtectContents = True
        self.calls.append("Protect")


class RowsApi:
    def __init__(self, rng: Range) -> None:
        self.rng = rng

    def AutoFit(self) -> None:  # noqa: N802 (COM's name)
        self.rng.sheet.check_writable()
        self.rng.sheet.autofitted.append((self.rng.row, self.rng.bottom))


class RangeApi:
    def __init__(self, rng: Range) -> None:
        self.Rows = RowsApi(rng)


class Range:
    def __init__(self, sheet: Sheet, top: int, left: int, bottom: int, right: int) -> None:
        self.sheet, self.row, self.column, self.bottom, self.right = sheet, top, left, bottom, right
        self.api = RangeApi(self)

    @property
    def address(self) -> str:
        return f"${get_column_letter(self.column)}${self.row}:${get_column_letter(self.right)}${self.bottom}"

    def options(self, ndim: int = 2) -> Range:
        return self

    def _cells(self) -> list[list[tuple[int, int]]]:
        return [
            [(r, col) for col in range(self.column, self.right + 1)] for r in range(self.row, self.bottom + 1)
        ]

    @property
    def value(self) -> Any:
        rows = [[self.sheet.cells.get(rc) for rc in row] for row in self._cells()]
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows

    @value.setter
    def value(self, value: Any) -> None:
        self.sheet.check_writable([rc for row in self._cells() for rc in row])
        rows = value if isinstance(value, list) else [[value]]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet.set((self.row + i, self.column + j), v)

    @property
    def number_format(self) -> str | None:
        """The cells' common format; None when they differ, as Excel's Range.NumberFormat answers."""
        found = {self.sheet.formats.get(rc, "General") for row in self._cells() for rc in row}
        return found.pop() if len(found) == 1 else None

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        self.sheet.check_writable()
        for row in self._cells():
            for rc in row:
                self.sheet.formats[rc] = fmt

    def clear_contents(self) -> None:
        self.sheet.check_writable()
        for row in self._cells():
            for rc in row:
                self.sheet.cells.pop(rc, None)


class Table:
    def __init__(self, sheet: Sheet, name: str, ref: str) -> None:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        self.name, self.range = name, Range(sheet, min_row, min_col, max_row, max_col)

    def resize(self, rng: Range) -> None:
        rng.sheet.check_writable()
        self.range = rng


class Sheet:
    def __init__(self, ws: Any) -> None:
        self.name = ws.title
        self.cells: dict[tuple[int, int], Any] = {}
        for row in ws.iter_rows():
            for cell in row:
                self.set((cell.row, cell.column), cell.value)
        self.formats: dict[tuple[int, int], str] = {
            (cell.row, cell.column): cell.number_format
            for row in ws.iter_rows()
            for cell in row
            if cell.number_format != "General"
        }
        self.tables = [Table(self, t.displayName, t.ref) for t in ws.tables.values()]
        self.api = SheetApi(bool(ws.protection.sheet))
        self.autofitted: list[tuple[int, int]] = []  # row spans whose heights Excel fitted
        # Excel lets staff type into unlocked cells of a protected sheet (the yellow input cells)
        self.unlocked = {
            (cell.row, cell.column)
            for row in ws.iter_rows()
            for cell in row
            if cell.has_style and not cell.protection.locked
        }

    def set(self, rc: tuple[int, int], value: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            value = float(value)  # COM hands every number over as a double
        if value is None or value == "":
            self.cells.pop(rc, None)
        else:
            self.cells[rc] = value

    def check_writable(self, cells: list[tuple[int, int]] | None = None) -> None:
        """Excel refuses writes to a protected sheet, except values typed into unlocked cells."""
        if self.api.ProtectContents and (cells is None or not set(cells) <= self.unlocked):
            raise ComError(
                f"The cell or chart you're trying to change is on a protected sheet ({self.name})."
            )

    def range(self, first: tuple[int, int], last: tuple[int, int]) -> Range:
        return Range(self, first[0], first[1], last[0], last[1])

    def __getitem__(self, address: str) -> Range:
        min_col, min_row, max_col, max_row = range_boundaries(address)
        return Range(self, min_row, min_col, max_row, max_col)


class Sheets(list):
    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return super().__getitem__(key)


class PdfBook:
    """Stand-in for a workbook Excel opened to export it as PDF (Excel's own export cannot run here)."""

    def __init__(self, books: Books, path: str) -> None:
        self.books, self.path = books, path

    def to_pdf(self, path: str) -> None:
        self.books.exported.append((self.path, path))
        Path(path).write_bytes(b"%PDF-1.4 stand-in for Excel's export")

    def close(self) -> None:
        self.books.closed += 1


class Books:
    def __init__(self) -> None:
        self.exported: list[tuple[str, str]] = []
        self.closed = 0

    def open(self, path: str, read_only: bool = False) -> PdfBook:
        assert read_only
        return PdfBook(self, path)


class App:
    class engine:  # noqa: N801
        name = "excel"

    def __init__(self) -> None:
        self.screen_updating = True
        self.seen: list[bool] = []
        self.books = Books()

    def __setattr__(self, key: str, value: Any) -> None:
        if key == "screen_updating" and hasattr(self, "seen"):
            self.seen.append(value)
        object.__setattr__(self, key, value)


class Name:
    def __init__(self, book: ComBook, sheet: str, address: str) -> None:
        self.refers_to_range = book.sheets[sheet][address.replace("$", "")]


class ComBook:
    """The stand-in for an open workbook in classic Excel."""

    def __init__(self, path: Path) -> None:
        wb = load_workbook(path)
        self.fullname = str(path)
        self.app = App()
        self.sheets = Sheets(Sheet(ws) for ws in wb.worksheets)
        self.names: dict[str, Name] = {}
        for name, defined in wb.defined_names.items():
            for sheet, address in defined.destinations:
                self.names[name] = Name(self, sheet, address)

    def values(self, sheet: str) -> dict[tuple[int, int], Any]:
        return {rc: plain(v) for rc, v in self.sheets[sheet].cells.items()}


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

    monkeypatch.setattr("kaikaku_xl.workflows.refresh.evaluate_kept", broken)
    status = macros.run(book, n.ACTION_REFRESH, now=NOW)
    assert (
        status.startswith("予期しないエラー") and "ZeroDivisionError" in status and "Traceback" not in status
    )
    assert {s: book.values(s) for s in before} == before


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
