"""A stand-in for the part of xlwings' COM book (classic Excel) the engine uses, filled from a real master file.

Excel cannot run here. The stand-in answers with COM's value types (every number a double, empty cells None),
keeps sheets, tables, ranges, defined names and sheet protection, and refuses writes to protected sheets as
Excel does. Shared by the engine, percent-input and 配布/回収 tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from kaikaku_xl.excel.engine import plain
from kaikaku_xl.master import contract as c


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
                self.sheet.typed((self.row + i, self.column + j), v)

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
        self.formulas: set[tuple[int, int]] = set()  # cells a write made formulas of
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

    def typed(self, rc: tuple[int, int], value: Any) -> None:
        """A value given to Range.value, read as Excel reads it: a leading apostrophe says "text" and is not
        kept; other text starting like a formula becomes one (in `formulas`)."""
        self.formulas.discard(rc)
        if isinstance(value, str) and value.startswith("'"):
            value = value[1:]
        elif isinstance(value, str) and len(value) > 1 and value.startswith(("=", "+", "-", "@")):
            self.formulas.add(rc)
        self.set(rc, value)

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
