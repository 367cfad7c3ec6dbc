"""進捗率, 達成率 and the planned path (DOMAIN.md, "Yearly path" and "Rates"). Vectorised; NaN = not computable."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


def _f(x: npt.ArrayLike) -> Floats:
    return np.asarray(x, dtype=np.float64)


def linear_planned(
    baseline: npt.ArrayLike, target: npt.ArrayLike, year: npt.ArrayLike, baseline_year: int, target_year: int
) -> Floats:
    """planned(y) = baseline + (target − baseline) × (y − baseline_year) / (target_year − baseline_year)."""
    b, t, y = _f(baseline), _f(target), _f(year)
    return b + (t - b) * (y - baseline_year) / (target_year - baseline_year)


def progress(actual: npt.ArrayLike, baseline: npt.ArrayLike, target: npt.ArrayLike) -> Floats:
    """進捗率 = (actual − baseline) / (target − baseline); NaN where target = baseline or no actual. Not capped."""
    a, b, t = np.broadcast_arrays(_f(actual), _f(baseline), _f(target))
    span = t - b
    out = np.full(a.shape, np.nan)
    ok = np.isfinite(a) & np.isfinite(span) & (span != 0)
    out[ok] = (a[ok] - b[ok]) / span[ok]
    return out


def attainment(actual: npt.ArrayLike, target: npt.ArrayLike, direction: npt.ArrayLike) -> Floats:
    """達成率 = actual / target (増加・維持) or target / actual (減少); NaN where the divisor is 0 or missing."""
    a, t, d = np.broadcast_arrays(_f(actual), _f(target), np.asarray(direction, dtype=object))
    lower_is_better = d == "減少"
    num = np.where(lower_is_better, t, a)
    den = np.where(lower_is_better, a, t)
    out = np.full(a.shape, np.nan)
    ok = np.isfinite(num) & np.isfinite(den) & (den != 0)
    out[ok] = num[ok] / den[ok]
    return out
