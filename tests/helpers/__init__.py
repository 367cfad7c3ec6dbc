"""Builders the metrics and plan tests share: a tiny plan from a dict, and Inputs from plain lists.

Imported by the tests as `from helpers import ...` (conftest.py holds only pytest's own set-up and fixtures).
"""

from __future__ import annotations

import pandas as pd

from kaikaku_xl.metrics.frames import Inputs, items_frame, measures_frame
from kaikaku_xl.plan import Plan, plan_from_dict


def plan_dict(items: list[dict]) -> dict:
    """A valid plan around `items` (2 policies, FY2024 baseline, FY2026-2030)."""
    return {
        "plan": {
            "name": "テスト計画",
            "city": "テスト市",
            "start_year": 2026,
            "end_year": 2030,
            "baseline_year": 2024,
        },
        "policies": [{"no": 1, "name": "方針1"}, {"no": 2, "name": "方針2"}],
        "items": items,
    }


def item(no: int, *measures: dict, policy: int = 1, lead: str = "総務課") -> dict:
    return {
        "no": no,
        "policy": policy,
        "title": f"項目{no}",
        "departments": [lead],
        "measures": list(measures),
    }


def measure(
    name: str, unit: str, direction: str, baseline: float, target: float, effect_kind: str = "", **extra
) -> dict:
    return {
        "name": name,
        "unit": unit,
        "direction": direction,
        "baseline": baseline,
        "target": target,
        "effect_kind": effect_kind,
        **extra,
    }


def make_plan(*items: dict) -> Plan:
    return plan_from_dict(plan_dict(list(items)))


def make_inputs(plan: Plan, actuals=(), status=(), ledger=(), targets=()) -> Inputs:
    """actuals: (measure_id, year, actual); status: (item, year, grade); ledger: (item, year, kind, amount);
    targets: (measure_id, year, planned)."""
    return Inputs(
        measures=measures_frame(plan),
        items=items_frame(plan),
        baseline_year=plan.baseline_year,
        start_year=plan.start_year,
        end_year=plan.end_year,
        actuals=pd.DataFrame(list(actuals), columns=["measure_id", "year", "actual"]),
        status=pd.DataFrame(list(status), columns=["item", "year", "grade"]),
        ledger=pd.DataFrame(list(ledger), columns=["item", "year", "kind", "amount"]),
        targets=pd.DataFrame(list(targets), columns=["measure_id", "year", "planned"]),
    )


def by_id(frame: pd.DataFrame, column: str = "measure_id") -> pd.DataFrame:
    return frame.set_index(column)
