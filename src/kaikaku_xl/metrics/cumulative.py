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
    out: dict[object, tuple[int, int]] = {}
    for row in items.itertuples():
        out[row.item] = (
            _year(getattr(row, "start_year", None), start_year),
            _year(getattr(row, "end_year", None), end_year),
        )
    return out


def _year(value: object, default: int) -> int:
    try:
        number = float(value)  # type: ignore[arg-type]
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
    # Plain arrays, written once at the end (a .loc write per row costs seconds at a thousand 累計 measures).
    actual, planned = out["actual"].to_numpy(float).copy(), out["planned"].to_numpy(float).copy()
    year_planned = planned.copy()
    custom = out["custom_target"].to_numpy(bool).copy()
    path_start = out["path_start"].to_numpy().copy()
    ends = out["end_year"].to_numpy().copy()
    gaps = out["cumulative_gap"].to_numpy(object).copy()
    years, amounts = out["year"].to_numpy(), out["year_actual"].to_numpy(float)
    own_custom, own_planned = out["custom_target"].to_numpy(bool), out["year_planned"].to_numpy(float)
    targets, owners = out["target"].to_numpy(float), out["item"].to_numpy(object)
    positions = np.flatnonzero(rows)
    for members in (
        pd.Series(positions).groupby(out["measure_id"].to_numpy()[positions], sort=False).groups.values()
    ):
        at = positions[np.asarray(members)]
        at = at[np.argsort(years[at], kind="stable")]
        first, last = periods.get(owners[at[0]], (start_year, end_year))
        n_years = last - first + 1
        path_start[at], ends[at] = first - 1, last
        target = Fraction(_decimal(targets[at[0]]))
        total = Decimal(0)
        planned_total = Fraction(0)
        missing: list[int] = []
        own_path = False
        for i in at:
            if years[i] < first:
                actual[i] = planned[i] = year_planned[i] = np.nan
                custom[i] = False
                gaps[i] = f"累計は{first}年度からの値を足し上げるため"
                continue
            if np.isnan(amounts[i]):
                missing.append(int(years[i]))
            else:
                total += _decimal(amounts[i])
            if own_custom[i] and not np.isnan(own_planned[i]):
                planned_total += Fraction(_decimal(own_planned[i]))
                own_path = True
            else:
                planned_total += target / n_years
                year_planned[i] = float(target / n_years)
            actual[i] = np.nan if missing else float(total)
            planned[i] = float(planned_total)
            custom[i] = own_path  # an own yearly plan in any year so far: the path is the city's
            if missing:
                shown = "・".join(str(y) for y in missing)
                gaps[i] = f"{shown}年度の実績が未入力（または入力エラー）のため累計を計算できず"
    out["actual"], out["planned"], out["year_planned"] = actual, planned, year_planned
    out["custom_target"], out["path_start"], out["end_year"], out["cumulative_gap"] = (
        custom,
        path_start,
        ends,
        gaps,
    )
    return out
