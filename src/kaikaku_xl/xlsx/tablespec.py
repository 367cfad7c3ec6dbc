"""The parts every table is made of: a column (header, frame key, number format, width), a table (ListObject
name, sheet, columns, anchor) and the number formats (Excel syntax)."""

from __future__ import annotations

from dataclasses import dataclass

# Number formats (Excel syntax). Amounts are whole yen with separators; negatives shown with △ in red.
FMT_YEN = '#,##0"円";[Red]"△"#,##0"円"'
FMT_INT = "#,##0"


# Numbers whose decimals differ from row to row: "#,##0" in the column, each row set to its own (Column
# per_row_format). Never "#,##0.##": Excel shows whole numbers with a trailing dot.
FMT_NUM = FMT_INT


FMT_PCT = "0.0%"
FMT_TEXT = "@"
FMT_GENERAL = "General"


@dataclass(frozen=True)
class Column:
    header: str
    key: str  # the frame column it maps to
    fmt: str = FMT_GENERAL
    width: float = 12
    wrap: bool = False
    per_row_format: bool = False  # each row's own number format (its decimals), given by the writer
    digits: int | None = None  # the value is stored rounded to these decimals (rows.py)
    also: tuple[
        str, ...
    ] = ()  # other headers the column carries in some workbooks (read by either: column_of)


@dataclass(frozen=True)
class TableSpec:
    name: str  # the ListObject name (English: formulas and readers find the table by it)
    sheet: str  # Japanese sheet name
    columns: tuple[Column, ...]
    anchor_row: int = 3  # header row; row 1 holds the sheet title, row 2 a short note
    output: bool = False  # written only by the program (people type into the others)
    anchor_col: int = 1

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)
