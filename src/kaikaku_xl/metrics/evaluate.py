"""One evaluation of a plan for an evaluation year: every metric of DOMAIN.md, frames in, frames out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..settings import Settings
from .cumulative import accumulate, item_periods
from .effect_plan import item_plans, yearly_plans
from .effects import measure_effects, yearly_totals
from .exact import measure_rate
from .frames import ACTUAL_COLUMNS, EFFECT_PLAN_COLUMNS, LEDGER_COLUMNS, STATUS_COLUMNS, TARGET_COLUMNS, empty
from .grades import EXCLUDED, GRADE_LABELS, NOT_ENTERED, NOT_GRADED, grade_rows, worst
from .rates import attainment, linear_planned, progress
from .revisions import empty_revisions, inactive_items, revise_grid
from .rollups import rollup, section_rollup
from .scale import GradeScale


@dataclass
class Inputs:
    measures: pd.DataFrame
    items: pd.DataFrame
    baseline_year: int
    start_year: int
    end_year: int
    actuals: pd.DataFrame = field(default_factory=lambda: empty(ACTUAL_COLUMNS))
    targets: pd.DataFrame = field(default_factory=lambda: empty(TARGET_COLUMNS))
    status: pd.DataFrame = field(default_factory=lambda: empty(STATUS_COLUMNS))
    ledger: pd.DataFrame = field(default_factory=lambda: empty(LEDGER_COLUMNS))
    effect_plan: pd.DataFrame = field(
        default_factory=lambda: empty(EFFECT_PLAN_COLUMNS)
    )  # item, year, planned (円)
    revisions: pd.DataFrame = field(default_factory=empty_revisions)  # plan revisions (metrics/revisions.py)

    @property
    def years(self) -> list[int]:
        """Every year a value may be entered for: after the baseline year up to the plan's end."""
        return list(range(self.baseline_year + 1, self.end_year + 1))

    @property
    def plan_years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


@dataclass
class Results:
    evaluation_year: int
    measures: pd.DataFrame  # one row per measure at the evaluation year
    measure_years: pd.DataFrame  # one row per measure and year: actual, planned, effects
    items: pd.DataFrame  # one row per item with its grade
    effects: pd.DataFrame  # one row per plan year: totals
    policies: pd.DataFrame
    leads: pd.DataFrame
    total: pd.DataFrame
    item_effects: pd.DataFrame
    sections: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # roll-up per 推進項目 (three-level plans only)


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
        key = custom.astype({"year": int}).set_index(["measure_id", "year"])["planned"].astype(float)
        own = pd.Series(list(zip(grid["measure_id"], grid["year"], strict=True))).map(key)
        grid["planned"] = own.where(own.notna(), grid["planned"]).astype(float)
        grid["custom_target"] = own.notna().to_numpy()
    return grid


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
    invalid = numeric.isna() & (actuals["actual"].astype(str).str.strip() != "")
    bad = set(zip(actuals.loc[invalid, "measure_id"], actuals.loc[invalid, "year"].astype(int), strict=True))
    actuals = actuals.assign(actual=numeric).dropna(subset=["actual"])
    key = actuals.astype({"year": int}).set_index(["measure_id", "year"])["actual"].astype(float)
    key = key[~key.index.duplicated(keep="first")]
    pairs = list(zip(grid["measure_id"], grid["year"], strict=True))
    grid["actual"] = pd.Series(pairs).map(key).astype(float)
    grid["actual_invalid"] = [pair in bad for pair in pairs]
    grid["actual_error"] = [errors.get(pair, "") for pair in pairs]
    return grid


