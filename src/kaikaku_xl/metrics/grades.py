"""評価 S/A/B/C/D/− of a measure for an evaluation year, and of an item (DOMAIN.md, "Evaluation grade")."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..settings import Settings

GRADES = ("S", "A", "B", "C", "D")
NOT_GRADED = "−"  # not computable, or nothing entered yet (未入力)
EXCLUDED = "対象外"  # entered on purpose: left out of every denominator, counted apart
ALL_GRADES = (*GRADES, NOT_GRADED, EXCLUDED)
GRADE_LABELS = {"S": "目標達成", "A": "順調", "B": "概ね順調", "C": "遅れ", "D": "悪化", NOT_GRADED: "評価対象外",
                EXCLUDED: "対象外"}
NOT_ENTERED = "未入力"  # the label of − where the department has not entered a grade yet
_RANK = {g: i for i, g in enumerate(GRADES)}  # S best


def grade(rate: npt.ArrayLike, planned_progress: npt.ArrayLike, settings: Settings) -> npt.NDArray[np.object_]:
    """Grade a rate against the planned progress of the year.

    rate is 進捗率, or 達成率 with planned_progress = 1 for measures whose 進捗率 is undefined (維持).
    """
    r = np.asarray(rate, dtype=np.float64)
    p = np.broadcast_to(np.asarray(planned_progress, dtype=np.float64), r.shape)
    conditions = [
        np.isnan(r),
        r >= settings.grade_s_progress,
        r >= settings.grade_a_ratio * p,
        r >= settings.grade_b_ratio * p,
        r >= 0,
    ]
    choices = [NOT_GRADED, "S", "A", "B", "C"]
    return np.select(conditions, choices, default="D").astype(object)


def worst(grades: list[str]) -> str:
    """The lowest of the computable grades; − when none is computable."""
    graded = [g for g in grades if g in _RANK]
    return max(graded, key=_RANK.__getitem__) if graded else NOT_GRADED
