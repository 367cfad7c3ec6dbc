"""The arguments every worksheet function of kaikaku_xl.udfs shares: how they arrive, are read, and name the period.

Each argument name means the same thing in every function (実績 is a number, 方向 a text), so its kind and the
label that error messages use are written once, in ARGUMENTS, and `args` builds the `Arg`s from the names.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from kaikaku_xl.plan import DIRECTIONS, load_plan
from kaikaku_xl.udfs.cells import Arg, FormulaError, optional, year

CELLS = {"ndim": 2, "err_to_str": True}  # every argument as a 2-D grid; Excel errors arrive as "#N/A" text

ARGUMENTS = {  # argument name: (kind of its cells, its name in messages)
    "actual": ("number", "実績"),
    "baseline": ("number", "基準値"),
    "target": ("number", "目標値"),
    "fiscal_year": ("year", "年度"),
    "direction": ("text", "方向"),
    "planned": ("number", "年度目標"),
    "effect_kind": ("text", "効果区分"),
    "unit": ("text", "単位"),
}


def args(**values: Any) -> list[Arg]:
    """The `Arg`s of the named arguments, in the order given (the kernel's order)."""
    return [Arg(value, *ARGUMENTS[name]) for name, value in values.items()]


@lru_cache(maxsize=1)
def _plan_years() -> tuple[int, int]:
    """Baseline and target year of the bundled plan: the default when a formula leaves them out."""
    plan = load_plan()
    return plan.baseline_year, plan.end_year


def period(baseline_year: Any, target_year: Any) -> tuple[int, int]:
    """(baseline year, target year) as typed, or the plan's where omitted; FormulaError unless both are whole
    years in that order."""
    default_base, default_end = _plan_years()
    base = year(_first(baseline_year)) if optional(baseline_year) else float(default_base)
    end = year(_first(target_year)) if optional(target_year) else float(default_end)
    if not (math.isfinite(base) and math.isfinite(end)) or base >= end:
        raise FormulaError(
            "基準年度・目標年度は 2024、2030 のような西暦で、基準年度 < 目標年度 にしてください。"
        )
    return int(base), int(end)  # year() gives whole years only


def _first(value: Any) -> Any:
    while isinstance(value, list | tuple) and value:
        value = value[0]
    return value


def directions(values: np.ndarray) -> np.ndarray:
    """増加・減少・維持; anything else makes the row not computable."""
    return np.where(np.isin(values, DIRECTIONS), values, "").astype(object)
