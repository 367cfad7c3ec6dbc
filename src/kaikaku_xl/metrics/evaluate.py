"""One evaluation of a plan for an evaluation year: every metric of DOMAIN.md, frames in, frames out.

This module builds the measure-year grid (planned and actual values) and puts the parts together; the
measure grades are in `measures.py`, the item grades and effects in `items.py`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaikaku_xl.metrics.cumulative import accumulate, item_periods
from kaikaku_xl.metrics.effect_plan import item_plans, yearly_plans
from kaikaku_xl.metrics.effects import measure_effects, yearly_totals
from kaikaku_xl.metrics.frames import Inputs, Results
from kaikaku_xl.metrics.items import effects_per_item, grade_items, running
from kaikaku_xl.metrics.measures import evaluate_measures
from kaikaku_xl.metrics.rates import linear_planned
from kaikaku_xl.metrics.revisions import revise_grid
from kaikaku_xl.metrics.rollups import rollup, section_rollup
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.settings import Settings


def planned_values(inputs: Inputs) -> pd.DataFrame:
    """Planned value per measure and year: the city's own yearly target where given, else the straight line."""
    m = inputs.measures
    years = inputs.years
    grid = m.loc[m.index.repeat(len(years))].reset_index(drop=True)
    grid["year"] = np.tile(years, len(m))
    grid["end_year"] = inputs.end_year
    grid = revise_grid(grid, inputs.revisions)  # target and baseline as in force each year
    grid["planned"] = linear_planned(
        grid["baseline"], grid["target"], grid["year"], inputs.baseline_year, inputs.end_year
    )
    grid["custom_target"] = False
    custom = inputs.targets.dropna(subset=["planned"])
    if len(custom):
        custom = custom.assign(planned=pd.to_numeric(custom["planned"], errors="coerce")).dropna(
            subset=["planned"]
        )
        own = _at_grid(grid, custom.astype({"year": int}).set_index(["measure_id", "year"])["planned"])
        known = ~np.isnan(own)
        grid["planned"] = np.where(known, own, grid["planned"].to_numpy(float))
        grid["custom_target"] = known
    return grid


def _at_grid(grid: pd.DataFrame, values: pd.Series) -> np.ndarray:
    """values (indexed by measure_id and year) at each row of the measure-year grid as floats; NaN where none."""
    if not len(values):
        return np.full(len(grid), np.nan)
    at = values.index.get_indexer(pd.MultiIndex.from_arrays([grid["measure_id"], grid["year"]]))
    return np.where(at >= 0, values.to_numpy(dtype=float)[at], np.nan)


def measure_years(inputs: Inputs) -> pd.DataFrame:
    grid = planned_values(inputs)
    actuals = inputs.actuals
    # A value the reader refused (malformed or impossible: its error names the cell) is not computable.
    errors: dict[tuple[str, int], str] = {}
    if "error" in actuals.columns:
        refused = actuals["error"].fillna("").astype(str) != ""
        errors = dict(
            zip(
                zip(
                    actuals.loc[refused, "measure_id"], actuals.loc[refused, "year"].astype(int), strict=True
                ),
                actuals.loc[refused, "error"],
                strict=True,
            )
        )
        actuals = actuals[~refused]
    actuals = actuals.dropna(subset=["actual"])
    # Non-numeric input (e.g. "未定") is not computable: NaN plus a flag for the reason, never a crash.
    numeric = pd.to_numeric(actuals["actual"], errors="coerce")
    missing = numeric.isna()  # (text only where a value is not a number: most grids have none)
    invalid = missing & (actuals["actual"].astype(str).str.strip() != "") if missing.any() else missing
    bad = set(zip(actuals.loc[invalid, "measure_id"], actuals.loc[invalid, "year"].astype(int), strict=True))
    actuals = actuals.assign(actual=numeric).dropna(subset=["actual"])
    key = actuals.astype({"year": int}).set_index(["measure_id", "year"])["actual"].astype(float)
    key = key[~key.index.duplicated(keep="first")]
    grid["actual"] = _at_grid(grid, key)
    # Most grids have no refused value: only then is each (measure, year) pair looked up in Python.
    pairs = (
        list(zip(grid["measure_id"].tolist(), grid["year"].tolist(), strict=True)) if bad or errors else []
    )
    grid["actual_invalid"] = [pair in bad for pair in pairs] if bad else [False] * len(grid)
    grid["actual_error"] = [errors.get(pair, "") for pair in pairs] if errors else [""] * len(grid)
    return grid


