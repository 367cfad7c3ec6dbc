"""The pandas frames the metrics take, and how to make them from a Plan.

Metrics never see a workbook: the workbook layer reads its tables into these frames.
Long frames (one row per measure and year) keep the plan-as-data shape: any number of measures and years.
"""

from __future__ import annotations

import pandas as pd

from ..plan import Plan

MEASURE_COLUMNS = [
    "measure_id",
    "item",
    "seq",
    "policy",
    "lead",
    "name",
    "unit",
    "direction",
    "baseline",
    "target",
    "effect_kind",
    "include_in_effect",
    "aggregation",
]
ITEM_COLUMNS = ["item", "policy", "lead", "title", "n_measures", "start_year", "end_year", "section"]
ACTUAL_COLUMNS = ["measure_id", "year", "actual"]
TARGET_COLUMNS = ["measure_id", "year", "planned"]
STATUS_COLUMNS = ["item", "year", "grade"]
LEDGER_COLUMNS = ["item", "year", "kind", "amount"]
EFFECT_PLAN_COLUMNS = [
    "item",
    "year",
    "planned",
]  # planned 財政効果額 (円) per item and plan year, where the plan has one


def measures_frame(plan: Plan) -> pd.DataFrame:
    rows = [
        {
            "measure_id": m.measure_id,
            "item": m.item,
            "seq": m.seq,
            "policy": plan.item(m.item).policy,
            "lead": plan.item(m.item).lead,
            "name": m.name,
            "unit": m.unit,
            "direction": m.direction,
            "baseline": m.baseline,
            "target": m.target,
            "effect_kind": m.effect_kind,
            "include_in_effect": m.include_in_effect,
            "aggregation": m.aggregation,
        }
        for m in plan.measures
    ]
    return pd.DataFrame(rows, columns=MEASURE_COLUMNS)


def items_frame(plan: Plan) -> pd.DataFrame:
    rows = [
        {
            "item": it.no,
            "policy": it.policy,
            "lead": it.lead,
            "title": it.title,
            "n_measures": len(it.measures),
            "start_year": it.start_year,
            "end_year": it.end_year,
            "section": it.section,
        }
        for it in plan.items
    ]
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