def evaluate_measures(grid: pd.DataFrame, year: int, baseline_year: int, settings: Settings) -> pd.DataFrame:
    """Rates and grade of every measure for `year`."""
    rows = grid[grid["year"] == year].reset_index(drop=True)
    # On the straight line the planned progress is exactly the elapsed share of the period (a 累計 measure's line
    # starts with the plan: path_start is the year before it).
    first = rows["path_start"] if "path_start" in rows else baseline_year
    elapsed = (year - first) / (rows["end_year"] - first)
    graded = measure_grades(
        rows["actual"],
        rows["baseline"],
        rows["target"],
        rows["direction"],
        rows["planned"],
        rows["custom_target"],
        elapsed,
        settings,
        period=(year, first, rows["end_year"]),
    )
    rows["progress"], rows["attainment"] = graded.progress, graded.attainment
    rows["planned_progress"] = graded.planned_progress
    rows["grade_basis"] = np.where(graded.flat, "達成率", "進捗率")
    rows["grade"] = graded.grade
    rows["reason"] = _reasons(rows, graded.flat)
    if GradeScale.of(
        settings
    ).typed:  # graded by the departments: the measure's rates are shown, never graded
        rows["reason"] = [r or "評価は担当課が入力（指標は参考）" for r in rows["reason"]]
    return rows


@dataclass
class Graded:
    progress: np.ndarray
    attainment: np.ndarray
    planned_progress: np.ndarray
    flat: np.ndarray  # target = baseline: graded on 達成率
    grade: np.ndarray


def measure_grades(
    actual: Any,
    baseline: Any,
    target: Any,
    direction: Any,
    planned: Any,
    custom_target: Any,
    elapsed: Any,
    settings: Settings,
    period: tuple[Any, Any, Any] | None = None,
) -> Graded:
    """The rates and grade of measures, on arrays (no frame): shared by refresh and the KK_GRADE function.

    planned/custom_target: the city's own yearly target where custom_target; elapsed: the straight line's
    planned progress (years since the baseline ÷ the period), shown as a float. period = (year(s), baseline
    year, end year(s)) lets the grade use the exact elapsed share; without it elapsed is read as typed.
    The grade is decided exactly on the typed decimals (exact.measure_rate, grades.grade_rows): float rates
    only sort out the rows far from every line, so the answer is the exact one at numpy speed.
    """
    a = np.asarray(actual, dtype=float)
    b, t = (
        np.broadcast_to(np.asarray(baseline, dtype=float), a.shape),
        np.broadcast_to(np.asarray(target, dtype=float), a.shape),
    )
    dirs = np.broadcast_to(np.asarray(direction, dtype=object), a.shape)
    rates = progress(a, b, t)
    attained = attainment(a, t, dirs)
    flat = t == b
    custom = np.broadcast_to(np.asarray(custom_target, dtype=bool), a.shape)
    own = np.broadcast_to(np.asarray(planned, dtype=float), a.shape)
    own_path = progress(own, b, t)
    planned_progress = np.where(flat, 1.0, np.where(custom, own_path, elapsed))
    rate = np.where(flat, attained, rates)
    with np.errstate(divide="ignore", invalid="ignore"):
        divisor = np.where(flat, np.where(dirs == "減少", a, t), t - b)
        magnitude = (np.abs(a) + np.abs(b) + np.abs(t) + np.where(custom, np.abs(own), 0.0)) / np.abs(divisor)
    if period is None:
        years, first, ends = elapsed, 0, 1  # elapsed read as typed: (elapsed − 0) ÷ (1 − 0)
    else:
        years, first, ends = period
    years = np.broadcast_to(np.asarray(years, dtype=object), a.shape)
    firsts = np.broadcast_to(np.asarray(first, dtype=object), a.shape)
    ends = np.broadcast_to(np.asarray(ends, dtype=object), a.shape)

    def exact_row(i: int) -> tuple[Any, Any]:
        d = dirs[i] if isinstance(dirs[i], str) else ""
        return measure_rate(a[i], b[i], t[i], d, own[i], bool(custom[i]), years[i], firsts[i], ends[i])

    return Graded(
        rates,
        attained,
        planned_progress,
        flat,
        grade_rows(rate, planned_progress, magnitude, settings, exact_row),
    )


