"""The % reading rule (docs/decisions.md, "A % measure's value"): a % measure's number in points (30 = 30%), read
the same way by the 指標 reader (基準値, 目標値), the yearly values (実績, 年度目標) and collect (a department's
returned 実績).

The input cells of a % measure are General (plan/numformat.input_format), so both habits give the same points in
Excel and in LibreOffice: `95` stays 95 in a General cell; `95%` is stored as 0.95 and turns the cell into a
percent cell, which this rule reads × 100. What is left ambiguous is warned, naming the cell and the likely reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.plan.numformat import PERCENT_UNITS
from kaikaku_xl.problems import WARNING
from kaikaku_xl.xlsx.engine import RawTable


def _points(fraction: float) -> float:
    # In decimal: 0.3 × 100 is 30, not 30.000000000000004.
    return float(Decimal(repr(float(fraction))) * 100)


def _small_expected(expected: Sequence[float | None]) -> bool:
    """The measure's own plan values (points) include one of 1% or less: a small value is no surprise."""
    return any(x is not None and x == x and 0 < abs(x) <= 1 for x in expected)


def _large_expected(expected: Sequence[float | None]) -> bool:
    return any(x is not None and x == x and abs(x) > 100 for x in expected)


def read_percent(
    log: ProblemLog,
    table: RawTable,
    i: int,
    j: int,
    raw: Any,
    value: float,
    what: str,
    expected: Sequence[float | None] = (),
) -> float:
    """A % measure's number in points (30 = 30%): a fraction where the cell's own format is a percentage.

    Never a silent guess from the size of the value; where the reading is doubtful a WARNING names the cell and
    the other likely reading (`expected`: the measure's plan values in points, which make a small or a large
    value unsurprising):
    - a plain cell holding 0 < value ≤ 1 (0.95: typed 0.95 meaning 95%, or `95%` in a cell formatted as a number)
      is read as that many points (0.95%) and warned;
    - a percent cell holding more than 100% (LibreOffice turns `95` typed into a percent cell into 9500%) is read
      as shown and warned with the points the person probably meant.
    Where the engine cannot see formats (Excel on the web), a value between 0 and 1 is read as points and flagged.
    """
    percent_cell = table.is_percent(i, j)
    is_number = isinstance(raw, int | float) and not isinstance(raw, bool)
    if percent_cell and is_number:
        points = _points(raw)
        if abs(raw) > 1 and not _large_expected(expected):
            log.problem(
                WARNING,
                table,
                i,
                j,
                f"{what}のセルは％の書式で {points:,g}% と表示されています（値 {raw:g}）。{points:,g}% と読みました。",
                f"{raw:g}% のつもりなら、{raw:g}% と入力し直してください（LibreOffice では％の書式のセルに"
                f"入力した {raw:g} は {points:,g}% になります）。{points:,g}% で正しければそのままで構いません。",
            )
        return points
    if percent_cell is None and 0 < abs(value) <= 1:
        log.problem(
            WARNING,
            table,
            i,
            j,
            f"{what}の値 {raw} を {value:g}% として読みました（セルの表示形式を確認できません）。",
            "％の指標は 30 のように％の数値で入力してください。30% と表示される書式のセルなら問題ありません。",
        )
    elif percent_cell is False and is_number and 0 < abs(value) <= 1 and not _small_expected(expected):
        likely = _points(value)
        log.problem(
            WARNING,
            table,
            i,
            j,
            f"{what}の値 {value:g} を {value:g}% と読みました。{likely:g}% の意味かもしれません。",
            f"{likely:g}% のつもりなら、{likely:g} または {likely:g}% と入力し直してください。"
            f"{value:g}% で正しければそのままで構いません。",
        )
    return value


def as_points(table: RawTable, i: int | None, j: int | None, unit: Any, value: Any) -> Any:
    """A % measure's cell as the readers take it where it is a number in a percent cell (0.95 shown as 95% is 95);
    any other value as it is. For code that copies or compares the cell (distribute, collect's master side), so
    that it agrees with read_percent without warning."""
    if (
        i is None
        or j is None
        or str(unit or "").strip() not in PERCENT_UNITS
        or not isinstance(value, int | float)
        or isinstance(value, bool)
    ):
        return value
    return _points(value) if table.is_percent(i, j) else value


def as_stored(table: RawTable, i: int | None, j: int | None, unit: Any, points: Any) -> Any:
    """The number to write into a % measure's cell for `points`: a fraction where the cell is a percent cell (90
    into a cell a person made 95% shows 90%, not 9000%), else the points (as_points read back gives `points`)."""
    if (
        as_points(table, i, j, unit, 1.0) == 1.0
        or not isinstance(points, int | float)
        or isinstance(points, bool)
    ):
        return points
    return float(Decimal(repr(float(points))) / 100)
