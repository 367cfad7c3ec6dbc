"""Roll-ups per 基本方針, per 主要担当課 and for the whole plan (DOMAIN.md, "Roll-ups")."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import numpy as np
import pandas as pd

from kaikaku_xl.metrics.effect_plan import group_plans, ratio
from kaikaku_xl.metrics.effects import exact_sum
from kaikaku_xl.plan import natural_key
from kaikaku_xl.plan.scale import EXCLUDED, GRADES, NOT_GRADED

WHOLE_PLAN = "全体"


def _positions(keys: pd.Series) -> dict[object, np.ndarray]:
    """Row positions of each key, in row order (one pass; a filter per group is quadratic at 50,000 rows)."""
    return {k: np.asarray(v) for k, v in keys.groupby(keys, sort=False).indices.items()} if len(keys) else {}


def _sum(values: np.ndarray) -> float:
    """As pandas' Series.sum: NaN counted as 0, numpy's pairwise sum over the values in row order."""
    return float(np.where(np.isnan(values), 0.0, values).sum())


def _known_sum(values: np.ndarray) -> float:
    """The sum of the known amounts, exactly (effects.exact_sum); NaN when none is known ("not known" is never 0)."""
    return exact_sum(values.tolist())


Points = Mapping[str, Fraction]  # each grade's 点数 (GradeScale.points), best grade first
SCORE_KEYS = ("score", "full_score", "score_rate")  # 得点・満点・得点率: only where the scale has 点数


def score(counts: Mapping[str, int], points: Points) -> dict[str, float]:
    """得点 (Σ points of the graded items), 満点 (graded items × the top grade's points) and 得点率 (得点 ÷ 満点,
    the exact ratio as a float), from a group's grade counts; − and 対象外 are in neither. NaN when no item is
    graded (a score of nothing is not known, never 0)."""
    graded = sum(counts.get(g, 0) for g in points)
    if not graded:
        return {"score": float("nan"), "full_score": float("nan"), "score_rate": float("nan")}
    total = sum((p * counts.get(g, 0) for g, p in points.items()), Fraction(0))
    full = graded * max(points.values())
    return {
        "score": float(total),
        "full_score": float(full),
        "score_rate": float(total / full) if full else float("nan"),
    }


def rollup(
    items: pd.DataFrame,
    measures: pd.DataFrame,
    item_effects: pd.DataFrame,
    by: str | None,
    labels: tuple[str, ...] = GRADES,
    points: Points | None = None,
) -> pd.DataFrame:
    """Grade counts, shares of graded items, mean 進捗率 and effect totals per group.

    items: item, policy, lead, grade. measures: item, measure_id, progress, counted.
    item_effects: item, single_year, cumulative (counted measure effects + ledger, per item).
    by: "policy", "lead" or None for the whole plan. labels: the plan's grades, best first (counted and shared).
    points: the scale's 点数, when it gives them: adds score, full_score and score_rate (see `score`).
    Arrays and one grouping per table (shared by refresh and KK_ROLLUP): no frame filtered per group.
    """
    key = by or "_all"
    items = items.assign(_all=WHOLE_PLAN)
    group_of_item = items.set_index("item")[key]
    excluded = set(items.loc[items["grade"] == EXCLUDED, "item"])
    measures = measures[["item", "progress", "counted", "measure_id"]]  # (a row filter copies every column)
    measures = measures[~measures["item"].isin(excluded)]  # 対象外 leaves every denominator, the mean too
    item_groups = items.groupby(key, sort=True).indices  # sorted as the report lists them
    grades = items["grade"].to_numpy(object)
    in_measures = _positions(measures["item"].map(group_of_item))
    progress = measures["progress"].to_numpy(float)
    counted = measures["counted"].to_numpy(bool)
    measure_ids = measures["measure_id"].to_numpy(object)
    in_effects = _positions(item_effects["item"].map(group_of_item))
    single, cumulative = (item_effects[c].to_numpy(float) for c in ("single_year", "cumulative"))
    single_missing, cumulative_missing = (
        item_effects[c].to_numpy(float) if c in item_effects else np.zeros(len(item_effects))
        for c in ("single_missing", "cumulative_missing")
    )
    empty = np.array([], dtype=int)
    rows = []
    for group, members in item_groups.items():
        marks = list(grades[members])
        n_graded = sum(marks.count(g) for g in labels)
        row: dict[str, object] = {"group": group, "items": len(members), "graded": n_graded}
        counts = {g: marks.count(g) for g in (*labels, NOT_GRADED, EXCLUDED)}
        for g, n in counts.items():
            row[f"n_{g}"] = n
        for g in labels:
            row[f"share_{g}"] = counts[g] / n_graded if n_graded else float("nan")
        if points is not None:
            row.update(score(counts, points))
        at = in_measures.get(group, empty)
        rates = progress[at]
        known = int(np.count_nonzero(~np.isnan(rates)))
        row["mean_progress"] = _sum(rates) / known if known else float("nan")  # = Series.mean (no bottleneck)
        row["measures_with_progress"] = known
        where = in_effects.get(group, empty)
        row["effect_year"] = _known_sum(single[where])
        row["effect_cumulative"] = _known_sum(cumulative[where])
        row["effect_year_missing"] = int(single_missing[where].sum())
        row["effect_cumulative_missing"] = int(cumulative_missing[where].sum())
        row["counted_measures"] = ", ".join(measure_ids[at][counted[at]])
        rows.append(row)
    if not rows:
        return pd.DataFrame(rows)
    return group_plans(
        pd.DataFrame(rows), item_effects, group_of_item
    )  # 計画効果額, 効果額達成率, 分野別割合


def section_rollup(
    items: pd.DataFrame,
    measures: pd.DataFrame,
    item_effects: pd.DataFrame,
    labels: tuple[str, ...] = GRADES,
    points: Points | None = None,
) -> pd.DataFrame:
    """The roll-up per 推進項目 (the middle level of a three-level plan), in the plan's natural order; empty
    for a two-level plan. Items without a 推進項目 are in no row of it (they still count in their 基本方針)."""
    if "section" not in items or not items["section"].map(lambda v: isinstance(v, str)).any():
        return pd.DataFrame()
    keyed = items.assign(section=items["section"].where(items["section"].map(lambda v: isinstance(v, str))))
    frame = rollup(keyed, measures, item_effects, "section", labels, points)
    # 分野別割合 of the whole year's 財政効果額 (items without a 推進項目 included), not of the sections' sum
    frame["effect_share"] = ratio(
        frame["effect_year"], rollup(items, measures, item_effects, None, labels)["effect_year"].iloc[0]
    )
    order = sorted(range(len(frame)), key=lambda i: natural_key(frame["group"].iloc[i]))
    return frame.iloc[order].reset_index(drop=True)
