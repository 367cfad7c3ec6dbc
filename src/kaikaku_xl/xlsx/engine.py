"""The interfaces every workbook engine implements (the file engine, an xlwings Book): callers ask only these.

Three protocols, each a superset of the one before: Engine (read tables, write tables and cells, commit at once),
PatchingEngine (set single cells of sheets people type into, grow their tables) and LockingEngine (lock cells
and protect sheets). The file engine (file_engine.py) is all three; the xlwings engine (excel/engine.py) the
first two. Each engine module holds a check the type checker runs against the protocols it promises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from kaikaku_xl.xlsx.a1 import column_letter
from kaikaku_xl.xlsx.tablespec import Column, TableSpec


@dataclass
class RawTable:
    """The values of one Excel table as typed, with where they are, for messages naming the cell."""

    sheet: str
    headers: list[str]
    rows: list[list[Any]]
    header_row: int
    first_col: int
    offsets: list[int] | None = (
        None  # sheet offset below the header of each row kept (blank rows are dropped)
    )
    # The Excel number format of each cell of `rows` (same shape; "General" where the cell has none), or None
    # when the engine cannot see formats (xlwings Server: Office.js sends values only). A reader may need it
    # to tell how a value was typed: 0.3 in a percentage format is shown as 30%, in any other as 0.3
    # (is_percent). Any engine, including a faster value reader that replaces openpyxl, must keep filling it:
    # without it a reader cannot tell the two apart.
    number_formats: Sequence[Sequence[str | None]] | None = None
    # An engine may instead give a loader that fills number_formats on first use (the file engine reads formats
    # from the sheet's XML only when a reader asks: calamine itself cannot see them).
    formats_loader: Callable[[], Sequence[Sequence[str | None]]] | None = None

    def address(self, row_index: int, col_index: int) -> str:
        """A1 address of data row `row_index` (0-based; -1 = the header), column `col_index` (0-based)."""
        offset = row_index + 1 if self.offsets is None or row_index < 0 else self.offsets[row_index]
        return f"{column_letter(self.first_col + col_index)}{self.header_row + offset}"

    def is_percent(self, row_index: int, col_index: int) -> bool | None:
        """Whether the cell's own number format is a percentage; None where formats are not known."""
        if self.number_formats is None and self.formats_loader is not None:
            self.number_formats = self.formats_loader()
        if self.number_formats is None:
            return None
        try:
            return is_percent_format(self.number_formats[row_index][col_index])
        except IndexError:
            return False

    def column_of(self, col: Column) -> int | None:
        """The index of a column of a table spec: by its header, or by another header it may carry (Column.also)."""
        for header in (col.header, *col.also):
            found = self.column_index(header)
            if found is not None:
                return found
        return None

    def column_index(self, header: str) -> int | None:
        try:
            return self.headers.index(header)
        except ValueError:
            return None


_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # "text", \x escapes, [Red]/[<=100] sections


def is_percent_format(fmt: str | None) -> bool:
    """True for an Excel number format that shows the value × 100 with a % sign (0%, 0.0%, #,##0.00%…).

    A % inside quotes ("%"), escaped (\\%) or in brackets is literal text and does not scale the value.
    """
    if not fmt:
        return False
    return "%" in _LITERALS.sub("", fmt)


class Engine(Protocol):
    """Read, write, commit: everything a caller asks of a workbook, whichever door opened it (the file engine of
    the command line, an xlwings book in Excel). Writes become visible at once, on commit()."""

    door: str  # how the run was started, for a log to show (コマンド / Excel / Excel(Web))

    def has_table(self, name: str) -> bool: ...

    def read_table(self, spec: TableSpec) -> RawTable: ...

    def write_table(
        self, spec: TableSpec, rows: list[list[Any]], formats: dict[str, list[str]] | None = None
    ) -> None:
        """Replace the header and data rows of a table the program owns (its header as `spec` says).

        formats: for columns whose rows differ in number format (by key), the number format of each row."""

    def write_cells(self, sheet: str, cells: dict[str, Any]) -> None:
        """Set single cells (A1 address -> value) of a sheet the program owns, e.g. a summary's figures."""

    def writing(self, action: str = "更新") -> AbstractContextManager[None]:
        """Be the workbook's one writer from the read to the commit (a file: its writer lock; an open book: Excel
        holds it already). action names the work in the message a second writer gets."""

    def use_backups(self, count: int) -> None:
        """How many earlier versions a commit keeps, unless the engine was told already (a file engine: the
        count the workbook's own settings ask for; an open book keeps none: Excel saves it)."""

    def commit(self) -> None:
        """Make every write visible at once (a file: atomic replace)."""


class PatchingEngine(Engine, Protocol):
    """Single cells of the sheets people type into: a caller sets the values it merged into them and grows a
    table by the rows it adds, keeping everything else on the sheet."""

    def patch_cells(self, sheet: str, cells: dict[tuple[int, int], Any]) -> None:
        """Set cells (row, col) of a sheet people type into; everything else on it is kept."""

    def table_bounds(self, name: str) -> tuple[int, int, int, int]:
        """(min_col, min_row, max_col, max_row) of a table as the workbook has it."""

    def resize_table(self, name: str, ref: str) -> None:
        """A new range for a table whose sheet is patched (rows added below it)."""


class LockingEngine(PatchingEngine, Protocol):
    """Locking cells against typing and protecting their sheets, and undoing both (the file engine)."""

    def lock_cells(
        self, sheet: str, cells: set[tuple[int, int]], fill_rgb: str
    ) -> dict[tuple[int, int], int]:
        """Give cells a locked copy of their style with this fill; returns their previous style indices."""

    def restyle_cells(self, sheet: str, styles: dict[tuple[int, int], int]) -> None:
        """Put cells back on the given style indices (what lock_cells returned)."""

    def protect_sheet(self, sheet: str, password: str | None) -> None:
        """Protect the sheet with `password` on commit; None removes its protection."""

    def is_protected(self, sheet: str) -> bool:
        """Whether the sheet is protected now (as the workbook has it, before this engine's commit)."""
