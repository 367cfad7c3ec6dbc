"""The small interface every workbook engine implements (headless file, xlwings Book). Workflows use only this."""

from __future__ import annotations

import re
from collections.abc import Callable
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
    door: str  # how the refresh was started, shown in the log (コマンド / Excel / Excel(Web))

    def has_table(self, name: str) -> bool: ...

    def read_table(self, spec: TableSpec) -> RawTable: ...

    def write_table(
        self, spec: TableSpec, rows: list[list[Any]], formats: dict[str, list[str]] | None = None
    ) -> None:
        """Replace the data rows of an output table (header stays as the contract says).

        formats: for per-measure columns (by key), the number format of each row (its measure's decimals)."""

    def write_cells(self, sheet: str, cells: dict[str, Any]) -> None:
        """Set single cells of an output sheet, e.g. the dashboard's figures."""

    def commit(self) -> None:
        """Make every write visible at once (a file: atomic replace)."""
