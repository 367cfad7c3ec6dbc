"""累計 measures (plan: aggregation = 累計): staff enter each year's amount; the running total over the plan years is
what is graded against the period target (docs/decisions.md, "累計の指標").

The baseline of such a measure is 0 (the running total before the plan), so 進捗率 = (累計 − 0) ÷ (目標 − 0) =
累計 ÷ 目標, as cities publish it, and the general rules of DOMAIN.md apply unchanged to the running total. Its
straight-line path runs from 0 at the start of the plan's first year to the target at the end of its last:
planned 累計(y) = 目標 × (y − start + 1) ÷ (end − start + 1), each year's planned amount 目標 ÷ (years in the plan).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from kaikaku_xl.plan import CUMULATIVE


def is_cumulative(frame: pd.DataFrame) -> np.ndarray:
    """Which rows belong to 累計 measures (a frame without the column has none)."""
    if "aggregation" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return (frame["aggregation"].fillna("").astype(str) == CUMULATIVE).to_numpy()


def _decimal(x: float) -> Decimal:
    """The decimal typed into the cell (its shortest repr), so that 0.1 + 0.2 adds up to exactly 0.3."""
    return Decimal(repr(float(x)))


def item_periods(items: pd.DataFrame, start_year: int, end_year: int) -> dict[object, tuple[int, int]]:
    """Each item's own first and last year (開始年度/終了年度, blank = the plan's)."""
    n = len(items)
    starts = items["start_year"].tolist() if "start_year" in items.columns else [None] * n
    ends = items["end_year"].tolist() if "end_year" in items.columns else [None] * n
    return {
        item: (_year(first, start_year), _year(last, end_year))
        for item, first, last in zip(items["item"].tolist(), starts, ends, strict=True)
    }


def _year(value: Any, default: int) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return default if number != number else int(number)  # NaN: blank


def accumulate(
    grid: pd.DataFrame,
    baseline_year: int,
    start_year: int,
    end_year: int,
    periods: dict[object, tuple[int, int]] | None = None,
) -> pd.DataFrame:
    """Running totals for the 累計 measures of a measure × year grid (columns actual, planned, custom_target).

    periods: each item's (first, last) year; a 累計 of an item added mid-plan runs from its own first year, and
    its straight line from 0 then to the target at its last year.

    Adds year_actual / year_planned (each year's own amount, as entered or planned; for other measures the same
    as actual / planned), path_start (the year before the straight line starts: the baseline year, or for 累計
    the year before its item starts) and cumulative_gap (why a 累計 is not known). For 累計 rows actual and
    planned become the running totals over start_year..year: not known (NaN) before the plan, and not known
    from the first plan year without a known amount (an unknown part makes the total unknown, never 0).
    """
    out = grid.copy()
    out["year_actual"] = out["actual"]
    out["year_planned"] = out["planned"]
    out["path_start"] = baseline_year
    out["cumulative_gap"] = ""
    rows = is_cumulative(out)
    if not rows.any():
        return out
    periods = periods or {}
    arrays = _Arrays(out)
    positions = np.flatnonzero(rows)
    owners = out["item"].to_numpy(object)
    for members in (
        pd.Series(positions).groupby(out["measure_id"].to_numpy()[positions], sort=False).groups.values()
    ):
        at = positions[np.asarray(members)]
        at = at[np.argsort(arrays.years[at], kind="stable")]
        arrays.running_total(at, periods.get(owners[at[0]], (start_year, end_year)))
    arrays.write(out)
    return out


class _Arrays:
    """The grid's columns as plain arrays, written once at the end (a .loc write per row costs seconds at a
    thousand 累計 measures)."""

    def __init__(self, out: pd.DataFrame) -> None:
        self.actual = out["actual"].to_numpy(float).copy()
        self.planned = out["planned"].to_numpy(float).copy()
        self.year_planned = self.planned.copy()
        self.custom = out["custom_target"].to_numpy(bool).copy()
        self.path_start = out["path_start"].to_numpy().copy()
        self.ends = out["end_year"].to_numpy().copy()
        self.gaps = out["cumulative_gap"].to_numpy(object).copy()
        self.years, self.amounts = out["year"].to_numpy(), out["year_actual"].to_numpy(float)
        self.own_custom, self.own_planned = (
            out["custom_target"].to_numpy(bool),
            out["year_planned"].to_numpy(float),
        )
        self.targets = out["target"].to_numpy(float)

    def running_total(self, at: np.ndarray, period: tuple[int, int]) -> None:
        """One 累計 measure's rows `at` (in year order) over its item's (first, last) year."""
        first, last = period
        n_years = last - first + 1
        self.path_start[at], self.ends[at] = first - 1, last
        target = Fraction(_decimal(self.targets[at[0]]))
        total = Decimal(0)
        planned_total = Fraction(0)
        missing: list[int] = []
        own_path = False
        for i in at:
            if self.years[i] < first:
                self.actual[i] = self.planned[i] = self.year_planned[i] = np.nan
                self.custom[i] = False
                self.gaps[i] = f"累計は{first}年度からの値を足し上げるため"
                continue
            if np.isnan(self.amounts[i]):
                missing.append(int(self.years[i]))
            else:
                total += _decimal(self.amounts[i])
            if self.own_custom[i] and not np.isnan(self.own_planned[i]):
                planned_total += Fraction(_decimal(self.own_planned[i]))
                own_path = True
            else:
                planned_total += target / n_years
                self.year_planned[i] = float(target / n_years)
            self.actual[i] = np.nan if missing else float(total)
            self.planned[i] = float(planned_total)
            self.custom[i] = own_path  # an own yearly plan in any year so far: the path is the city's
            if missing:
                shown = "・".join(str(y) for y in missing)
                self.gaps[i] = f"{shown}年度の実績が未入力（または入力エラー）のため累計を計算できず"

    def write(self, out: pd.DataFrame) -> None:
        out["actual"], out["planned"], out["year_planned"] = self.actual, self.planned, self.year_planned
        out["custom_target"], out["path_start"], out["end_year"] = self.custom, self.path_start, self.ends
        out["cumulative_gap"] = self.gaps
