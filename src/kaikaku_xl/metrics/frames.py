"""The pandas frames the metrics take and give (Inputs, Results), and how to make them from a Plan.

Metrics never see a workbook: the workbook layer reads its tables into these frames.
Long frames (one row per measure and year) keep the plan-as-data shape: any number of measures and years.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kaikaku_xl.plan import Plan

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
REVISION_COLUMNS = ["kind", "measure_id", "item", "year", "last_year", "value"]  # metrics/revisions.py
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


def row_dicts(frame: pd.DataFrame, keys: Iterable[str]) -> list[dict[str, Any]]:
    """The frame's rows as dicts of `keys` (None where the frame has no such column), Python values as
    to_dict("records") gives them, read a column at a time (iterating a frame's rows costs per cell)."""
    keys = tuple(keys)
    columns = [frame[key].tolist() if key in frame.columns else [None] * len(frame) for key in keys]
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]


def empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def empty_revisions() -> pd.DataFrame:
    return empty(REVISION_COLUMNS)


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
    # item, year, planned (円)
    effect_plan: pd.DataFrame = field(default_factory=lambda: empty(EFFECT_PLAN_COLUMNS))
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
    # roll-up per 推進項目 (three-level plans only)
    sections: pd.DataFrame = field(default_factory=pd.DataFrame)
