"""The parts every table is made of: a column (header, frame key, number format, width), a table (ListObject
name, sheet, columns, anchor) and the number formats (Excel syntax)."""

from __future__ import annotations

from dataclasses import dataclass

# Number formats (Excel syntax). Amounts are whole yen with separators; negatives shown with △ in red.
FMT_YEN = '#,##0"円";[Red]"△"#,##0"円"'


FMT_INT = "#,##0"


# A measure's values (基準値, 目標値, 実績 …): "#,##0" in the column, each row set to its measure's decimals
# (numformat.number_format). Never "#,##0.##": Excel shows whole numbers with a trailing dot.
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
    per_measure: bool = False  # number format from the row's measure (its decimals), not one for the column
    digits: int | None = None  # refresh stores the value rounded to these decimals (workbook/rows.py)


@dataclass(frozen=True)
class TableSpec:
    name: str  # the ListObject name (English, the contract)
    sheet: str  # Japanese sheet name
    columns: tuple[Column, ...]
    anchor_row: int = 3  # header row; row 1 holds the sheet title, row 2 a short note
    output: bool = False  # written only by refresh
    anchor_col: int = 1

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)
