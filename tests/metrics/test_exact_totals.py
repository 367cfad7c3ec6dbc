"""Issue 20: money totals are summed exactly, so `report --json` carries no binary noise (110361735.00000016)."""

from __future__ import annotations

import math

import pandas as pd

from kaikaku_xl.metrics.effects import exact_sum, running_total, yearly_totals

# The sample master's 2026 planned effects of its counted measures: thirds of a yen on a straight line.
THIRDS = [
    10574671.333333492,
    1276409.3333333135,
    2916034.666666666,
    498953.0,
    8389000.0,
    85968333.33333337,
    738333.333333333,
]


def test_a_float_sum_of_thirds_is_noisy_and_the_exact_sum_is_not() -> None:
    assert sum(THIRDS) == 110361735.00000016  # what pandas' sum printed into report --json
    assert exact_sum(THIRDS) == 110361735
    assert exact_sum([0.1, 0.2]) == 0.3


def test_not_known_stays_not_known() -> None:
    assert math.isnan(exact_sum([]))
    assert math.isnan(exact_sum([float("nan"), None]))
    assert exact_sum([float("nan"), 5.0]) == 5
    assert list(running_total(pd.Series([float("nan"), 1 / 3, float("nan"), 2 / 3])).fillna(-1)) == [
        -1,
        0.3333,
        0.3333,
        1,
    ]


def test_yearly_totals_of_thirds_are_whole_yen() -> None:
    effects = pd.DataFrame(
        {
            "year": [2026] * len(THIRDS),
            "measure_id": [f"m{i}" for i in range(len(THIRDS))],
            "effect": THIRDS,
            "counted": True,
            "effect_kind": "歳出削減",
        }
    )
    frame = yearly_totals(effects, effects, pd.DataFrame({"year": [], "amount": []}), [2026, 2027], 2026)
    first = frame.iloc[0]
    assert first["planned"] == 110361735 and first["measures"] == 110361735
    assert first["planned_cumulative"] == 110361735 and first["attainment"] == 1
    assert first["missing"] == 0 and first["missing_cumulative"] == 0
