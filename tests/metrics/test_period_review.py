"""計画期間の総括評価 in metrics/period.py (issue 22): the plan-end evaluation of an item with measures, an item ended
before the plan's end graded at its own last year, typed grades and 対象外 for items without measures, the reason of
a missing plan-end grade, and the roll-up. Plan: baseline 2024, 2026–2030 (helpers.plan_dict)."""

from __future__ import annotations

import pandas as pd
from helpers import item, make_inputs, make_plan, measure

from kaikaku_xl.metrics.period import PeriodResults, evaluate_period
from kaikaku_xl.plan.settings import Settings

PLAN = make_plan(
    item(1, measure("件数", "件", "増加", 100, 200)),
    item(2, measure("時間", "時間", "減少", 1000, 500), policy=2),
    {**item(3, measure("枚数", "枚", "減少", 50, 0)), "end_year": 2028},  # ends before the plan
    item(4),
    item(5, policy=2),
    item(6, policy=2),
    item(7, measure("率", "%", "増加", 10, 20)),  # no plan-end actual
)
TYPED = pd.DataFrame(
    [(4, "A", "研修を実施"), (5, "対象外", "廃止を決定"), (6, None, "")], columns=["item", "grade", "comment"]
)


def _review() -> PeriodResults:
    inputs = make_inputs(
        PLAN,
        actuals=[
            ("1-1", 2029, 150),  # an earlier year's value does not grade the period
            ("1-1", 2030, 190),  # (190 − 100) ÷ 100 = 90% at the end → B (≥ 60% of 100%)
            ("2-1", 2030, 400),  # (400 − 1000) ÷ (500 − 1000) = 120% → S
            # at its own end 2028 as that year is graded (the straight line runs to the plan's end, so the
            # planned progress is 4/6): (20 − 50) ÷ (0 − 50) = 60% < 66.7%, ≥ 0.6 × 66.7% = 40% → B
            ("3-1", 2028, 20),
            ("7-1", 2029, 19),
        ],
    )
    return evaluate_period(inputs, Settings(evaluation_year=2026), TYPED)


def test_the_period_grade_is_the_plan_end_evaluation_and_the_typed_grade() -> None:
    review = _review()
    rows = review.items.set_index("item")
    assert rows["grade"].to_dict() == {1: "B", 2: "S", 3: "B", 4: "A", 5: "対象外", 6: "−", 7: "−"}
    assert rows.loc[3, "graded_year"] == 2028 and rows.loc[1, "graded_year"] == 2030
    assert rows.loc[1, "grade_source"] == "主指標・2030年度の実績"
    assert rows.loc[7, "grade_source"] == "主指標・2030年度の実績（実績が未入力のため評価対象外）"
    assert rows.loc[4, "grade_source"] == "総括評価（入力）" and rows.loc[4, "comment"] == "研修を実施"
    assert rows.loc[5, "grade_source"] == "総括評価（対象外）" and rows.loc[6, "grade_label"] == "未入力"
    total = review.total.iloc[0]
    assert (total["items"], total["graded"], total["n_対象外"], total["n_−"]) == (7, 4, 1, 2)
    policies = review.policies.set_index("group")
    assert (policies.loc[1, "n_B"], policies.loc[1, "n_A"], policies.loc[2, "n_S"]) == (2, 1, 1)


def test_the_evaluation_year_does_not_change_the_period_review() -> None:
    assert _review().items.equals(
        evaluate_period(
            make_inputs(
                PLAN,
                actuals=[("1-1", 2029, 150), ("1-1", 2030, 190), ("2-1", 2030, 400), ("3-1", 2028, 20)]
                + [("7-1", 2029, 19)],
            ),
            Settings(evaluation_year=2030),
            TYPED,
        ).items
    )
