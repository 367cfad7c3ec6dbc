"""The small interface every workbook engine implements (headless file, xlwings Book). Workflows use only this."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import WorkbookError as WorkbookError  # re-exported: callers import it from here too
from .a1 import column_letter
from .contract import TableSpec


@dataclass
class RawTable:
    """The values of one Excel table as typed, with where they are, for messages naming the cell."""

    sheet: str
    headers: list[str]
    rows: list[list[Any]]
    header_row: int
    first_col: int
    offsets: list[int] | None = None  # sheet offset below the header of each row kept (blank rows are dropped)

    def address(self, row_index: int, col_index: int) -> str:
        """A1 address of data row `row_index` (0-based; -1 = the header), column `col_index` (0-based)."""
        offset = row_index + 1 if self.offsets is None or row_index < 0 else self.offsets[row_index]
        return f"{column_letter(self.first_col + col_index)}{self.header_row + offset}"

    def column_index(self, header: str) -> int | None:
        try:
            return self.headers.index(header)
        except ValueError:
            return None


class Engine(Protocol):
    door: str  # how the refresh was started, shown in the log (コマンド / Excel / Excel(Web))

    def has_table(self, name: str) -> bool: ...

    def read_table(self, spec: TableSpec) -> RawTable: ...

    def write_table(self, spec: TableSpec, rows: list[list[Any]],
                    formats: dict[str, list[str]] | None = None) -> None:
        """Replace the data rows of an output table (header stays as the contract says).

        formats: for per-measure columns (by key), the number format of each row (its measure's decimals)."""

    def write_cells(self, sheet: str, cells: dict[str, Any]) -> None:
        """Set single cells of an output sheet, e.g. the dashboard's figures."""

    def commit(self) -> None:
        """Make every write visible at once (a file: atomic replace)."""
