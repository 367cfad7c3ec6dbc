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

from ..plan import CUMULATIVE


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
        out[row.item] = (_year(getattr(row, "start_year", None), start_year),
                         _year(getattr(row, "end_year", None), end_year))
    return out


def _year(value: object, default: int) -> int:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return default if number != number else int(number)  # NaN: blank


def accumulate(grid: pd.DataFrame, baseline_year: int, start_year: int, end_year: int,
               periods: dict[object, tuple[int, int]] | None = None) -> pd.DataFrame:
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
    for _, group in out[rows].sort_values("year").groupby("measure_id", sort=False):
        first, last = periods.get(group["item"].iloc[0], (start_year, end_year))
        n_years = last - first + 1
        out.loc[group.index, "path_start"] = first - 1
        out.loc[group.index, "end_year"] = last
        target = Fraction(_decimal(group["target"].iloc[0]))
        total: Decimal | None = Decimal(0)
        planned_total = Fraction(0)
        missing: list[int] = []
        own_path = False
        for idx, year, value, custom, own in zip(group.index, group["year"], group["year_actual"],
                                                group["custom_target"], group["year_planned"], strict=True):
            if year < first:
                out.loc[idx, ["actual", "planned", "year_planned"]] = np.nan
                out.loc[idx, "custom_target"] = False
                out.loc[idx, "cumulative_gap"] = f"累計は{first}年度からの値を足し上げるため"
                continue
            if pd.isna(value):
                missing.append(int(year))
            elif total is not None:
                total += _decimal(value)
            if custom and pd.notna(own):
                planned_total += Fraction(_decimal(own))
                own_path = True
            else:
                planned_total += target / n_years
                out.loc[idx, "year_planned"] = float(target / n_years)
            out.loc[idx, "actual"] = np.nan if missing else float(total)  # type: ignore[arg-type]
            out.loc[idx, "planned"] = float(planned_total)
            out.loc[idx, "custom_target"] = own_path  # an own yearly plan in any year so far: the path is the city's
            if missing:
                shown = "・".join(str(y) for y in missing)
                out.loc[idx, "cumulative_gap"] = f"{shown}年度の実績が未入力（または入力エラー）のため累計を計算できず"
    return out
