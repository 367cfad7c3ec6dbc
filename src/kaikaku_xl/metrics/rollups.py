"""Roll-ups per 基本方針, per 主要担当課 and for the whole plan (DOMAIN.md, "Roll-ups")."""

from __future__ import annotations

import pandas as pd

from .grades import ALL_GRADES, EXCLUDED, GRADES

WHOLE_PLAN = "全体"


def rollup(items: pd.DataFrame, measures: pd.DataFrame, item_effects: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """Grade counts, shares of graded items, mean 進捗率 and effect totals per group.

    items: item, policy, lead, grade. measures: item, measure_id, progress, counted.
    item_effects: item, single_year, cumulative (counted measure effects + ledger, per item).
    by: "policy", "lead" or None for the whole plan.
    """
    key = by or "_all"
    items = items.assign(_all=WHOLE_PLAN)
    group_of_item = items.set_index("item")[key]
    excluded = set(items.loc[items["grade"] == EXCLUDED, "item"])
    measures = measures[~measures["item"].isin(excluded)]  # 対象外 leaves every denominator, the mean too
    measures = measures.assign(group=measures["item"].map(group_of_item))
    effects = item_effects.assign(group=item_effects["item"].map(group_of_item))
    rows = []
    for group, members in items.groupby(key, sort=True):
        counts = members["grade"].value_counts()
        n_graded = int(sum(counts.get(g, 0) for g in GRADES))
        row: dict[str, object] = {"group": group, "items": len(members), "graded": n_graded}
        for g in ALL_GRADES:
            row[f"n_{g}"] = int(counts.get(g, 0))
        for g in GRADES:
            row[f"share_{g}"] = row[f"n_{g}"] / n_graded if n_graded else float("nan")
        in_group = measures[measures["group"] == group]
        row["mean_progress"] = in_group["progress"].mean() if in_group["progress"].notna().any() else float("nan")
        row["measures_with_progress"] = int(in_group["progress"].notna().sum())
        group_effects = effects[effects["group"] == group]
        row["effect_year"] = float(group_effects["single_year"].sum())
        row["effect_cumulative"] = float(group_effects["cumulative"].sum())
        row["counted_measures"] = ", ".join(in_group.loc[in_group["counted"], "measure_id"])
        rows.append(row)
    return pd.DataFrame(rows)
