"""評価 and 財政効果額 as worksheet functions: the refresh's own kernels (metrics.evaluate, metrics.effects) run on
the argument arrays, so a formula and `kaikaku refresh` agree on every cell."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xlwings as xw

from kaikaku_xl.metrics.effects import effect_amounts, stated_units, unit_prices
from kaikaku_xl.metrics.measures import measure_grades
from kaikaku_xl.metrics.rates import linear_planned
from kaikaku_xl.plan.scale import NOT_GRADED
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.udfs.arguments import CELLS, args, directions, period
from kaikaku_xl.udfs.cells import elementwise, error_value, optional
from kaikaku_xl.udfs.tables import scale_from, settings_from


def _grades(
    actual: np.ndarray,
    baseline: np.ndarray,
    target: np.ndarray,
    direction: np.ndarray,
    years: np.ndarray,
    planned: np.ndarray,
    base: int,
    end: int,
    settings: Settings,
) -> np.ndarray:
    """The refresh's own grading (metrics.measures.measure_grades) on the argument arrays, every year at once."""
    direction = directions(direction)
    actual = np.where(direction != "", actual, math.nan)
    custom = ~np.isnan(planned)
    own = np.where(custom, planned, linear_planned(baseline, target, years, int(base), int(end)))
    elapsed = (years - int(base)) / (end - int(base))
    # period: the exact elapsed share decides the grade (exact decimals near a line, issue 8), elapsed is shown
    grades = measure_grades(
        actual,
        baseline,
        target,
        direction,
        own,
        custom,
        elapsed,
        settings,
        period=(years, int(base), int(end)),
    ).grade
    return np.where(np.isfinite(years), grades, NOT_GRADED)


@xw.func
@xw.arg("actual", doc="評価年度の実績（セルまたは列）", **CELLS)
@xw.arg("baseline", doc="基準値（セルまたは列）", **CELLS)
@xw.arg("target", doc="目標値（セルまたは列）", **CELLS)
@xw.arg("direction", doc="方向: 増加・減少・維持（セルまたは列）", **CELLS)
@xw.arg("fiscal_year", doc="評価年度（西暦。セルまたは列）", **CELLS)
@xw.arg("planned", doc="市独自の年度目標（省略・空欄は直線の計画値）", **CELLS)
@xw.arg("settings", doc="設定シートの表 Settings（省略時は既定の閾値）", **CELLS)
@xw.arg("baseline_year", doc="基準年度（省略時は計画の基準年度）", **CELLS)
@xw.arg("target_year", doc="目標年度（省略時は計画の最終年度）", **CELLS)
@xw.arg("scale", doc="計画独自の評価区分の表 GradeScale（評価区分シート。省略時は S〜D）", **CELLS)
def kk_grade(
    actual: Any,
    baseline: Any,
    target: Any,
    direction: Any,
    fiscal_year: Any,
    planned: Any = None,
    settings: Any = None,
    baseline_year: Any = None,
    target_year: Any = None,
    scale: Any = None,
) -> Any:
    """評価 S/A/B/C/D/−（または計画の評価区分）: 進捗率を計画進捗（経過年数÷計画期間）と比べます。S≧100%、A≧計画、B≧計画×0.6、C≧0、D<0。"""
    try:
        base, end = period(baseline_year, target_year)
        config = scale_from(scale, settings_from(settings))
    except Exception as exc:
        return error_value(exc)
    return elementwise(
        lambda a, b, t, d, y, p: _grades(a, b, t, d, y, p, base, end, config),
        *args(
            actual=actual,
            baseline=baseline,
            target=target,
            direction=direction,
            fiscal_year=fiscal_year,
            planned=planned if optional(planned) else None,
        ),
    )


def _effects(
    actual: np.ndarray,
    baseline: np.ndarray,
    kind: np.ndarray,
    unit: np.ndarray,
    direction: np.ndarray,
    settings: Settings,
) -> np.ndarray:
    """財政効果額 against the baseline (継続), by the refresh's own kernel (metrics.effects.effect_amounts)."""
    prices = unit_prices(stated_units(unit, kind), settings)  # 千円・百万円 → 円; no unit: 円
    return effect_amounts(actual, baseline, kind, directions(direction), prices)


@xw.func
@xw.arg("actual", doc="その年度の実績（セルまたは列）", **CELLS)
@xw.arg("baseline", doc="基準値（セルまたは列）", **CELLS)
@xw.arg("effect_kind", doc="効果区分: 歳出削減・歳入増加・参考（セルまたは列）", **CELLS)
@xw.arg("unit", doc="単位（参考換算のみ: 時間・枚）", **CELLS)
@xw.arg("direction", doc="方向（参考換算のみ）", **CELLS)
@xw.arg("settings", doc="設定シートの表 Settings（参考換算の単価。省略時は既定値）", **CELLS)
def kk_effect(
    actual: Any,
    baseline: Any,
    effect_kind: Any,
    unit: Any = None,
    direction: Any = None,
    settings: Any = None,
) -> Any:
    """財政効果額（円、基準年度比）: 歳出削減 = 基準値 − 実績、歳入増加 = 実績 − 基準値、参考 = 改善量 × 単価。区分なしは「−」。"""
    try:
        config = settings_from(settings)
    except Exception as exc:
        return error_value(exc)
    return elementwise(
        lambda a, b, k, u, d: _effects(a, b, k, u, d, config),
        *args(actual=actual, baseline=baseline, effect_kind=effect_kind, unit=unit, direction=direction),
    )