def _reasons(rows: pd.DataFrame, flat: np.ndarray) -> list[str]:
    reasons = []
    for r, is_flat in zip(rows.itertuples(), flat, strict=True):
        if pd.isna(r.actual) and getattr(r, "actual_error", ""):
            reasons.append(f"実績の入力エラー（{r.actual_error}）のため評価対象外")
        elif pd.isna(r.actual) and getattr(r, "actual_invalid", False):
            reasons.append("実績が数値ではないため評価対象外")
        elif pd.isna(r.actual) and getattr(r, "cumulative_gap", ""):
            reasons.append(f"{r.cumulative_gap}評価対象外")
        elif pd.isna(r.actual):
            reasons.append("実績が未入力のため評価対象外")
        elif is_flat and pd.isna(r.attainment):
            reasons.append("目標値と基準値が同じで、達成率も計算できないため評価対象外")
        elif is_flat:
            reasons.append("目標値＝基準値のため達成率で評価")
        elif pd.isna(r.attainment):
            reasons.append("達成率は計算できません（分母が0）")
        else:
            reasons.append("")
    return reasons


def running(items: pd.DataFrame, year: int) -> pd.Series:
    """Items that run in `year`: 開始年度 ≤ year ≤ 終了年度 (blank = the whole plan). Others are not counted."""
    ok = pd.Series(True, index=items.index)
    if "start_year" in items:
        start = pd.to_numeric(items["start_year"], errors="coerce")
        ok &= start.isna() | (start <= year)
    if "end_year" in items:
        end = pd.to_numeric(items["end_year"], errors="coerce")
        ok &= end.isna() | (year <= end)
    return ok


