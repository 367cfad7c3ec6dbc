"""Display rounding (DOMAIN.md "Rates"): 0.1 pt, 四捨五入 half away from zero as Excel's ROUND,
never Python's round()."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from kaikaku_xl.rounding import format_amount, format_number, format_percent, percent_points, round_half_away

nan = float("nan")


# ── Half-way cases, worked by hand ────────────────────────────────────────────────────────────────────
def test_percent_points_half_way_cases():
    # 0.5445 × 100 = 54.45 exactly in decimal (the binary float is 54.449999999999996): 四捨五入 → 54.5
    assert percent_points(0.5445) == 54.5
    # 0.0005 → 0.05 pt → 0.1 (half away), not 0.0
    assert percent_points(0.0005) == 0.1
    # negative halves go away from zero
    assert percent_points(-0.5445) == -54.5
    assert percent_points(-0.0005) == -0.1
    # below the half: 0.00049 → 0.049 → 0.0
    assert percent_points(0.00049) == 0.0
    # 1.375 → 137.5 (not capped); 0.1235 → 12.35 → 12.4 (Python's round(12.35, 1) gives 12.3)
    assert percent_points(1.375) == 137.5
    assert percent_points(0.1235) == 12.4
    # 2 decimals: 0.123445 → 12.3445 → 12.34; 0.123455 → 12.3455 → 12.35
    assert percent_points(0.123445, 2) == 12.34
    assert percent_points(0.123455, 2) == 12.35
    assert math.isnan(percent_points(nan))
    assert math.isnan(percent_points(None))


def test_format_percent():
    assert format_percent(0.5445) == "54.5%"
    assert format_percent(-0.5445) == "-54.5%"
    assert format_percent(1.375) == "137.5%"
    assert format_percent(0.0005) == "0.1%"
    assert format_percent(1) == "100.0%"
    assert format_percent(0.5, 0) == "50%"
    assert format_percent(nan) == "−"
    assert format_percent(None) == "−"
    assert format_percent(float("inf")) == "−"


def test_round_half_away():
    # 2.5 yen → 3 (Python's round(2.5) == 2)
    assert round_half_away(2.5) == 3.0
    assert round_half_away(-2.5) == -3.0
    assert round_half_away(0.5) == 1.0
    assert round_half_away(1.5) == 2.0
    assert round_half_away(2.4999) == 2.0
    # 1.005 is stored as 1.00499999999999989...; read at 15 digits it is 1.005 → 1.01 (as Excel shows)
    assert round_half_away(1.005, 2) == 1.01
    assert round_half_away(-1.005, 2) == -1.01
    # negative ndigits: 1,250 to the hundred → 1,300
    assert round_half_away(1250, -2) == 1300.0
    assert math.isnan(round_half_away(nan))
    assert round_half_away(float("inf")) == float("inf")


def test_format_amount_yen():
    assert format_amount(-1234, "円") == "△1,234"
    assert format_amount(-1234, "円", triangle=False) == "-1,234"
    assert format_amount(1234567) == "1,234,567"
    assert format_amount(2.5) == "3"  # 2.5 yen → 3
    assert format_amount(-2.5) == "△3"
    assert format_amount(-0.4) == "0"  # rounds to zero: no △0
    assert format_amount(0) == "0"
    assert format_amount(None) == "−"
    assert format_amount(nan) == "−"


def test_format_amount_thousands_and_ten_thousands():
    # 千円: 1,234,567 / 1,000 = 1,234.567 → 1,235; 1,234,499 → 1,234.499 → 1,234
    assert format_amount(1_234_567, "千円") == "1,235"
    assert format_amount(1_234_499, "千円") == "1,234"
    # 2,500 円 = 2.5 千円 → 3 (half away; half-even would give 2); negative → △3
    assert format_amount(2_500, "千円") == "3"
    assert format_amount(-2_500, "千円") == "△3"
    # 万円: 123,450,000 / 10,000 = 12,345; 125,000 → 12.5 → 13; 第4次 20億5,004万円
    assert format_amount(123_450_000, "万円") == "12,345"
    assert format_amount(125_000, "万円") == "13"
    assert format_amount(2_050_040_000, "万円") == "205,004"
    assert format_amount(-31_724_014, "万円") == "△3,172"  # 3,172.4014 → 3,172


def test_format_number():
    assert format_number(1234.5) == "1,235"
    assert format_number(-1234.5) == "-1,235"
    assert format_number(-0.4) == "0"
    assert format_number(165000) == "165,000"
    assert format_number(12.345, 2) == "12.35"
    assert format_number(None) == "−"


def test_huge_values_do_not_crash():
    # never a crash: values beyond Decimal's default 28 digits
    assert percent_points(1e30) == 1e32
    assert format_amount(1e30) == f"{1e30:,.0f}"


# ── Properties ─────────────────────────────────────────────────────────────────────────────────────────
finite = st.floats(allow_nan=False, allow_infinity=False)
plausible = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
# fractions at 4 decimals hit the half-way cases of 0.1 pt very often (0.5445, 0.0005, ...)
four_decimals = st.integers(min_value=-(10**7), max_value=10**7).map(lambda n: n / 10_000)


def _oracle(x: float, scale: int, ndigits: int) -> float:
    """Exact half-away rounding of the 15-significant-digit value of x × scale, in rational arithmetic."""
    v = Fraction(format(x, ".15g")) * scale * Fraction(10) ** ndigits
    q = math.floor(abs(v) + Fraction(1, 2))
    try:
        magnitude = float(Fraction(q) / Fraction(10) ** ndigits)
    except OverflowError:  # beyond the largest float (x near 1.8e308 as percent points)
        magnitude = math.inf
    return (-magnitude if v < 0 else magnitude) if q else 0.0


@settings(max_examples=200)
@given(x=st.one_of(finite, plausible, four_decimals))
def test_percent_points_is_symmetric(x):
    assert percent_points(-x) == -percent_points(x)
    assert round_half_away(-x, 1) == -round_half_away(x, 1)


@settings(max_examples=200)
@given(x=st.one_of(finite, plausible, four_decimals), ndigits=st.integers(min_value=0, max_value=3))
def test_percent_points_matches_exact_decimal_half_away(x, ndigits):
    assert percent_points(x, ndigits) == _oracle(x, 100, ndigits)


@settings(max_examples=200)
@given(
    x=st.one_of(finite, plausible, four_decimals.map(lambda v: v * 1000)),
    ndigits=st.integers(min_value=0, max_value=2),
)
def test_round_half_away_matches_exact_decimal_half_away(x, ndigits):
    assert round_half_away(x, ndigits) == _oracle(x, 1, ndigits)


@settings(max_examples=200)
@given(n=st.integers(min_value=-(10**6), max_value=10**6))
def test_exact_halves_go_away_from_zero(n):
    # n + 0.5 is exact in binary: away from zero gives n + 1 for n ≥ 0 and n for n < 0
    x = n + 0.5
    assert round_half_away(x) == (n + 1 if n >= 0 else n)
    # n.5 yen in 千円: (n × 1000 + 500) / 1000 = n.5 → same
    expected = n + 1 if n >= 0 else n
    text = format_amount(n * 1000 + 500, "千円")
    assert text == (f"{expected:,}" if expected >= 0 else f"△{-expected:,}")
