"""The cells and tables every exported document draws: a figure formatted once, for the xlsx, the PDF and the HTML.

Each number cell keeps three things: the text people read (rounded by kaikaku_xl.rounding), the rounded number the
workbook stores (with a number format that prints exactly that text) and the full-precision report value with its
JSON pointer into the report (the web page puts both in data- attributes).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from ..numformat import number_format
from ..rounding import (
    EMPTY,
    YEN_UNITS,
    format_amount,
    format_number,
    format_percent,
    is_missing,
    percent_points,
    round_half_away,
)
from ..years import wareki_date, wareki_year

AMOUNT_FORMAT = '#,##0;"△"#,##0'
PERCENT_FORMAT = "0.0%"


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


def percent_cell(rate: float | None, ref: str) -> Cell:
    if is_missing(rate):
        return Cell(EMPTY, ref=ref, align="right")
    number = percent_points(rate) / 100
    return Cell(
        format_percent(rate),
        number=_plain_number(number),
        number_format=PERCENT_FORMAT,
        raw=rate,
        ref=ref,
        align="right",
        wrap=False,
    )


def amount_cell(yen: float | None, unit: str, ref: str | None) -> Cell:
    if is_missing(yen):
        return Cell(EMPTY, ref=ref, align="right")
    number = round_half_away(float(yen) / YEN_UNITS[unit], 0)
    return Cell(
        format_amount(yen, unit),
        number=_plain_number(number),
        number_format=AMOUNT_FORMAT,
        raw=yen,
        ref=ref,
        align="right",
        wrap=False,
    )


def count_cell(n: int | None, ref: str | None) -> Cell:
    if is_missing(n):
        return Cell(EMPTY, ref=ref, align="right")
    return Cell(
        format_number(n),
        number=_plain_number(n),
        number_format="#,##0",
        raw=n,
        ref=ref,
        align="right",
        wrap=False,
    )


def measure_value_cell(x: float | None, unit: str, display_unit: str, ref: str, decimals: int = 0) -> Cell:
    """A 基準値/目標値/実績: amounts in the display unit, other units with the measure's decimals."""
    if unit == "円":
        return amount_cell(x, display_unit, ref)
    if is_missing(x):
        return Cell(EMPTY, ref=ref, align="right")
    number = round_half_away(float(x), decimals)
    return Cell(
        format_number(x, decimals),
        number=_plain_number(number),
        number_format=number_format(decimals),
        raw=x,
        ref=ref,
        align="right",
        wrap=False,
    )


def display_measure_unit(unit: str, display_unit: str) -> str:
    return display_unit if unit == "円" else unit