def grade_items(
    inputs: Inputs, measures: pd.DataFrame, year: int, settings: Settings, items: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Item grade: the primary measure's (or the worst, per settings); entered grade for items without measures,
    and for every item when the plan's scale is typed (graded by the departments)."""
    scale = GradeScale.of(settings)
    entered = inputs.status
    entered = entered[entered["year"].astype("Int64") == year] if len(entered) else entered
    entered_grade = dict(zip(entered["item"], entered["grade"], strict=True)) if len(entered) else {}
    rows = []
    by_item: dict[
        Any, list[str]
    ] = {}  # each item's measure grades in seq order (one pass, not one filter per item)
    # sort by seq only (stable): item numbers may mix ints and text, which do not compare
    for item_no, g in measures.sort_values("seq", kind="stable")[["item", "grade"]].itertuples(index=False):
        by_item.setdefault(item_no, []).append(g)
    rows_of = inputs.items if items is None else items
    inactive = inactive_items(inputs.revisions, rows_of["item"], year)
    for item in rows_of.itertuples():
        own = by_item.get(item.item, [])
        label = ""
        if item.item in inactive:  # ended, or not yet added, by a plan revision
            g, source = EXCLUDED, inactive[item.item]
        elif (
            entered_grade.get(item.item) == EXCLUDED
        ):  # 対象外 entered for this year, with or without measures
            g, source = EXCLUDED, "担当課入力（対象外）"
        elif len(own) and not scale.typed:
            if settings.item_grade_rule == "最低評価":
                g, source = worst(own, scale), "指標（最低評価）"
            else:
                g, source = own[0], "主指標"
        else:
            value = entered_grade.get(item.item)
            g = value if isinstance(value, str) and value in scale.labels else NOT_GRADED
            source = "担当課評価"
            label = NOT_ENTERED if g == NOT_GRADED else ""  # a blank is 未入力, not 対象外
        rows.append(
            {
                "item": item.item,
                "policy": item.policy,
                "section": getattr(item, "section", None),
                "lead": item.lead,
                "title": item.title,
                "grade": g,
                "grade_source": source,
                "grade_label": label or (scale.title(g) if g in scale.labels else GRADE_LABELS[g]),
            }
        )
    return pd.DataFrame(rows)


def effects_per_item(
    grid: pd.DataFrame, ledger: pd.DataFrame, items: pd.DataFrame, year: int, start_year: int
) -> pd.DataFrame:
    """Counted effects per item: single year and cumulative (start_year..year), ledger included.

    NaN where no part is known (never 0: a year before the plan has none); single_missing / cumulative_missing
    count the counted measure-years without a value (not known, or refused as an input error).
    """
    counted = grid[grid["counted"] & grid["year"].between(start_year, year)]
    ledger = ledger[ledger["year"].between(start_year, year)] if len(ledger) else ledger
    out = pd.DataFrame({"item": items["item"]})
    this_year = counted[counted["year"] == year]
    parts = [this_year.groupby("item")["effect"].sum(min_count=1)]
    all_years = [counted.groupby("item")["effect"].sum(min_count=1)]
    if len(ledger):
        parts.append(ledger[ledger["year"] == year].groupby("item")["amount"].sum(min_count=1))
        all_years.append(ledger.groupby("item")["amount"].sum(min_count=1))
    out["single_year"] = pd.concat([out["item"].map(p).astype(float) for p in parts], axis=1).sum(
        axis=1, min_count=1
    )
    out["cumulative"] = pd.concat([out["item"].map(p).astype(float) for p in all_years], axis=1).sum(
        axis=1, min_count=1
    )
    out["single_missing"] = (
        out["item"].map(this_year["effect"].isna().groupby(this_year["item"]).sum()).fillna(0)
    )
    out["cumulative_missing"] = (
        out["item"].map(counted["effect"].isna().groupby(counted["item"]).sum()).fillna(0)
    )
    return out


def evaluate(inputs: Inputs, settings: Settings) -> Results:
    year = settings.evaluation_year
    grid = accumulate(
        measure_years(inputs),
        inputs.baseline_year,
        inputs.start_year,
        inputs.end_year,
        item_periods(inputs.items, inputs.start_year, inputs.end_year),
    )
    effects = measure_effects(grid, settings, "actual", inputs.start_year)
    planned = measure_effects(grid, settings, "planned", inputs.start_year)
    grid["effect"] = effects["effect"]
    grid["counted"] = effects["counted"]
    grid["planned_effect"] = planned["effect"]
    measures = evaluate_measures(grid, year, inputs.baseline_year, settings)
    measures["effect"] = measures["measure_id"].map(
        grid[grid["year"] == year].set_index("measure_id")["effect"]
    )
    # An item added mid-plan (or ended) is not counted in years it does not run: neither it nor its measures.
    run_items = inputs.items[running(inputs.items, year)]
    measures = measures[measures["item"].isin(set(run_items["item"]))].reset_index(drop=True)
    items = grade_items(inputs, measures, year, settings, run_items)
    ledger = inputs.ledger.dropna(subset=["amount"]) if len(inputs.ledger) else inputs.ledger
    if len(ledger):
        ledger = ledger.astype({"year": int, "amount": float})
    plan_grid = grid[grid["year"].between(inputs.start_year, inputs.end_year)]
    totals = yearly_totals(
        effects[effects["year"].between(inputs.start_year, inputs.end_year)],
        planned[planned["year"].between(inputs.start_year, inputs.end_year)],
        ledger if len(ledger) else pd.DataFrame({"year": [], "amount": []}),
        inputs.plan_years,
        year,
    )
    item_effects = item_plans(
        effects_per_item(plan_grid, ledger, inputs.items, year, inputs.start_year),
        inputs.effect_plan,
        year,
        inputs.start_year,
    )
    totals = yearly_plans(totals, inputs.effect_plan, year)
    labels = GradeScale.of(settings).labels
    return Results(
        evaluation_year=year,
        measures=measures,
        measure_years=grid,
        items=items,
        effects=totals,
        policies=rollup(items, measures, item_effects, "policy", labels),
        leads=rollup(items, measures, item_effects, "lead", labels),
        total=rollup(items, measures, item_effects, None, labels),
        item_effects=item_effects,
        sections=section_rollup(items, measures, item_effects, labels),
    )
