"""評価 S/A/B/C/D/− of a measure for an evaluation year, and of an item (DOMAIN.md, "Evaluation grade").

Grades are decided exactly (fractions of the typed decimals, see exact.py); the thresholds live in GradeScale
only, so that a plan's own scale (issue 9) has one place to go.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ..settings import Settings
from .exact import typed

GRADES = ("S", "A", "B", "C", "D")
NOT_GRADED = "−"  # not computable, or nothing entered yet (未入力)
EXCLUDED = "対象外"  # entered on purpose: left out of every denominator, counted apart
ALL_GRADES = (*GRADES, NOT_GRADED, EXCLUDED)
GRADE_LABELS = {"S": "目標達成", "A": "順調", "B": "概ね順調", "C": "遅れ", "D": "悪化", NOT_GRADED: "評価対象外",
                EXCLUDED: "対象外"}
NOT_ENTERED = "未入力"  # the label of − where the department has not entered a grade yet
_RANK = {g: i for i, g in enumerate(GRADES)}  # S best


@dataclass(frozen=True)
class GradeScale:
    """The grade lines, exact: S at rate ≥ s; A at ≥ a × planned progress; B at ≥ b × planned; C at ≥ 0; else D."""

    s: Fraction = Fraction(1)
    a: Fraction = Fraction(1)
    b: Fraction = Fraction(3, 5)

    @classmethod
    def of(cls, settings: Settings) -> GradeScale:
        """The scale of the 設定 sheet, each threshold read as the decimal typed there."""
        s, a, b = (typed(v) for v in (settings.grade_s_progress, settings.grade_a_ratio, settings.grade_b_ratio))
        return cls(s if s is not None else cls.s, a if a is not None else cls.a, b if b is not None else cls.b)

    def decide(self, rate: Fraction | None, planned_progress: Fraction | None) -> str:
        """The grade of an exact rate; a value exactly on a line gets the higher grade."""
        if rate is None or planned_progress is None:
            return NOT_GRADED
        if rate >= self.s:
            return "S"
        if rate >= self.a * planned_progress:
            return "A"
        if rate >= self.b * planned_progress:
            return "B"
        return "C" if rate >= 0 else "D"


def grade(rate: Iterable[Any] | Any, planned_progress: Iterable[Any] | Any, settings: Settings) -> npt.NDArray[np.object_]:
    """Grade rates against the planned progress of the year (one planned progress for all, or one per rate).

    rate is 進捗率, or 達成率 with planned_progress = 1 for measures whose 進捗率 is undefined (維持). Values are
    read exactly: Fractions as they are, floats as their shortest decimal; NaN/None is not computable (−).
    """
    rates = list(np.atleast_1d(np.asarray(rate, dtype=object)))
    planned = np.asarray(planned_progress, dtype=object)
    plans = list(np.broadcast_to(planned, (len(rates),))) if planned.ndim == 0 else list(planned)
    scale = GradeScale.of(settings)
    return np.array([scale.decide(typed(r), typed(p)) for r, p in zip(rates, plans, strict=True)], dtype=object)



# Float rates only sort out the rows far from every line; a row within this relative margin of a line (float error
# of a rate is a few 1e-16 × (magnitude ÷ span); this is thousands of times that) is decided exactly on its
# typed decimals. So the result equals the exact decision everywhere, at numpy speed (10,000 UDF rows).
FLOAT_MARGIN = 1e-12


def grade_rows(rate: Any, planned_progress: Any, magnitude: Any, settings: Settings,
               exact_row: Callable[[int], tuple[Fraction | None, Fraction | None]]) -> npt.NDArray[np.object_]:
    """Grades of many rows: a float pre-sort, and `exact_row(i)` (exact rate, planned progress) near any line.

    magnitude: per row, how much larger the inputs are than the rate's denominator ((|a|+|b|+|t|) ÷ |t−b|),
    which bounds the float error of the rate.
    """
    scale = GradeScale.of(settings)
    r = np.asarray(rate, dtype=np.float64)
    p = np.broadcast_to(np.asarray(planned_progress, dtype=np.float64), r.shape)
    m = np.broadcast_to(np.asarray(magnitude, dtype=np.float64), r.shape)
    lines = (np.full(r.shape, float(scale.s)), float(scale.a) * p, float(scale.b) * p, np.zeros(r.shape))
    with np.errstate(invalid="ignore"):
        out = np.select([np.isnan(r) | np.isnan(p), r >= lines[0], r >= lines[1], r >= lines[2], r >= 0],
                        [NOT_GRADED, "S", "A", "B", "C"], default="D").astype(object)
        margin = FLOAT_MARGIN * (1 + np.abs(r) + np.abs(p)) * (1 + np.nan_to_num(m, nan=np.inf))
        near = np.zeros(r.shape, dtype=bool)
        for line in lines:
            near |= np.abs(r - line) <= margin
        near |= ~np.isfinite(m) & ~np.isnan(r)
    for i in np.flatnonzero(near):
        out[i] = scale.decide(*exact_row(int(i)))
    return out


def worst(grades: list[str]) -> str:
    """The lowest of the computable grades; − when none is computable."""
    graded = [g for g in grades if g in _RANK]
    return max(graded, key=_RANK.__getitem__) if graded else NOT_GRADED
