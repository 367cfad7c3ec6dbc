"""Planned 財政効果額 per item and year (optional in the plan): 効果額達成率 = 実績 ÷ 計画 per item, per group and
per year, and each group's share of the year's 財政効果額 (分野別割合). docs/decisions.md, "効果額計画".

実績 is the 財政効果額 already computed (counted measures + ledger); 計画 is what the plan states for the item and
year. A ratio is not known (NaN, shown −) when either side is not known or the plan is 0; a plan total over no
planned item is not known, never 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kaikaku_xl.metrics.effects import exact_sum, exact_sums, running_total


def ratio(numerator: pd.Series | np.ndarray, denominator: pd.Series | np.ndarray) -> np.ndarray:
    """numerator ÷ denominator; NaN where either is not known or the denominator is 0."""
    num, den = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    ok = np.isfinite(num) & np.isfinite(den) & (den != 0)
    np.divide(num, den, out=out, where=ok)
    return out


def item_plans(
    item_effects: pd.DataFrame, effect_plan: pd.DataFrame, year: int, start_year: int
) -> pd.DataFrame:
    """item_effects (item, single_year, cumulative) with plan_year, plan_cumulative (start_year..year) and the
    two 効果額達成率 (plan_attainment, plan_attainment_cumulative)."""
    out = item_effects.copy()
    plans = effect_plan.dropna(subset=["planned"]) if len(effect_plan) else effect_plan
    of_year = plans[plans["year"] == year] if len(plans) else plans
    this_year = exact_sums(of_year["planned"], of_year["item"]) if len(of_year) else pd.Series(dtype=float)
    so_far = plans[plans["year"].between(start_year, year)] if len(plans) else plans
    up_to = exact_sums(so_far["planned"], so_far["item"]) if len(so_far) else pd.Series(dtype=float)
    out["plan_year"] = out["item"].map(this_year).astype(float)
    out["plan_cumulative"] = out["item"].map(up_to).astype(float)
    out["plan_attainment"] = ratio(out["single_year"], out["plan_year"])
    out["plan_attainment_cumulative"] = ratio(out["cumulative"], out["plan_cumulative"])
    return out


def group_plans(rows: pd.DataFrame, item_effects: pd.DataFrame, group_of_item: pd.Series) -> pd.DataFrame:
    """A roll-up (group, effect_year, effect_cumulative) with its plan totals, 効果額達成率 and 分野別割合 (each
    group's share of the sum of the groups' 単年度効果額; not known when that sum is not known or 0)."""
    out = rows.copy()
    groups = item_effects["item"].map(group_of_item)
    for column, target in (("plan_year", "effect_plan_year"), ("plan_cumulative", "effect_plan_cumulative")):
        values = (
            item_effects[column] if column in item_effects else pd.Series(np.nan, index=item_effects.index)
        )
        sums = exact_sums(values, groups) if len(values) else pd.Series(dtype=float)  # none known: NaN
        out[target] = out["group"].map(sums).astype(float)
    out["effect_plan_attainment"] = ratio(out["effect_year"], out["effect_plan_year"])
    out["effect_plan_attainment_cumulative"] = ratio(out["effect_cumulative"], out["effect_plan_cumulative"])
    known = out["effect_year"].notna()
    total = exact_sum(out.loc[known, "effect_year"].tolist())
    out["effect_share"] = ratio(out["effect_year"], np.full(len(out), total))
    return out


def yearly_plans(effects: pd.DataFrame, effect_plan: pd.DataFrame, evaluation_year: int) -> pd.DataFrame:
    """The per-year table (year, single_year, cumulative) with the items' plan of each year, its running total
    and the 効果額達成率 against them (years after the evaluation year: plan only)."""
    out = effects.copy()
    plans = effect_plan.dropna(subset=["planned"]) if len(effect_plan) else effect_plan
    by_year = exact_sums(plans["planned"], plans["year"]) if len(plans) else pd.Series(dtype=float)
    out["effect_plan"] = out["year"].map(by_year).astype(float)
    out["effect_plan_cumulative"] = running_total(out["effect_plan"])
    out["effect_plan_attainment"] = ratio(out["single_year"], out["effect_plan"])
    out["effect_plan_attainment_cumulative"] = ratio(out["cumulative"], out["effect_plan_cumulative"])
    future = out["year"] > evaluation_year
    out.loc[future, ["effect_plan_attainment", "effect_plan_attainment_cumulative"]] = np.nan
    return out


NEW_EFFECTS = "新規分"  # settings.EFFECT_PLAN_COUNTINGS: a row states the effects that start that year only


def comparable_plan(effect_plan: pd.DataFrame, counting: str, effect_mode: str) -> pd.DataFrame:
    """The 効果額計画 (item, year, planned) as the figures it is compared with count (docs/decisions.md).

    counting: what a row states (設定 効果額計画の数え方): 各年度の効果額 = the year's total in force, 新規分 = the
    effects that start that year. effect_mode (設定 累計の数え方): 継続 = a year's 財政効果額 holds every lasting effect,
    初年度のみ = only the new ones. A plan of new effects compared with lasting ones becomes, per item, the running
    total of its rows (いわき: H19 = 950 + 1,030); a plan of totals compared with new effects becomes each row's
    change from the item's row before. Only the years the plan has a row for get a plan (no year is invented).
    """
    new_rows, lasting = counting == NEW_EFFECTS, effect_mode != "初年度のみ"
    if new_rows != lasting or not len(effect_plan):
        return effect_plan
    out = effect_plan.sort_values(["year"], kind="stable").copy()
    amounts: dict[object, list[float]] = {}
    result = []
    for item, planned in zip(out["item"].tolist(), out["planned"].tolist(), strict=True):
        earlier = amounts.setdefault(item, [])
        if new_rows:  # lasting: the new effects so far
            result.append(exact_sum([*earlier, planned]))
        else:  # new only: this year's total less the one before
            result.append(exact_sum([planned, -earlier[-1]]) if earlier else planned)
        earlier.append(planned)
    out["planned"] = result
    return out.sort_index()
