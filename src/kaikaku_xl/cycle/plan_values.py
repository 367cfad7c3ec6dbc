"""What a department checks its actuals against, beside the 実績 table of its file: each measure's 基準値, the
目標値 in force in the year (after 計画の見直し) and the year's planned value (the city's own 年度目標, else the
straight line; a 累計 measure's planned amount for the one year the department enters).

Computed by the metrics' own functions (the measure-year grid an evaluation grades on), never again here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kaikaku_xl.cycle.department import Beside
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.metrics.cumulative import is_cumulative
from kaikaku_xl.metrics.evaluate import measure_grid
from kaikaku_xl.metrics.revisions import TARGET


@dataclass(frozen=True)
class PlanValues:
    baseline: float | None
    target: float | None
    planned: float | None  # the year's own planned value (a 累計 measure: the year's amount)
    own_target: bool  # the city's own 年度目標, not the straight line
    cumulative: bool
    revised_from: int | None  # the first year of the 目標値 revision in force, if any


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _revised_from(revisions: pd.DataFrame, year: int) -> dict[str, int]:
    """measure_id -> the first year of the latest 目標値 revision in force in `year`."""
    out: dict[str, int] = {}
    if revisions is None or not len(revisions):
        return out
    for row in revisions[revisions["kind"] == TARGET].to_dict("records"):
        first, last, measure = int(row["year"]), _number(row.get("last_year")), str(row["measure_id"])
        if first <= year and (last is None or year <= last):
            out[measure] = max(first, out.get(measure, first))
    return out


def plan_values(loaded: Loaded, year: int) -> dict[str, PlanValues]:
    """Each measure's plan values in `year`, as the evaluation of that year grades against them."""
    inputs = loaded.inputs
    if not len(inputs.measures):
        return {}
    grid = measure_grid(inputs)
    rows = grid[grid["year"] == year]
    revised = _revised_from(inputs.revisions, year)
    return {
        str(r["measure_id"]): PlanValues(
            baseline=_number(r["baseline"]),
            target=_number(r["target"]),
            planned=_number(r["year_planned"]),
            own_target=bool(r["custom_target"]),
            cumulative=bool(cumulative),
            revised_from=revised.get(str(r["measure_id"])),
        )
        for r, cumulative in zip(rows.to_dict("records"), is_cumulative(rows), strict=True)
    }


def _note(values: PlanValues | None) -> str:
    if values is None:
        return ""
    notes = []
    if values.cumulative:
        notes.append("累計の指標（1年間の値を入力。計画値も1年間の値）")
    if values.revised_from is not None:
        notes.append(f"目標値は{values.revised_from}年度からの見直し後の値")
    if values.own_target:
        notes.append("計画値は市の年度目標")
    return "。".join(notes)


def plan_columns(
    values: dict[str, PlanValues], measure_ids: list[str], formats: list[str], year: int
) -> Beside:
    """The read-only columns beside the 実績 table: 基準値, 目標値, the year's 計画値 and a note."""
    rows: list[list[Any]] = []
    for measure_id in measure_ids:
        v = values.get(measure_id)
        rows.append([v.baseline, v.target, v.planned, _note(v)] if v is not None else [None, None, None, ""])
    return Beside(
        headers=["基準値", "目標値", f"計画値（{year}年度）", "備考"],
        widths=[14, 14, 16, 28],
        rows=rows,
        formats=formats,
        wrap=[False, False, False, True],
    )
