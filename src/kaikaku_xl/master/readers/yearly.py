"""The yearly values of the measures: the 実績 table (contract.actuals_spec) and the 年度目標 table
(contract.targets_spec), one row per measure and one column per year, read into a long frame (measure_id, year,
value, error).

A value that cannot be used (not a number, outside the measure's plausible range) is an error naming its cell and
a row with the reason in `error` (the metrics show why the year is not graded); a jump of more than the 設定's
ratio against the last known value is a warning (a unit or a digit may be wrong). collect checks a department's
returned 実績 with the same reader.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

from kaikaku_xl.errors import shown
from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.master.readers.measures import limit, measure_records
from kaikaku_xl.master.readers.percent import read_percent
from kaikaku_xl.metrics.frames import ACTUAL_COLUMNS
from kaikaku_xl.plan import ItemNo, item_no
from kaikaku_xl.plan.plausibility import Bounds, jump_hint, violation
from kaikaku_xl.problems import ERROR, WARNING, Problem
from kaikaku_xl.rounding import format_number
from kaikaku_xl.text import cell_text, match_key
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.tablespec import TableSpec
from kaikaku_xl.xlsx.typed import NotANumber, parse_number

YEAR_HEADER = re.compile(r"(\d{4})年度")


def read_yearly(
    log: ProblemLog,
    table: RawTable,
    spec: TableSpec,
    measures: pd.DataFrame,
    years: list[int],
    value_column: str,
    required: bool,
) -> pd.DataFrame:
    """measure_id, year, value_column, error for every typed year of every known measure's row.

    value_column: "actual" (実績: a jump is warned) or "planned" (年度目標). required: every measure must have
    its row (the 実績 table; the 年度目標 table lists only the measures with targets of their own).
    """
    columns = [*ACTUAL_COLUMNS[:2], value_column, "error"]
    pos = log.require_columns(table, spec, ["item", "name"])
    if pos is None:
        return pd.DataFrame(columns=columns)
    year_cols = sorted(_year_columns(log, table, years).items())
    known = measure_records(measures)
    lookup = {(m["item"], match_key(m["name"])): m for m in known}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, raw in enumerate(table.rows):
        item, name = item_no(raw[pos["item"]]), cell_text(raw[pos["name"]])
        measure = lookup.get((item, match_key(name)))
        if measure is None:
            log.problem(
                ERROR,
                table,
                i,
                pos["name"],
                f"No「{shown(raw[pos['item']])}」「{shown(name)}」は指標シートにありません。",
                "No と指標名を指標シートと同じにしてください。この行は使いませんでした。",
            )
        elif measure["measure_id"] in seen:
            log.problem(
                ERROR,
                table,
                i,
                pos["name"],
                f"No.{item}「{shown(name)}」の行が重複しています。",
                "重複した行を削除してください。最初の行の値を使いました。",
            )
        else:
            seen.add(measure["measure_id"])
            out += _row_values(log, table, i, raw, (item, name), measure, year_cols, value_column)
    if required:
        _missing_rows(log, table, spec, known, seen)
    return pd.DataFrame(out, columns=columns)


def _year_columns(log: ProblemLog, table: RawTable, years: list[int]) -> dict[int, int]:
    """Year -> column index of each 〇〇〇〇年度 column of the plan; an error for a year column outside it."""
    year_cols: dict[int, int] = {}
    for j, header in enumerate(table.headers):
        match = YEAR_HEADER.fullmatch(unicodedata.normalize("NFKC", header))
        if not match:
            continue
        year = int(match.group(1))
        if year in years:
            year_cols[year] = j
        else:
            log.problems.append(
                Problem(
                    ERROR,
                    table.sheet,
                    table.address(-1, j),
                    f"列「{shown(header)}」は計画期間（{years[0]}〜{years[-1]}年度）の外です。",
                    "この列の値は使いません。列見出しを確認してください。",
                )
            )
    return year_cols


def _row_values(
    log: ProblemLog,
    table: RawTable,
    i: int,
    raw: list[Any],
    typed: tuple[ItemNo | None, str],
    measure: dict[str, Any],
    year_cols: list[tuple[int, int]],
    value_column: str,
) -> list[dict[str, Any]]:
    """The values of one measure's row, year by year (a refused value: its reason in `error`); messages name the
    measure as the row types it (`typed`: its No and 指標名)."""
    (item, name), unit, measure_id = typed, measure["unit"], measure["measure_id"]
    bounds = Bounds(limit(measure["low"]), limit(measure["high"]))
    ceiling, ratio = log.config.value_ceiling, log.config.jump_ratio
    previous: float = measure[
        "baseline"
    ]  # a jump is measured against the last known value (at first: baseline)
    out: list[dict[str, Any]] = []
    for year, j in year_cols:
        typed_value = raw[j]
        try:
            value = parse_number(typed_value, unit or None)
            if value is not None and unit == "%":
                value = read_percent(
                    log,
                    table,
                    i,
                    j,
                    typed_value,
                    value,
                    f"No.{item}「{shown(name)}」{year}年度",
                    expected=(measure["baseline"],),
                )
            reason = None if value is None else violation(value, bounds, ceiling)
            if reason:
                raise NotANumber(reason)
        except NotANumber as exc:
            log.problem(
                ERROR,
                table,
                i,
                j,
                f"{_value_named(item, name, year, typed_value)}: {exc}。",
                f"{unit}単位の正しい値を入力してください（範囲の例外は指標シートの許容下限・許容上限）。"
                "この年度は評価せず、合計にも加えていません。",
            )
            out.append({"measure_id": measure_id, "year": year, value_column: None, "error": str(exc)})
            continue
        if value is None:
            continue
        if value_column == "actual" and _jumped(previous, value, ratio):
            log.problem(
                WARNING,
                table,
                i,
                j,
                f"{_value_named(item, name, year, typed_value)}は前の値 {_number(previous)} から{ratio:g}倍を超えて変わっています。",
                jump_hint(unit),
            )
        previous = value
        out.append({"measure_id": measure_id, "year": year, value_column: value, "error": ""})
    return out


def _number(value: float) -> str:
    """A value in a message as the sheets show it (桁区切り, no exponent: 4,031,720,000, not 4.03172e+09)."""
    places = 0 if float(value).is_integer() else min(len(repr(float(value)).partition(".")[2]), 4)
    return format_number(value, places)


def _value_named(item: ItemNo | None, name: str, year: int, value: Any) -> str:
    """One value as a message names it: No.3「指標名」2027年度の値「…」."""
    return f"No.{item}「{shown(name)}」{year}年度の値「{shown(value)}」"


def _missing_rows(
    log: ProblemLog, table: RawTable, spec: TableSpec, measures: list[dict[str, Any]], seen: set[str]
) -> None:
    """An error for each measure without its row in the table."""
    for m in measures:
        if m["measure_id"] not in seen:
            log.problems.append(
                Problem(
                    ERROR,
                    table.sheet,
                    "",
                    f"No.{m['item']}「{shown(m['name'])}」の行が{spec.sheet}シートにありません。",
                    "指標シートと同じ No・指標名の行を追加してください。",
                )
            )


def _jumped(previous: float | None, value: float, ratio: float) -> bool:
    """More than `ratio` times up or down against the previous known value (zeros are not compared)."""
    if previous is None or previous == 0 or value == 0:
        return False
    big, small = max(abs(previous), abs(value)), min(abs(previous), abs(value))
    return big > ratio * small
