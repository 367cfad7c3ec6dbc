"""All rules of DOMAIN.md, as pure functions over pandas frames. No file I/O, no xlwings."""

from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.metrics.frames import Inputs, Results, items_frame, measures_frame
from kaikaku_xl.metrics.grades import ALL_GRADES, GRADE_LABELS, GRADES, NOT_GRADED, grade
from kaikaku_xl.metrics.rates import attainment, linear_planned, progress

__all__ = [
    "ALL_GRADES",
    "GRADES",
    "GRADE_LABELS",
    "NOT_GRADED",
    "Inputs",
    "Results",
    "attainment",
    "evaluate",
    "grade",
    "items_frame",
    "linear_planned",
    "measures_frame",
    "progress",
]
