"""計画値・進捗率・達成率・累計: the worksheet functions of one measure's figures, cell by cell or a column at once."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np
import xlwings as xw

from kaikaku_xl.metrics.rates import attainment, linear_planned, progress
from kaikaku_xl.udfs.arguments import CELLS, args, directions, period
from kaikaku_xl.udfs.cells import FormulaError, elementwise, error_value, grid, numbers, shaped


@xw.func
@xw.arg("baseline", doc="基準値（セルまたは列）", **CELLS)
@xw.arg("target", doc="目標値（セルまたは列）", **CELLS)
@xw.arg("fiscal_year", doc="年度（西暦。2026 や「2026年度」。セルまたは列）", **CELLS)
@xw.arg("baseline_year", doc="基準年度（省略時は計画の基準年度 2024）", **CELLS)
@xw.arg("target_year", doc="目標年度（省略時は計画の最終年度 2030）", **CELLS)
def kk_planned(
    baseline: Any, target: Any, fiscal_year: Any, baseline_year: Any = None, target_year: Any = None
) -> Any:
    """計画値（直線）: 基準値 + (目標値 − 基準値) × (年度 − 基準年度) ÷ (目標年度 − 基準年度)。列を指定すると列で返します。"""
    try:
        base, end = period(baseline_year, target_year)
    except FormulaError as exc:
        return error_value(exc)
    return elementwise(
        lambda b, t, y: linear_planned(b, t, y, base, end),
        *args(baseline=baseline, target=target, fiscal_year=fiscal_year),
    )


@xw.func
@xw.arg("actual", doc="実績（セルまたは列）。空欄・文字・エラー値は「−」", **CELLS)
@xw.arg("baseline", doc="基準値（セルまたは列）", **CELLS)
@xw.arg("target", doc="目標値（セルまたは列）", **CELLS)
def kk_progress(actual: Any, baseline: Any, target: Any) -> Any:
    """進捗率 = (実績 − 基準値) ÷ (目標値 − 基準値)。上限なし（137.5% もそのまま）。目標値＝基準値や実績なしは「−」。"""
    return elementwise(progress, *args(actual=actual, baseline=baseline, target=target))


@xw.func
@xw.arg("actual", doc="実績（セルまたは列）", **CELLS)
@xw.arg("target", doc="目標値（セルまたは列）", **CELLS)
@xw.arg("direction", doc="方向: 増加・減少・維持（セルまたは列）", **CELLS)
def kk_attainment(actual: Any, target: Any, direction: Any) -> Any:
    """達成率 = 実績 ÷ 目標値（増加・維持）、目標値 ÷ 実績（減少）。分母が0や実績なしは「−」。"""
    return elementwise(_attainment, *args(actual=actual, target=target, direction=direction))


def _attainment(actual: np.ndarray, target: np.ndarray, direction: np.ndarray) -> np.ndarray:
    known = directions(direction)
    return attainment(np.where(known != "", actual, math.nan), target, known)


@xw.func
@xw.arg(
    "values", doc="各年度の値（1行が1指標、年度が左から右。例: 実績表の 2026年度〜2030年度 の列）", **CELLS
)
def kk_cumulative(values: Any) -> Any:
    """累計: 各行の値を左から足し上げます（累計の指標の実績）。空欄・文字のある年度から右は「−」（0 とはしません）。"""
    try:
        cells = grid(values)
        amounts = numbers(cells)
        out = np.full(amounts.shape, np.nan)
        for i, row in enumerate(amounts):
            total = Decimal(0)  # the typed decimals, added exactly: 0.1 + 0.2 is 0.3
            for j, x in enumerate(row):
                if not math.isfinite(x):
                    break
                total += Decimal(repr(float(x)))
                out[i, j] = float(total)
        return shaped(out, amounts.shape, amounts.shape == (1, 1))
    except Exception as exc:  # a cell shows a message, never a traceback
        return error_value(exc)
