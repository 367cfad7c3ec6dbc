"""財政効果額 (DOMAIN.md "財政効果額"): per measure, ledger, 単年度, 計画期間累計 in both modes, 計画効果額,
効果額達成率, 参考換算 and the overlap flag. Every expected number is worked out by hand in the comments.

The small plan (baseline FY2024, plan FY2026-2030; p = (y − 2024)/6):
  item 1 (方針1) 1-1 経費   円   減少 1,000,000 → 400,000  歳出削減            span −600,000
  item 2 (方針1) 2-1 収入   円   増加   100,000 → 700,000  歳入増加            span +600,000
                 2-2 作業時間 時間 減少     1,000 → 400      参考 (included)     span −600 h
  item 3 (方針2) no measure (ledger only)
  item 4 (方針2) 4-1 用紙   枚   増加    10,000 → 16,000   参考 (included)     span +6,000 sheets
                 4-2 手当   円   減少    50,000 → 20,000   歳出削減, NOT included (overlap)
Planned (straight line), year:        2025     2026     2027     2028     2029     2030
  1-1 level 1,000,000 − 100,000·k:  900,000  800,000  700,000  600,000  500,000  400,000
      effect (baseline − planned):  100,000  200,000  300,000  400,000  500,000  600,000
  2-1 level 100,000 + 100,000·k:    200,000  300,000  400,000  500,000  600,000  700,000
      effect (planned − baseline):  100,000  200,000  300,000  400,000  500,000  600,000
Actuals:
  1-1: 2025 950,000 (pre-plan), 2026 850,000, 2027 640,000, 2028 580,000
       継続 effect = 1,000,000 − actual: 2026 150,000; 2027 360,000; 2028 420,000
  2-1: 2026 250,000, 2027 450,000, 2028 380,000
       継続 effect = actual − 100,000:   2026 150,000; 2027 350,000; 2028 280,000
  2-2: 2026 900 h, 2027 800 h, 2028 700 h → improvement 100, 200, 300 h × 2,380 = 238,000; 476,000; 714,000
  4-1: 2026 11,000, 2027 12,500, 2028 none → improvement 1,000, 2,500 sheets × 2 = 2,000; 5,000
  4-2: 2026 40,000 → 50,000 − 40,000 = 10,000 (shown, never counted)
Ledger: item 3, 2027, 50,000 (使用料改定); item 3, 2029, 70,000 (future at FY2028: not in the result yet).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from helpers import item, make_inputs, make_plan, measure

from kaikaku_xl.metrics.effects import first_year_only, measure_effects
from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.plan.settings import Settings

nan = float("nan")


@pytest.fixture(scope="module")
def small_plan():
    return make_plan(
        item(1, measure("経費", "円", "減少", 1_000_000, 400_000, "歳出削減")),
        item(
            2,
            measure("収入", "円", "増加", 100_000, 700_000, "歳入増加"),
            measure("作業時間", "時間", "減少", 1_000, 400, "参考", include_in_effect=True),
            lead="財政課",
        ),
        item(3, policy=2),
        item(
            4,
            measure("用紙", "枚", "増加", 10_000, 16_000, "参考", include_in_effect=True),
            measure("手当", "円", "減少", 50_000, 20_000, "歳出削減", include_in_effect=False),
            policy=2,
            lead="財政課",
        ),
    )


ACTUALS = [
    ("1-1", 2025, 950_000),
    ("1-1", 2026, 850_000),
    ("1-1", 2027, 640_000),
    ("1-1", 2028, 580_000),
    ("2-1", 2026, 250_000),
    ("2-1", 2027, 450_000),
    ("2-1", 2028, 380_000),
    ("2-2", 2026, 900),
    ("2-2", 2027, 800),
    ("2-2", 2028, 700),
    ("4-1", 2026, 11_000),
    ("4-1", 2027, 12_500),
    ("4-2", 2026, 40_000),
]
LEDGER = [(3, 2027, "使用料改定", 50_000), (3, 2029, "PFI", 70_000)]


def run(plan, year=2028, **settings):
    inputs = make_inputs(plan, actuals=ACTUALS, ledger=LEDGER)
    return evaluate(inputs, Settings(evaluation_year=year, **settings))


def col(res, column):
    """A column of the yearly totals as {year: value}."""
    return res.effects.set_index("year")[column].to_dict()


def assert_years(actual: dict, expected: dict):
    for year, value in expected.items():
        if value is None:
            assert math.isnan(actual[year]), (year, actual[year])
        else:
            assert actual[year] == pytest.approx(value), (year, actual[year], value)


# ── Per measure ────────────────────────────────────────────────────────────────────────────────────────
def test_effect_per_measure_and_direction_of_sign(small_plan):
    my = run(small_plan).measure_years.set_index(["measure_id", "year"])
    # 歳出削減 = baseline − actual: 1,000,000 − 850,000 = 150,000
    assert my.loc[("1-1", 2026), "effect"] == pytest.approx(150_000)
    # 歳入増加 = actual − baseline: 450,000 − 100,000 = 350,000
    assert my.loc[("2-1", 2027), "effect"] == pytest.approx(350_000)
    # 参考 時間 (減少): (1,000 − 900) h × 2,380 = 238,000; 参考 枚 (増加): (11,000 − 10,000) × 2 = 2,000
    assert my.loc[("2-2", 2026), "effect"] == pytest.approx(238_000)
    assert my.loc[("4-1", 2026), "effect"] == pytest.approx(2_000)
    # overlap measure: shown (50,000 − 40,000 = 10,000) but not counted
    assert my.loc[("4-2", 2026), "effect"] == pytest.approx(10_000)
    assert not my.loc[("4-2", 2026), "counted"]
    # no actual → no effect (NaN, never 0)
    assert math.isnan(my.loc[("4-1", 2028), "effect"])
    # planned effects: 2028 1-1 1,000,000 − 600,000 = 400,000; 2-1 500,000 − 100,000 = 400,000
    assert my.loc[("1-1", 2028), "planned_effect"] == pytest.approx(400_000)
    assert my.loc[("2-1", 2028), "planned_effect"] == pytest.approx(400_000)


def test_negative_effects_are_kept():
    # spending rose: 歳出削減 = 1,000 − 1,200 = −200; revenue fell: 歳入増加 = 800 − 1,000 = −200
    long = pd.DataFrame(
        {
            "measure_id": ["a", "b"],
            "year": [2026, 2026],
            "baseline": [1000.0, 1000.0],
            "actual": [1200.0, 800.0],
            "effect_kind": ["歳出削減", "歳入増加"],
            "unit": ["円", "円"],
            "direction": ["減少", "増加"],
            "include_in_effect": [True, True],
        }
    )
    out = measure_effects(long, Settings(), "actual")
    assert out["effect"].tolist() == [-200.0, -200.0]
    assert out["counted"].tolist() == [True, True]


# ── 継続 (default) ────────────────────────────────────────────────────────────────────────────────────
def test_continuing_mode_totals(small_plan):
    res = run(small_plan)
    # counted: 1-1 and 2-1 only (参考 not included by default, 4-2 flagged off)
    # measures: 2026 150,000 + 150,000 = 300,000; 2027 360,000 + 350,000 = 710,000;
    #           2028 420,000 + 280,000 = 700,000
    assert_years(col(res, "measures"), {2026: 300_000, 2027: 710_000, 2028: 700_000, 2029: None, 2030: None})
    # ledger 2027 50,000; the 2029 entry is after the evaluation year
    assert_years(
        col(res, "ledger"), {2026: None, 2027: 50_000, 2028: None, 2029: None}
    )  # no entry: not known, never 0 (issue 8)
    # 単年度 = measures + ledger: 300,000; 760,000; 700,000
    assert_years(
        col(res, "single_year"), {2026: 300_000, 2027: 760_000, 2028: 700_000, 2029: None, 2030: None}
    )
    # 累計 = sum of single years from 2026: 300,000; 1,060,000; 1,760,000
    assert_years(col(res, "cumulative"), {2026: 300_000, 2027: 1_060_000, 2028: 1_760_000, 2029: None})
    # planned: 200,000 + 200,000 = 400,000; 600,000; 800,000; 1,000,000; 1,200,000
    assert_years(
        col(res, "planned"), {2026: 400_000, 2027: 600_000, 2028: 800_000, 2029: 1_000_000, 2030: 1_200_000}
    )
    assert_years(
        col(res, "planned_cumulative"),
        {2026: 400_000, 2027: 1_000_000, 2028: 1_800_000, 2029: 2_800_000, 2030: 4_000_000},
    )
    # 効果額達成率 = actual / planned: 300/400 = 0.75; 710/600 = 1.1833; 700/800 = 0.875
    assert_years(col(res, "attainment"), {2026: 0.75, 2027: 1.183333333, 2028: 0.875, 2029: None})
    # cumulative (measures only): (300,000 + 710,000 + 700,000) / 1,800,000 = 1,710,000 / 1,800,000 = 0.95
    assert_years(col(res, "measures_cumulative"), {2028: 1_710_000})
    assert_years(col(res, "attainment_cumulative"), {2026: 0.75, 2028: 0.95})
    # 参考換算 shown apart: 2026 238,000 + 2,000 = 240,000; 2027 476,000 + 5,000 = 481,000; 2028 714,000
    assert_years(col(res, "reference"), {2026: 240_000, 2027: 481_000, 2028: 714_000, 2029: None})


def test_continuing_mode_item_effects(small_plan):
    ie = run(small_plan).item_effects.set_index("item")
    # item 1: single 420,000; cumulative 150,000 + 360,000 + 420,000 = 930,000
    # item 2: single 280,000; cumulative 150,000 + 350,000 + 280,000 = 780,000 (2-2 not counted)
    # item 3: ledger only: single (2028) 0; cumulative 50,000 (2029 entry not yet)
    # item 4: nothing counted
    assert ie["single_year"].to_dict() == pytest.approx(
        {1: 420_000, 2: 280_000, 3: nan, 4: nan}, nan_ok=True
    )  # no entry: not known, never 0 (issue 8)
    assert ie["cumulative"].to_dict() == pytest.approx(
        {1: 930_000, 2: 780_000, 3: 50_000, 4: nan}, nan_ok=True
    )  # item 4: nothing counted


def test_evaluation_year_result_columns(small_plan):
    # at FY2026 the later years are plan only
    res = run(small_plan, year=2026)
    assert_years(col(res, "cumulative"), {2026: 300_000, 2027: None, 2028: None})
    assert_years(col(res, "planned"), {2027: 600_000})
    ie = res.item_effects.set_index("item")
    assert ie["cumulative"].to_dict() == pytest.approx(
        {1: 150_000, 2: 150_000, 3: nan, 4: nan}, nan_ok=True
    )  # no entry: not known, never 0 (issue 8)


# ── 初年度のみ ───────────────────────────────────────────────────────────────────────────────────────
def test_first_year_only_mode_totals(small_plan):
    res = run(small_plan, effect_mode="初年度のみ")
    # 1-1 levels 150,000 / 360,000 / 420,000 → counted once: 150,000 (from the baseline, NOT from the
    #     2025 level 50,000); 210,000; 60,000. Sum 420,000 = latest level.
    # 2-1 levels 150,000 / 350,000 / 280,000 → 150,000; 200,000; −70,000. Sum 280,000 = latest level.
    # measures: 300,000; 410,000; −10,000
    assert_years(col(res, "measures"), {2026: 300_000, 2027: 410_000, 2028: -10_000})
    # single: + ledger 50,000 in 2027 → 300,000; 460,000; −10,000
    assert_years(col(res, "single_year"), {2026: 300_000, 2027: 460_000, 2028: -10_000})
    # cumulative: 300,000; 760,000; 750,000 (= latest level 700,000 + ledger 50,000)
    assert_years(col(res, "cumulative"), {2026: 300_000, 2027: 760_000, 2028: 750_000, 2029: None})
    # planned: levels 200k,300k,400k,500k,600k per measure → 200k,100k,100k,100k,100k each → ×2
    assert_years(
        col(res, "planned"), {2026: 400_000, 2027: 200_000, 2028: 200_000, 2029: 200_000, 2030: 200_000}
    )
    # planned cumulative at 2030 = the target level effect 600,000 + 600,000 = 1,200,000
    assert_years(col(res, "planned_cumulative"), {2026: 400_000, 2028: 800_000, 2030: 1_200_000})
    # 効果額達成率 2028 = −10,000 / 200,000 = −0.05; cumulative (300k + 410k − 10k) / 800k = 0.875
    assert_years(col(res, "attainment"), {2026: 0.75, 2027: 2.05, 2028: -0.05})
    assert_years(col(res, "attainment_cumulative"), {2028: 0.875})


def test_first_year_only_mode_item_effects(small_plan):
    ie = run(small_plan, effect_mode="初年度のみ").item_effects.set_index("item")
    # item 1: single 60,000; cumulative 420,000. item 2: single −70,000; cumulative 280,000.
    assert ie["single_year"].to_dict() == pytest.approx(
        {1: 60_000, 2: -70_000, 3: nan, 4: nan}, nan_ok=True
    )  # no entry: not known, never 0 (issue 8)
    assert ie["cumulative"].to_dict() == pytest.approx(
        {1: 420_000, 2: 280_000, 3: 50_000, 4: nan}, nan_ok=True
    )  # item 4: nothing counted


def test_first_year_only_with_a_gap_and_a_pre_plan_year():
    # levels: 2025 80 (before the plan), 2026 100, 2027 missing, 2028 250
    # → 2026: 100 − 0 = 100 (from the baseline); 2027: NaN; 2028: 250 − 100 = 150; total 250 = latest
    long = pd.DataFrame(
        {"measure_id": ["m"] * 4, "year": [2025, 2026, 2027, 2028], "effect": [80.0, 100.0, nan, 250.0]}
    )
    out = first_year_only(long, "effect", 2026)
    assert out[1] == 100 and math.isnan(out[2]) and out[3] == 150


# ── 参考換算 ──────────────────────────────────────────────────────────────────────────────────────────
def test_reference_counted_only_with_the_setting(small_plan):
    res = run(small_plan, include_reference=True)
    # 2026: 300,000 + 238,000 (2-2) + 2,000 (4-1) = 540,000
    # 2027: 710,000 + 476,000 + 5,000 = 1,191,000; single + 50,000 = 1,241,000
    # 2028: 700,000 + 714,000 = 1,414,000 (4-1 missing)
    assert_years(col(res, "measures"), {2026: 540_000, 2027: 1_191_000, 2028: 1_414_000})
    # cumulative 540,000 + 1,241,000 + 1,414,000 = 3,195,000
    assert_years(col(res, "cumulative"), {2028: 3_195_000})
    # planned 2026: 400,000 + (1,000 − 800) h × 2,380 = 476,000 + (12,000 − 10,000) × 2 = 4,000 → 880,000
    assert_years(col(res, "planned"), {2026: 880_000})
    assert res.total.loc[0, "counted_measures"] == "1-1, 2-1, 2-2, 4-1"
    # the flag-off measure stays out even then
    assert "4-2" not in res.total.loc[0, "counted_measures"]


def test_reference_prices_are_settings(small_plan):
    # hourly 3,000, paper 5: 100 h × 3,000 + 1,000 × 5 = 305,000
    res = run(small_plan, year=2026, hourly_cost=3000.0, paper_cost=5.0)
    assert_years(col(res, "reference"), {2026: 305_000})
    assert_years(col(res, "measures"), {2026: 300_000})  # still not counted


def test_reference_not_counted_by_default(small_plan):
    res = run(small_plan)
    assert res.total.loc[0, "counted_measures"] == "1-1, 2-1"
    my = res.measure_years.set_index(["measure_id", "year"])
    assert not my.loc[("2-2", 2026), "counted"]
    assert my.loc[("1-1", 2026), "counted"]


# ── The bundled plan: item 5's 手当 overlaps item 2 ─────────────────────────────────────────────────────
def test_bundled_plan_counted_measures_and_item5_overlap(bundled_plan):
    actuals = [
        ("2-1", 2026, 4_020_000_000),  # 4,031,724,014 − 4,020,000,000 = 11,724,014
        ("5-1", 2026, 38_757),  # (39,757 − 38,757) h = 1,000 h × 2,380 = 2,380,000 (参考, never counted)
        ("5-2", 2026, 90_000_000),  # 94,603,965 − 90,000,000 = 4,603,965: shown, not counted
    ]
    res = evaluate(make_inputs(bundled_plan, actuals=actuals), Settings(evaluation_year=2026))
    assert res.total.loc[0, "counted_measures"] == "2-1, 3-1, 16-1, 18-1, 19-1, 21-1, 22-1"
    rows = res.measures.set_index("measure_id")
    assert rows.loc["5-2", "effect"] == pytest.approx(4_603_965)
    assert not rows.loc["5-2", "counted"]
    assert_years(col(res, "measures"), {2026: 11_724_014})
    assert_years(col(res, "reference"), {2026: 2_380_000})
    assert math.isnan(res.item_effects.set_index("item").loc[5, "single_year"])  # nothing counted: −, not 0

    with_ref = evaluate(
        make_inputs(bundled_plan, actuals=actuals), Settings(evaluation_year=2026, include_reference=True)
    )
    # 6-1 and 24-1 are 参考 with the include flag; 5-1 is not
    assert with_ref.total.loc[0, "counted_measures"] == "2-1, 3-1, 6-1, 16-1, 18-1, 19-1, 21-1, 22-1, 24-1"
    assert_years(col(with_ref, "measures"), {2026: 11_724_014})


def test_bundled_plan_planned_effect_at_target(bundled_plan):
    # planned effect at the target level, counted measures (b − t or t − b):
    # 2-1 31,724,014 + 3-1 3,829,228 + 16-1 8,748,104 + 18-1 1,496,859 + 19-1 25,167,000
    # + 21-1 257,905,000 + 22-1 2,215,000 = 331,085,205; FY2026 = 2/6 of it = 110,361,735
    cont = evaluate(make_inputs(bundled_plan), Settings(evaluation_year=2030))
    assert col(cont, "planned")[2030] == pytest.approx(331_085_205)
    assert col(cont, "planned")[2026] == pytest.approx(110_361_735)
    first = evaluate(make_inputs(bundled_plan), Settings(evaluation_year=2030, effect_mode="初年度のみ"))
    # 初年度のみ: FY2026 is measured from the baseline (2/6), not from the FY2025 planned level (1/6),
    # so the planned cumulative at FY2030 is the full target-level effect
    assert col(first, "planned")[2026] == pytest.approx(110_361_735)
    assert col(first, "planned_cumulative")[2030] == pytest.approx(331_085_205)
