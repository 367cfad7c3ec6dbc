"""Grades are decided on the decimal staff typed, exactly: on a line = the higher grade, one unit below = lower."""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import pytest
from helpers import item, make_inputs, make_plan, measure

from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.metrics.grades import grade
from kaikaku_xl.plan.exact import measure_rate, typed
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "udfs"))
import kaikaku_udfs as udf  # noqa: E402

# 人件費 of the plan: 4,031,724,014 → 4,000,000,000 円 (減少). In 2028 p = 4/6, so B starts at 進捗率 0.4:
# 4,031,724,014 − 0.4 × 31,724,014 = 4,019,034,408.4 exactly. Binary floats put it at 0.39999999999999…
LINE_B_2028 = 4_019_034_408.4


def test_typed_is_the_shortest_decimal() -> None:
    assert typed(0.1) == Fraction(1, 10)
    assert typed(4_019_034_408.4) == Fraction(40_190_344_084, 10)
    assert typed(float("nan")) is None and typed(None) is None and typed("12") is None


@pytest.mark.parametrize(("actual", "expected"), [(LINE_B_2028, "B"), (4_019_034_408.5, "C")])
def test_personnel_cost_on_the_b_line_in_2028(actual: float, expected: str) -> None:
    rate, planned = measure_rate(actual, 4_031_724_014, 4_000_000_000, "減少", None, False, 2028, 2024, 2030)
    assert planned == Fraction(2, 3)
    assert GradeScale().decide(rate, planned) == expected


def test_every_line_exactly_and_one_unit_below() -> None:
    # 増加 100 → 700 (span 600), 2027: p = 1/2; S at 700, A at 400, B at 280, C from 100.
    plan = make_plan(item(1, measure("件数", "件", "増加", 100, 700)))
    cases = {700: "S", 699: "A", 400: "A", 399.9: "B", 280: "B", 279.99: "C", 100: "C", 99.999: "D"}
    for actual, expected in cases.items():
        res = evaluate(make_inputs(plan, actuals=[("1-1", 2027, actual)]), Settings(evaluation_year=2027))
        assert res.measures["grade"].iloc[0] == expected, actual


def test_flat_measure_on_its_lines() -> None:
    # 維持 100% → 100%: 達成率 against 1; B at 0.6 × 100 = 60.
    plan = make_plan(item(1, measure("受講率", "%", "維持", 100, 100)))
    for actual, expected in {100: "S", 99.9: "B", 60: "B", 59.9: "C"}.items():
        res = evaluate(make_inputs(plan, actuals=[("1-1", 2026, actual)]), Settings())
        assert res.measures["grade"].iloc[0] == expected, actual


def test_thresholds_are_read_as_typed() -> None:
    # 0.7 typed on the 設定 sheet is 7/10, so a rate of exactly 0.7 × p is B.
    assert GradeScale.of(Settings(grade_b_ratio=0.7)).threshold("B") == Fraction(7, 10)
    assert list(
        grade(
            [Fraction(7, 20), Fraction(7, 20) - Fraction(1, 10**12)],
            Fraction(1, 2),
            Settings(grade_b_ratio=0.7),
        )
    ) == ["B", "C"]


def test_the_udf_gives_the_same_grade() -> None:
    out = udf.kk_grade(
        [[LINE_B_2028], [4_019_034_408.5]],
        [[4_031_724_014.0]] * 2,
        [[4_000_000_000.0]] * 2,
        [["減少"]] * 2,
        [[2028.0]] * 2,
    )
    assert [row[0] for row in out] == ["B", "C"]
