"""The cells and tables every exported document draws: a figure formatted once, for the xlsx, the PDF and the HTML.

Each number cell keeps three things: the text people read (rounded by kaikaku_xl.rounding), the rounded number the
workbook stores (with a number format that prints exactly that text) and the full-precision report value with its
JSON pointer into the report (the web page puts both in data- attributes).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kaikaku_xl.plan.numformat import number_format
from kaikaku_xl.rounding import (
    EMPTY,
    YEN_UNITS,
    format_amount,
    format_number,
    format_percent,
    is_missing,
    percent_points,
    round_half_away,
)
from kaikaku_xl.years import wareki_date, wareki_year

AMOUNT_FORMAT = '#,##0;"△"#,##0'
PERCENT_FORMAT = "0.0%"
PROVISIONAL = "（暫定）"  # a rate while inputs it depends on are missing (their count is printed beside it)
PROVISIONAL_FORMAT = f'0.0%"{PROVISIONAL}"'


# ── years and dates ──────────────────────────────────────────────────────────────────────────────────────────


def fiscal_year_label(year: int) -> str:
    """2026 -> 2026年度（令和8年度）."""
    return f"{year}年度（{wareki_year(year)}年度）"


def date_label(day: datetime.date) -> str:
    """2026-06-01 -> 2026年6月1日（令和8年6月1日）; the era changes on 2019-05-01."""
    return f"{day.year}年{day.month}月{day.day}日（{wareki_date(day)}年{day.month}月{day.day}日）"


# ── cells and tables ─────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Cell:
    text: str  # what people read
    number: float | int | None = None  # what the workbook stores (already rounded); None: store text
    number_format: str | None = None
    raw: float | int | None = None  # full-precision report value
    ref: str | None = None  # JSON pointer into the report, e.g. /measures/0/progress
    align: str = "left"  # left, right, center
    wrap: bool = True


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # Excel column width (characters of '0')
    align: str = "left"


@dataclass
class Group:
    label: str | None
    rows: list[list[Cell]]


@dataclass
class Table:
    key: str
    caption: str
    columns: list[Column]
    groups: list[Group]
    notes: list[str] = field(default_factory=list)
    unit_note: str = ""  # 単位：千円 ...

    @property
    def rows(self) -> list[list[Cell]]:
        return [row for g in self.groups for row in g.rows]


def text(value: Any, align: str = "left", wrap: bool = True) -> Cell:
    return Cell(text="" if value is None else str(value), align=align, wrap=wrap)


def center(value: Any) -> Cell:
    return text(value, align="center", wrap=False)


def _plain_number(value: float) -> float | int:
    value = float(value)
    if value == 0:
        return 0
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _missing(ref: str | None) -> Cell:
    return Cell(EMPTY, ref=ref, align="right")


def _number_cell(shown: str, number: float | int, fmt: str, raw: float | int, ref: str | None) -> Cell:
    """A right-aligned figure: the text people read and the rounded number stored with a format that prints it."""
    return Cell(
        shown,
        number=_plain_number(number),
        number_format=fmt,
        raw=raw,
        ref=ref,
        align="right",
        wrap=False,
    )


def percent_cell(rate: float | None, ref: str, *, provisional: bool = False) -> Cell:
    """A rate rounded to 0.1 point; `provisional`: marked （暫定） in the text and in the workbook's format."""
    if rate is None or is_missing(rate):
        return _missing(ref)
    if provisional:
        shown = format_percent(rate) + PROVISIONAL
        return _number_cell(shown, percent_points(rate) / 100, PROVISIONAL_FORMAT, rate, ref)
    return _number_cell(format_percent(rate), percent_points(rate) / 100, PERCENT_FORMAT, rate, ref)


def amount_cell(yen: float | None, unit: str, ref: str | None) -> Cell:
    if yen is None or is_missing(yen):
        return _missing(ref)
    number = round_half_away(float(yen) / YEN_UNITS[unit], 0)
    return _number_cell(format_amount(yen, unit), number, AMOUNT_FORMAT, yen, ref)


def count_cell(n: int | None, ref: str | None) -> Cell:
    if n is None or is_missing(n):
        return _missing(ref)
    return _number_cell(format_number(n), n, "#,##0", n, ref)


def measure_value_cell(x: float | None, unit: str, display_unit: str, ref: str, decimals: int = 0) -> Cell:
    """A 基準値/目標値/実績: amounts in the display unit, other units with the measure's decimals."""
    if unit == "円":
        return amount_cell(x, display_unit, ref)
    if x is None or is_missing(x):
        return _missing(ref)
    number = round_half_away(float(x), decimals)
    return _number_cell(format_number(x, decimals), number, number_format(decimals), x, ref)


def display_measure_unit(unit: str, display_unit: str) -> str:
    return display_unit if unit == "円" else unit


# ── figure columns: a report field drawn as a column ─────────────────────────────────────────────────────────

AMOUNT, PERCENT, COUNT = "amount", "percent", "count"


@dataclass(frozen=True)
class Figure:
    """A number column read from one field of a report row (a roll-up, an item, a year of 財政効果額).

    `path` names the field as the report's JSON does ("effect_year", "shares/S"): the cell's ref is the row's
    pointer plus this path, so the tables name each figure once instead of repeating title, value and pointer.
    """

    title: str
    width: float
    path: str
    kind: str = AMOUNT  # AMOUNT (in the display unit), PERCENT or COUNT
    # A rate's count of missing inputs (a field of the same row): the rate is （暫定） while it is above 0
    missing: str = ""

    @property
    def column(self) -> Column:
        return Column(self.title, self.width, "right")

    def cell(self, row: object, ref: str, unit: str) -> Cell:
        field_name, _, key = self.path.partition("/")
        value = getattr(row, field_name)
        if key:
            value = value[key]
        pointer = f"{ref}/{self.path}"
        if self.kind == PERCENT:
            gaps = getattr(row, self.missing) if self.missing else None
            return percent_cell(value, pointer, provisional=bool(gaps))
        if self.kind == COUNT:
            return count_cell(value, pointer)
        return amount_cell(value, unit, pointer)


# A row's own cells (its labels), the report row it reads (a Rollup, an ItemResult, an EffectYear), its pointer.
FigureRow = tuple[list[Cell], object, str]


def figure_cells(row: object, ref: str, unit: str, figures: Sequence[Figure]) -> list[Cell]:
    return [f.cell(row, ref, unit) for f in figures]


def figure_columns(figures: Sequence[Figure]) -> list[Column]:
    return [f.column for f in figures]


def figure_table(
    key: str,
    caption: str,
    heads: Sequence[Column],
    figures: Sequence[Figure],
    rows: Iterable[FigureRow],
    unit: str,
    *,
    unit_note: str = "",
    notes: Sequence[str] = (),
) -> Table:
    """A table of one group: each row's own cells under `heads`, then one column per figure read from the row's
    report row at its pointer (amounts in `unit`). The roll-up and 財政効果額 tables are all of this kind."""
    return Table(
        key=key,
        caption=caption,
        columns=[*heads, *figure_columns(figures)],
        groups=[Group(None, [[*own, *figure_cells(row, ref, unit, figures)] for own, row, ref in rows])],
        unit_note=unit_note,
        notes=list(notes),
    )
