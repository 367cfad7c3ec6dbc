"""The small interface every workbook engine implements (headless file, xlwings Book). Workflows use only this."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from kaikaku_xl.xlsx.a1 import column_letter
from kaikaku_xl.xlsx.tablespec import TableSpec


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
    # when the engine cannot see formats (xlwings Server: Office.js sends values only). The reader needs it
    # for one rule (docs/decisions.md): a % measure's value is a fraction (0.3 = 30%) only where the cell's
    # own format is a percentage; everywhere else it is read in points (30 = 30%). Any engine, including a
    # faster value reader that replaces openpyxl (issue 10), must keep filling it: without it % cells in a %
    # format are read as points (and the reader warns that it could not see the format).
    number_formats: list[list[str | None]] | None = None
    # An engine may instead give a loader that fills number_formats on first use (the file engine reads formats
    # from the sheet's XML only when a % measure asks: calamine itself cannot see them).
    formats_loader: Callable[[], list[list[str | None]]] | None = None

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
    """Read, write, commit: everything a workflow asks of a workbook, whichever door opened it (the file engine of
    the command line, an xlwings book in Excel). Writes become visible at once, on commit()."""

    door: str  # how the run was started, shown in the log (コマンド / Excel / Excel(Web))

    def has_table(self, name: str) -> bool: ...

    def read_table(self, spec: TableSpec) -> RawTable: ...

    def write_table(
        self, spec: TableSpec, rows: list[list[Any]], formats: dict[str, list[str]] | None = None
    ) -> None:
        """Replace the data rows of an output table (header stays as the contract says).

        formats: for per-measure columns (by key), the number format of each row (its measure's decimals)."""

    def write_cells(self, sheet: str, cells: dict[str, Any]) -> None:
        """Set single cells of an output sheet, e.g. the dashboard's figures."""

    def writing(self, action: str = "更新") -> AbstractContextManager[None]:
        """Be the workbook's one writer from the read to the commit (a file: its writer lock; an open book: Excel
        holds it already). action names the work in the message a second writer gets."""

    def use_backups(self, count: int) -> None:
        """How many earlier versions a commit keeps, unless the engine was told already (a file engine: the 設定
        sheet's バックアップ数; an open book keeps none: Excel saves it)."""

    def commit(self) -> None:
        """Make every write visible at once (a file: atomic replace)."""


class PatchingEngine(Engine, Protocol):
    """Single cells of the sheets staff own, for the yearly cycle: collect sets the values it merged and grows a
    table by the rows it adds."""

    def patch_cells(self, sheet: str, cells: dict[tuple[int, int], Any]) -> None:
        """Set cells (row, col) of a sheet staff own; everything else on it is kept."""

    def table_bounds(self, name: str) -> tuple[int, int, int, int]:
        """(min_col, min_row, max_col, max_row) of a table as the workbook has it."""

    def resize_table(self, name: str, ref: str) -> None:
        """A new range for a table whose sheet is patched (rows added below it)."""


class LockingEngine(PatchingEngine, Protocol):
    """Locking a year's cells and protecting their sheets (close-year, reopen-year: the command line's file engine)."""

    def lock_cells(
        self, sheet: str, cells: set[tuple[int, int]], fill_rgb: str
    ) -> dict[tuple[int, int], int]:
        """Give cells a locked copy of their style with this fill; returns their previous style indices."""

    def restyle_cells(self, sheet: str, styles: dict[tuple[int, int], int]) -> None:
        """Put cells back on the given style indices (what lock_cells returned)."""

    def protect_sheet(self, sheet: str, password: str | None) -> None:
        """Protect the sheet with `password` on commit; None removes its protection."""

    def is_protected(self, sheet: str) -> bool: ...
