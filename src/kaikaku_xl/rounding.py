"""Display rounding: 四捨五入 (half away from zero, as Excel's ROUND does), in one place.

Figures are computed in full precision; only what people read is rounded, and only here. Python's round()
rounds half to even and binary floats hide exact halves (0.5445 * 100 == 54.449999999999996), so values are
first read at 15 significant digits, as Excel stores them, and then rounded in decimal.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

EMPTY = "−"  # 評価対象外 / not computable
YEN_UNITS = {"円": 1, "千円": 1_000, "万円": 10_000}
_WIDE = Context(prec=1000)  # quantize needs every digit of the result: the default 28 fails above ~1e26


def _decimal(x: float) -> Decimal:
    return Decimal(format(float(x), ".15g"))


def is_missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def round_half_away(x: float, ndigits: int = 0) -> float:
    """Round half away from zero to ndigits decimals (Excel's ROUND). NaN stays NaN."""
    if is_missing(x) or math.isinf(x):
        return x
    step = Decimal(1).scaleb(-ndigits)
    return float(_decimal(x).quantize(step, rounding=ROUND_HALF_UP, context=_WIDE))


def percent_points(rate: float, ndigits: int = 1) -> float:
    """A fraction as percentage points rounded for display: 0.5445 -> 54.5."""
    if is_missing(rate):
        return math.nan
    if math.isinf(rate):
        return float(rate)
    scaled = _decimal(rate) * 100
    return float(scaled.quantize(Decimal(1).scaleb(-ndigits), rounding=ROUND_HALF_UP, context=_WIDE))


def format_percent(rate: float | None, ndigits: int = 1) -> str:
    """0.5445 -> '54.5%'; missing or infinite -> '−'."""
    if rate is None or is_missing(rate) or math.isinf(rate):
        return EMPTY
    return f"{percent_points(rate, ndigits):.{ndigits}f}%"


def format_amount(yen: float | None, unit: str = "円", triangle: bool = True) -> str:
    """Yen in the display unit with thousands separators; negatives as △ (Japanese tables)."""
    if yen is None or is_missing(yen):
        return EMPTY
    divisor = YEN_UNITS[unit]
    value = round_half_away(float(yen) / divisor, 0)
    text = f"{abs(value):,.0f}"
    if value < 0:
        return ("△" if triangle else "-") + text
    return text


def format_number(x: float | None, ndigits: int = 0) -> str:
    """A measure value (件, 時間, ㎡ ...) with separators, rounded half away."""
    if x is None or is_missing(x):
        return EMPTY
    value = round_half_away(float(x), ndigits)
    if value == 0:
        value = 0.0  # no '-0'
    return f"{value:,.{ndigits}f}"


def format_yen(yen: float | None) -> str:
    """Yen in a sentence: 1,234円, △500円; − alone where the amount is not known (− is no amount of 円)."""
    text = format_amount(yen)
    return text if text == EMPTY else text + "円"
