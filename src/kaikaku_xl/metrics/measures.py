"""Rates and grade of each measure: on a year's frame for refresh, on bare arrays for the KK_GRADE function.

Apart from `evaluate.py` because the UDFs and the trend call it on their own, without a whole evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kaikaku_xl.metrics.grades import grade_rows
from kaikaku_xl.metrics.rates import attainment, progress
from kaikaku_xl.plan.exact import measure_rate
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.settings import Settings


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
    # Graded by the departments (a typed scale): the measure's rates are shown, never graded.
    if GradeScale.of(settings).typed:
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
        period = (elapsed, 0, 1)  # elapsed read as typed: (elapsed − 0) ÷ (1 − 0)
    years, firsts, ends = (np.broadcast_to(np.asarray(part, dtype=object), a.shape) for part in period)

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
    n = len(rows)

    def column(name: str, blank: object) -> list[Any]:
        return rows[name].tolist() if name in rows.columns else [blank] * n

    reasons = []
    for missing, error, invalid, gap, is_flat, no_attainment in zip(
        rows["actual"].isna().tolist(),
        column("actual_error", ""),
        column("actual_invalid", False),
        column("cumulative_gap", ""),
        flat.tolist(),
        rows["attainment"].isna().tolist(),
        strict=True,
    ):
        if missing and error:
            reasons.append(f"実績の入力エラー（{error}）のため評価対象外")
        elif missing and invalid:
            reasons.append("実績が数値ではないため評価対象外")
        elif missing and gap:
            reasons.append(f"{gap}評価対象外")
        elif missing:
            reasons.append("実績が未入力のため評価対象外")
        elif is_flat and no_attainment:
            reasons.append("目標値と基準値が同じで、達成率も計算できないため評価対象外")
        elif is_flat:
            reasons.append("目標値＝基準値のため達成率で評価")
        elif no_attainment:
            reasons.append("達成率は計算できません（分母が0）")
        else:
            reasons.append("")
    return reasons
