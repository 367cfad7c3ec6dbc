"""評価 S/A/B/C/D/− of a measure for an evaluation year, and of an item (DOMAIN.md, "Evaluation grade").

Grades are decided exactly (fractions of the typed decimals, see exact.py); the labels and the thresholds live in
GradeScale (scale.py) only: the default S–D with the 設定 sheet's thresholds, or the plan's own scale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from kaikaku_xl.plan.exact import typed
from kaikaku_xl.plan.scale import (
    BASIS_PROGRESS,
    NOT_GRADED,
    Grade,
    GradeScale,
)
from kaikaku_xl.plan.settings import Settings


def grade(
    rate: Iterable[Any] | Any, planned_progress: Iterable[Any] | Any, settings: Settings
) -> npt.NDArray[np.object_]:
    """Grade rates against the planned progress of the year (one planned progress for all, or one per rate).

    rate is 進捗率, or 達成率 with planned_progress = 1 for measures whose 進捗率 is undefined (維持). Values are
    read exactly: Fractions as they are, floats as their shortest decimal; NaN/None is not computable (−).
    """
    rates = list(np.atleast_1d(np.asarray(rate, dtype=object)))
    planned = np.asarray(planned_progress, dtype=object)
    plans = list(np.broadcast_to(planned, (len(rates),))) if planned.ndim == 0 else list(planned)
    scale = GradeScale.of(settings)
    return np.array(
        [scale.decide(typed(r), typed(p)) for r, p in zip(rates, plans, strict=True)], dtype=object
    )


# Float rates only sort out the rows far from every line; a row within this relative margin of a line (float error
# of a rate is a few 1e-16 × (magnitude ÷ span); this is thousands of times that) is decided exactly on its
# typed decimals. So the result equals the exact decision everywhere, at numpy speed (10,000 UDF rows).
FLOAT_MARGIN = 1e-12


def grade_rows(
    rate: Any,
    planned_progress: Any,
    magnitude: Any,
    settings: Settings,
    exact_row: Callable[[int], tuple[Fraction | None, Fraction | None]],
) -> npt.NDArray[np.object_]:
    """Grades of many rows: a float pre-sort, and `exact_row(i)` (exact rate, planned progress) near any line.

    magnitude: per row, how much larger the inputs are than the rate's denominator ((|a|+|b|+|t|) ÷ |t−b|),
    which bounds the float error of the rate.
    """
    scale = GradeScale.of(settings)
    r = np.asarray(rate, dtype=np.float64)
    if scale.typed:  # graded by the departments: nothing is computed
        return np.full(r.shape, NOT_GRADED, dtype=object)
    p = np.broadcast_to(np.asarray(planned_progress, dtype=np.float64), r.shape)
    m = np.broadcast_to(np.asarray(magnitude, dtype=np.float64), r.shape)
    ruled = scale.grades[:-1]  # the last grade takes what no line reaches
    lines = [_line(g, p) for g in ruled]
    with np.errstate(invalid="ignore"):
        out = np.select(
            [np.isnan(r) | np.isnan(p), *(r >= line for line in lines)],
            [NOT_GRADED, *(g.label for g in ruled)],
            default=scale.grades[-1].label,
        ).astype(object)
        margin = FLOAT_MARGIN * (1 + np.abs(r) + np.abs(p)) * (1 + np.nan_to_num(m, nan=np.inf))
        near = np.zeros(r.shape, dtype=bool)
        for line in lines:
            near |= np.abs(r - line) <= margin
        near |= ~np.isfinite(m) & ~np.isnan(r)
    for i in np.flatnonzero(near):
        out[i] = scale.decide(*exact_row(int(i)))
    return out


def _line(grade: Grade, planned: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each row's line of a ruled grade; a grade without a threshold has none that a rate reaches (NaN), as
    GradeScale.decide skips it."""
    if grade.threshold is None:
        return np.full(planned.shape, np.nan)
    threshold = float(grade.threshold)
    return np.full(planned.shape, threshold) if grade.basis == BASIS_PROGRESS else threshold * planned


def worst(grades: list[str], scale: GradeScale | None = None) -> str:
    """The lowest of the computable grades (by the scale's order); − when none is computable."""
    labels = (scale or GradeScale()).labels
    graded = [g for g in grades if g in labels]
    return max(graded, key=labels.index) if graded else NOT_GRADED