# The grid columns the effect rules read: they get these only (a row filter or a copy of the whole grid, some 40
# columns, costs per column).
EFFECT_COLUMNS = (
    "measure_id",
    "item",
    "year",
    "unit",
    "baseline",
    "direction",
    "effect_kind",
    "include_in_effect",
    "aggregation",
    "actual",
    "planned",
    "year_actual",
    "year_planned",
)


def measure_grid(inputs: Inputs) -> pd.DataFrame:
    """A row per measure and year with its plan and actual values, running totals for 累計 measures."""
    return accumulate(
        measure_years(inputs),
        inputs.baseline_year,
        inputs.start_year,
        inputs.end_year,
        item_periods(inputs.items, inputs.start_year, inputs.end_year),
    )


def evaluate(inputs: Inputs, settings: Settings) -> Results:
    year = settings.evaluation_year
    grid = measure_grid(inputs)
    rules = grid[[column for column in EFFECT_COLUMNS if column in grid.columns]]
    effects = measure_effects(rules, settings, "actual", inputs.start_year)
    planned = measure_effects(rules, settings, "planned", inputs.start_year)
    grid["effect"] = effects["effect"]
    grid["counted"] = effects["counted"]
    grid["planned_effect"] = planned["effect"]
    measures = evaluate_measures(grid, year, inputs.baseline_year, settings)
    this_year = grid.loc[grid["year"] == year, ["measure_id", "effect"]]
    measures["effect"] = measures["measure_id"].map(this_year.set_index("measure_id")["effect"])
    # An item added mid-plan (or ended) is not counted in years it does not run: neither it nor its measures.
    run_items = inputs.items[running(inputs.items, year)]
    measures = measures[measures["item"].isin(set(run_items["item"]))].reset_index(drop=True)
    items = grade_items(inputs, measures, year, settings, run_items)
    totals, item_effects = _effects(inputs, grid, effects, planned, year)
    scale = GradeScale.of(settings)
    labels, points = scale.labels, scale.points  # points: the roll-ups' 得点・満点・得点率 (None: no 点数)
    return Results(
        evaluation_year=year,
        measures=measures,
        measure_years=grid,
        items=items,
        effects=totals,
        policies=rollup(items, measures, item_effects, "policy", labels, points),
        leads=rollup(items, measures, item_effects, "lead", labels, points),
        total=rollup(items, measures, item_effects, None, labels, points),
        item_effects=item_effects,
        sections=section_rollup(items, measures, item_effects, labels, points),
    )


def _effects(
    inputs: Inputs, grid: pd.DataFrame, effects: pd.DataFrame, planned: pd.DataFrame, year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the per-year totals with their plan, each item's effects with its plan) over the plan's years."""
    ledger = inputs.ledger.dropna(subset=["amount"]) if len(inputs.ledger) else inputs.ledger
    if len(ledger):
        ledger = ledger.astype({"year": int, "amount": float})
    in_plan = grid["year"].between(inputs.start_year, inputs.end_year)
    totals = yearly_totals(
        effects[in_plan],
        planned[in_plan],
        ledger if len(ledger) else pd.DataFrame({"year": [], "amount": []}),
        inputs.plan_years,
        year,
    )
    item_effects = item_plans(
        effects_per_item(
            grid.loc[in_plan, ["item", "year", "effect", "counted"]],
            ledger,
            inputs.items,
            year,
            inputs.start_year,
        ),
        inputs.effect_plan,
        year,
        inputs.start_year,
    )
    return yearly_plans(totals, inputs.effect_plan, year), item_effects
