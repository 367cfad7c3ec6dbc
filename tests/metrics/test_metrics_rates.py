"""進捗率, 達成率, planned path and the S/A/B/C/D/− grade of a measure
(DOMAIN.md "Rates", "Evaluation grade").

Every expected number is worked out by hand in the comments; nothing is computed with the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from helpers import by_id, item, make_inputs, make_plan, measure
from hypothesis import given, settings
from hypothesis import strategies as st

from kaikaku_xl.metrics.effects import improvement
from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.metrics.grades import grade
from kaikaku_xl.metrics.rates import attainment, linear_planned, progress
from kaikaku_xl.plan.scale import NOT_GRADED
from kaikaku_xl.plan.settings import Settings

nan = float("nan")


# ── 進捗率 ──────────────────────────────────────────────────────────────────────────────────────────────
def test_progress_increase():
    # (1825 − 1000) / (1600 − 1000) = 825 / 600 = 1.375: beyond the target, not capped
    assert progress(1825, 1000, 1600) == pytest.approx(1.375)
    # (1300 − 1000) / 600 = 0.5
    assert progress(1300, 1000, 1600) == pytest.approx(0.5)


def test_progress_decrease():
    # 減少 1600 → 1000, actual 1200: (1200 − 1600) / (1000 − 1600) = −400 / −600 = 0.6667
    assert progress(1200, 1600, 1000) == pytest.approx(2 / 3)
    # worse than the baseline: (1700 − 1600) / −600 = −0.1667 (negative = moved away from the target)
    assert progress(1700, 1600, 1000) == pytest.approx(-1 / 6)


def test_progress_is_nan_when_target_equals_baseline_or_actual_missing():
    # 維持 100 → 100: span 0, undefined
    assert math.isnan(progress(100, 100, 100))
    assert math.isnan(progress(0, 0, 0))
    assert math.isnan(progress(nan, 1000, 1600))
    assert math.isnan(progress(None, 1000, 1600))
    out = progress([1300, nan, 1000], [1000, 1000, 1000], [1600, 1600, 1000])
    assert out[0] == pytest.approx(0.5) and math.isnan(out[1]) and math.isnan(out[2])


# ── 達成率 ──────────────────────────────────────────────────────────────────────────────────────────────
def test_attainment_per_direction():
    # 増加: a / t = 1825 / 1600 = 1.140625
    assert attainment(1825, 1600, "増加") == pytest.approx(1.140625)
    # 減少: t / a = 1000 / 1200 = 0.8333
    assert attainment(1200, 1000, "減少") == pytest.approx(0.833333333)
    # 減少 beyond the target: t / a = 1000 / 800 = 1.25
    assert attainment(800, 1000, "減少") == pytest.approx(1.25)
    # 維持: a / t = 60 / 100 = 0.6
    assert attainment(60, 100, "維持") == pytest.approx(0.6)
    out = attainment([50, 50, 50], [40, 40, 40], ["増加", "減少", "維持"])
    # 50/40 = 1.25, 40/50 = 0.8, 50/40 = 1.25
    assert list(out) == pytest.approx([1.25, 0.8, 1.25])


def test_attainment_division_by_zero_is_nan():
    # 減少 with actual 0: t / 0 is not computable
    assert math.isnan(attainment(0, 5, "減少"))
    # 増加 / 維持 with target 0: a / 0
    assert math.isnan(attainment(3, 0, "増加"))
    assert math.isnan(attainment(0, 0, "維持"))
    assert math.isnan(attainment(nan, 100, "増加"))
    assert math.isnan(attainment(None, 100, "減少"))


# ── Planned path ───────────────────────────────────────────────────────────────────────────────────────
def test_linear_planned_straight_line():
    # 1000 + 600 × (y − 2024) / 6 = 1000, 1100, ..., 1600
    out = linear_planned(1000, 1600, [2024, 2025, 2026, 2027, 2028, 2029, 2030], 2024, 2030)
    assert list(out) == pytest.approx([1000, 1100, 1200, 1300, 1400, 1500, 1600])
    # 減少 1,000,000 → 400,000: 2026 = 1,000,000 − 600,000 × 2/6 = 800,000
    assert linear_planned(1_000_000, 400_000, 2026, 2024, 2030) == pytest.approx(800_000)


# ── Grade thresholds (function level) ─────────────────────────────────────────────────────────────────
def test_grade_boundaries_at_p_and_0_6p():
    # p = 0.5: S ≥ 1; A ≥ 0.5; B ≥ 0.6 × 0.5 = 0.3; C 0 ≤ r < 0.3; D < 0
    rates = [1.0, 0.9999, 0.5, 0.4999, 0.3, 0.2999, 0.0, -0.0001, nan, 1.375]
    expected = ["S", "A", "A", "B", "B", "C", "C", "D", NOT_GRADED, "S"]
    assert list(grade(rates, 0.5, Settings())) == expected


def test_grade_2028_planned_progress_four_sixths():
    # evaluation year 2028: p = 4/6 = 0.6667, 0.6p = 0.4
    p = 4 / 6
    assert list(grade([0.6667, 0.6666, 0.4, 0.3999, 0.0], p, Settings())) == ["A", "B", "B", "C", "C"]


def test_grade_uses_the_settings():
    # grade_b_ratio 0.5: B from 0.5 × 0.5 = 0.25; r = 0.27 is B instead of C
    assert grade([0.27], 0.5, Settings())[0] == "C"
    assert grade([0.27], 0.5, Settings(grade_b_ratio=0.5))[0] == "B"
    # grade_s_progress 0.9: 0.95 is S
    assert grade([0.95], 0.5, Settings(grade_s_progress=0.9))[0] == "S"


# ── Grades through evaluate(), evaluation year 2028 ───────────────────────────────────────────────────
INC = ("件数", "件", "増加", 1000, 1600)  # span +600
DEC = ("費用", "円", "減少", 1600, 1000)  # span −600
KEEP = ("受講率", "%", "維持", 100, 100)


def _plan_2028():
    specs = [INC] * 7 + [DEC] * 3 + [KEEP] * 4 + [INC] * 3
    specs += [("経費", "円", "減少", 10, 5), ("率", "%", "維持", 0, 0)]
    return make_plan(*(item(i, measure(*s)) for i, s in enumerate(specs, start=1)))


ACTUALS_2028 = [
    ("1-1", 1825),  # (1825−1000)/600 = 1.375 → S (137.5%), 達成率 1825/1600 = 1.140625
    ("2-1", 1400),  # 400/600 = 0.6667 = p → A (exactly at p)
    ("3-1", 1399),  # 399/600 = 0.665 < p, ≥ 0.4 → B
    ("4-1", 1240),  # 240/600 = 0.4 = 0.6p → B (exactly at 0.6p)
    ("5-1", 1239),  # 239/600 = 0.3983 < 0.4 → C
    ("6-1", 1000),  # 0 → C (not D: not worse than the baseline)
    ("7-1", 999),  # −1/600 = −0.00167 → D
    ("8-1", 1200),  # 減少: −400/−600 = 0.6667 = p → A; 達成率 1000/1200 = 0.8333
    ("9-1", 1700),  # 減少 worse: 100/−600 = −0.1667 → D; 達成率 1000/1700 = 0.5882
    ("10-1", 1360),  # 減少: −240/−600 = 0.4 → B
    ("11-1", 100),  # 維持: 達成率 100/100 = 1.0 → S
    ("12-1", 60),  # 維持: 0.6 ≥ 0.6 × 1 → B
    ("13-1", 59.9),  # 維持: 0.599 → C
    ("14-1", 105),  # 維持: 1.05 → S
    # 15-1: no actual → −
    ("16-1", "未定"),  # non-numeric → −
    ("17-1", nan),  # NaN → − (same as missing)
    ("18-1", 0),  # 減少 10 → 5, actual 0: 進捗率 −10/−5 = 2.0 → S; 達成率 5/0 → NaN
    ("19-1", 0),  # 維持 0 → 0: 進捗率 undefined, 達成率 0/0 undefined → −
]


@pytest.fixture(scope="module")
def rows_2028():
    plan = _plan_2028()
    inputs = make_inputs(plan, actuals=[(m, 2028, a) for m, a in ACTUALS_2028])
    return by_id(evaluate(inputs, Settings(evaluation_year=2028)).measures)


def test_grades_2028(rows_2028):
    expected = {
        "1-1": "S",
        "2-1": "A",
        "3-1": "B",
        "4-1": "B",
        "5-1": "C",
        "6-1": "C",
        "7-1": "D",
        "8-1": "A",
        "9-1": "D",
        "10-1": "B",
        "11-1": "S",
        "12-1": "B",
        "13-1": "C",
        "14-1": "S",
        "15-1": "−",
        "16-1": "−",
        "17-1": "−",
        "18-1": "S",
        "19-1": "−",
    }
    assert rows_2028["grade"].to_dict() == expected


def test_rates_2028(rows_2028):
    r = rows_2028
    assert r.loc["1-1", "progress"] == pytest.approx(1.375)
    assert r.loc["1-1", "attainment"] == pytest.approx(1.140625)
    assert r.loc["7-1", "progress"] == pytest.approx(-1 / 600)
    assert r.loc["8-1", "attainment"] == pytest.approx(0.833333333)
    assert r.loc["9-1", "progress"] == pytest.approx(-0.166666667)
    assert r.loc["9-1", "attainment"] == pytest.approx(0.588235294)
    # 2028: straight line 1000 + 600 × 4/6 = 1400; 減少 1600 − 600 × 4/6 = 1200
    assert r.loc["1-1", "planned"] == pytest.approx(1400)
    assert r.loc["8-1", "planned"] == pytest.approx(1200)
    assert r.loc["1-1", "planned_progress"] == pytest.approx(0.666666667)
    assert r.loc["1-1", "grade_basis"] == "進捗率"


def test_target_equals_baseline_uses_attainment(rows_2028):
    r = rows_2028
    for mid, att in [("11-1", 1.0), ("12-1", 0.6), ("13-1", 0.599), ("14-1", 1.05)]:
        assert math.isnan(r.loc[mid, "progress"])
        assert r.loc[mid, "attainment"] == pytest.approx(att)
        assert r.loc[mid, "planned_progress"] == 1.0
        assert r.loc[mid, "grade_basis"] == "達成率"
        assert r.loc[mid, "reason"] == "目標値＝基準値のため達成率で評価"


def test_not_computable_is_dash_with_a_reason(rows_2028):
    r = rows_2028
    assert r.loc["15-1", "reason"] == "実績が未入力のため評価対象外"
    assert r.loc["16-1", "reason"] == "実績が数値ではないため評価対象外"
    assert r.loc["17-1", "reason"] == "実績が未入力のため評価対象外"
    assert r.loc["19-1", "reason"] == "目標値と基準値が同じで、達成率も計算できないため評価対象外"
    for mid in ("15-1", "16-1", "17-1", "19-1"):
        assert math.isnan(r.loc[mid, "progress"]) and math.isnan(r.loc[mid, "attainment"])
    # never 0: a missing actual has no effect either
    assert math.isnan(r.loc["15-1", "actual"])


def test_attainment_division_by_zero_in_evaluate(rows_2028):
    r = rows_2028.loc["18-1"]
    assert r["progress"] == pytest.approx(2.0)
    assert math.isnan(r["attainment"])
    assert r["reason"] == "達成率は計算できません（分母が0）"


def test_evaluation_year_2026_planned_progress():
    # 2026: p = 2/6; 0.6p = 0.2. 増加 0 → 600: actual 200 → r = 200/600 = p → A;
    # 119 → 0.198 → C; 120 → 0.2 → B
    plan = make_plan(*(item(i, measure("件数", "件", "増加", 0, 600)) for i in (1, 2, 3)))
    res = evaluate(
        make_inputs(plan, actuals=[("1-1", 2026, 200), ("2-1", 2026, 119), ("3-1", 2026, 120)]),
        Settings(evaluation_year=2026),
    )
    rows = by_id(res.measures)
    assert rows["planned_progress"].tolist() == pytest.approx([1 / 3] * 3)
    assert rows["grade"].to_dict() == {"1-1": "A", "2-1": "C", "3-1": "B"}
    assert rows.loc["1-1", "planned"] == pytest.approx(200)


# ── Custom yearly targets ──────────────────────────────────────────────────────────────────────────────
def test_custom_yearly_target_changes_planned_and_planned_progress():
    # 減少 1,000,000 → 400,000 (span −600,000); actual 2026 = 850,000 → r = −150,000/−600,000 = 0.25
    plan = make_plan(item(1, measure("経費", "円", "減少", 1_000_000, 400_000, "歳出削減")))
    actuals = [("1-1", 2026, 850_000)]
    straight = evaluate(make_inputs(plan, actuals=actuals), Settings(evaluation_year=2026))
    s = straight.measures.iloc[0]
    # straight line: planned 800,000, p = 2/6, 0.6p = 0.2 → 0.25 is B
    assert s["planned"] == pytest.approx(800_000)
    assert s["planned_progress"] == pytest.approx(1 / 3)
    assert s["grade"] == "B"
    assert not s["custom_target"]

    # the city's own target for 2026: 900,000 → planned progress (900,000 − 1,000,000)/−600,000 = 1/6 → A
    own = evaluate(
        make_inputs(plan, actuals=actuals, targets=[("1-1", 2026, 900_000)]), Settings(evaluation_year=2026)
    )
    o = own.measures.iloc[0]
    assert o["planned"] == pytest.approx(900_000)
    assert o["planned_progress"] == pytest.approx(1 / 6)
    assert o["grade"] == "A"
    assert o["custom_target"]
    my = own.measure_years.set_index("year")
    # 2027 has no own target: straight line 1,000,000 − 600,000 × 3/6 = 700,000
    assert my.loc[2027, "planned"] == pytest.approx(700_000)
    assert not my.loc[2027, "custom_target"]
    # planned effect (歳出削減) 2026 = 1,000,000 − 900,000 = 100,000 instead of 200,000
    assert own.effects.set_index("year").loc[2026, "planned"] == pytest.approx(100_000)
    assert straight.effects.set_index("year").loc[2026, "planned"] == pytest.approx(200_000)


# ── Properties ─────────────────────────────────────────────────────────────────────────────────────────
BIG = 10**12
ints = st.integers(min_value=-BIG, max_value=BIG)
cents = st.integers(min_value=-(10**8), max_value=10**8).map(lambda n: n / 100)  # values with 2 decimals
values = st.one_of(ints.map(float), cents)


@settings(max_examples=200)
@given(b=values, t=values, a=values, hit=st.booleans())
def test_progress_is_one_exactly_when_actual_is_target(b, t, a, hit):
    if t == b:
        assert math.isnan(progress(a, b, t))
        return
    if hit:
        a = t
    r = progress(a, b, t)
    assert (r == 1.0) == (a == t)


@settings(max_examples=200)
@given(b=values, t=values, a=values)
def test_mirroring_values_and_swapping_direction_keeps_progress(b, t, a):
    # 増加 (a, b, t) is the mirror image of 減少 (−a, −b, −t): same progress, same grade, same improvement
    r_up, r_down = progress(a, b, t), progress(-a, -b, -t)
    assert (math.isnan(r_up) and math.isnan(r_down)) or r_up == r_down
    s = Settings()
    assert grade([r_up], 2 / 6, s)[0] == grade([r_down], 2 / 6, s)[0]
    up = improvement(pd.Series([a]), pd.Series([b]), pd.Series(["増加"]))[0]
    down = improvement(pd.Series([-a]), pd.Series([-b]), pd.Series(["減少"]))[0]
    assert up == down


@settings(max_examples=200)
@given(a=values.filter(lambda v: v != 0), t=values.filter(lambda v: v != 0))
def test_attainment_decrease_is_reciprocal_of_increase(a, t):
    up = attainment(a, t, "増加")  # a / t
    down = attainment(a, t, "減少")  # t / a
    assert up * down == pytest.approx(1.0, rel=1e-12)
    assert attainment(a, t, "維持") == up


@settings(max_examples=200)
@given(r=st.floats(min_value=-5, max_value=5, allow_nan=False), k=st.integers(min_value=1, max_value=6))
def test_grade_order_is_monotonic(r, k):
    # raising the rate never lowers the grade
    order = {"D": 0, "C": 1, "B": 2, "A": 3, "S": 4}
    p = k / 6
    lo, hi = grade([r, r + 0.01], p, Settings())
    assert order[lo] <= order[hi]
    assert (lo == "D") == (r < 0)
    assert (lo == "S") == (r >= 1)


def test_progress_vectorised_shapes():
    out = progress(np.array([1, 2, 3]), 0, 4)
    assert out.shape == (3,)
    assert list(out) == pytest.approx([0.25, 0.5, 0.75])
