"""Exact rates for grading: the decimal staff typed, compared with no rounding (DOMAIN.md: floats never decide).

A cell holds a binary float; what staff typed (and what Excel shows) is its shortest decimal, `repr(x)`. Each
typed value becomes `Fraction(Decimal(repr(x)))`, and 進捗率, 達成率 and the planned progress are computed from
those fractions, so that an actual typed exactly on a grade line is on it, not 1e-16 below.

The float columns of the report stay for display and JSON; only the grade is decided here. `measure_rate` is the
one scalar rule (a vectorised UDF path can call it per row); `exact_rates` applies it to columns.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any


def typed(x: Any) -> Fraction | None:
    """The typed decimal of a cell value as an exact fraction; None for blank, NaN, infinity or non-numbers."""
    if x is None or isinstance(x, bool | str):
        return None
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value):
        return None
    return Fraction(Decimal(repr(value)))


def measure_rate(
    actual: Any,
    baseline: Any,
    target: Any,
    direction: str,
    planned: Any,
    custom_target: bool,
    year: Any,
    baseline_year: Any,
    end_year: Any,
) -> tuple[Fraction | None, Fraction | None]:
    """(rate, planned progress) of one measure, exactly: 進捗率 against the year's planned progress, or for
    target = baseline (維持) 達成率 against 1. rate is None when not computable; planned progress is None only
    when the year or the own target cannot be read."""
    a, b, t = typed(actual), typed(baseline), typed(target)
    if b is None or t is None:
        return None, None
    if t == b:
        if a is None or not direction:
            return None, Fraction(1)
        num, den = (t, a) if direction == "減少" else (a, t)
        return (None if den == 0 else num / den), Fraction(1)
    rate = None if a is None or not direction else (a - b) / (t - b)
    if custom_target:
        own = typed(planned)
        return rate, (None if own is None else (own - b) / (t - b))
    y, y0, y1 = typed(year), typed(baseline_year), typed(end_year)
    if y is None or y0 is None or y1 is None or y1 == y0:
        return rate, None
    return rate, (y - y0) / (y1 - y0)
