"""Item grades (主指標 / 最低評価 / entered grade) and roll-ups per 基本方針, per 主要担当課 and for the
whole plan (DOMAIN.md "Evaluation grade", "Roll-ups").
Expected numbers are worked out by hand in the comments."""

from __future__ import annotations

import math
from math import nan

import pandas as pd
import pytest
from helpers import item, make_inputs, make_plan, measure
from hypothesis import given, settings
from hypothesis import strategies as st

from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.metrics.grades import worst
from kaikaku_xl.metrics.rollups import WHOLE_PLAN, rollup
from kaikaku_xl.plan.scale import ALL_GRADES, GRADES
from kaikaku_xl.plan.settings import Settings


# ── Item grades (FY2026: p = 2/6 = 0.3333, 0.6p = 0.2) ───────────────────────────────────────────────
@pytest.fixture(scope="module")
def grade_plan():
    return make_plan(
        item(1, measure("経費", "円", "減少", 1_000_000, 400_000, "歳出削減")),
        item(
            2,
            measure("収入", "円", "増加", 100_000, 700_000, "歳入増加"),
            measure("作業時間", "時間", "減少", 1_000, 400, "参考"),
        ),
        item(3),
        item(
            4,
            measure("用紙", "枚", "増加", 10_000, 16_000, "参考"),
            measure("手当", "円", "減少", 50_000, 20_000, "歳出削減"),
        ),
        item(5, measure("件数", "件", "増加", 0, 60), measure("件数2", "件", "増加", 0, 60)),
        item(6, measure("件数", "件", "増加", 0, 60), measure("件数2", "件", "増加", 0, 60)),
        item(7),
        item(8),
    )


GRADE_ACTUALS = [
    ("1-1", 2026, 850_000),  # −150,000 / −600,000 = 0.25 → B
    ("2-1", 2026, 250_000),  # 150,000 / 600,000 = 0.25 → B (primary)
    ("2-2", 2026, 900),  # −100 / −600 = 0.1667 → C
    ("4-1", 2026, 11_000),  # 1,000 / 6,000 = 0.1667 → C (primary)
    ("4-2", 2026, 40_000),  # −10,000 / −30,000 = 0.3333 = p → A
    # item 5: no actual at all → −
    ("6-2", 2026, 20),  # item 6: primary has no actual (−); second 20/60 = p → A
]
GRADE_STATUS = [
    (3, 2026, "A"),  # item without measures: entered grade
    (3, 2025, "S"),  # another year: ignored
    (1, 2026, "S"),  # item with measures: the entry does not override the measure
    (8, 2026, "優"),  # not on the scale → −
    # item 7: nothing entered → −
]


def _item_grades(plan, rule):
    res = evaluate(
        make_inputs(plan, actuals=GRADE_ACTUALS, status=GRADE_STATUS),
        Settings(evaluation_year=2026, item_grade_rule=rule),
    )
    return res.items.set_index("item")


def test_item_grade_primary_measure(grade_plan):
    items = _item_grades(grade_plan, "主指標")
    assert items["grade"].to_dict() == {1: "B", 2: "B", 3: "A", 4: "C", 5: "−", 6: "−", 7: "−", 8: "−"}
    assert items.loc[2, "grade_source"] == "主指標"
    assert items.loc[3, "grade_source"] == "担当課評価"


def test_item_grade_worst_measure(grade_plan):
    items = _item_grades(grade_plan, "最低評価")
    # item 2: B and C → C; item 4: C and A → C; item 6: − and A → A (lowest of the computable ones)
    assert items["grade"].to_dict() == {1: "B", 2: "C", 3: "A", 4: "C", 5: "−", 6: "A", 7: "−", 8: "−"}
    assert items.loc[2, "grade_source"] == "指標（最低評価）"


def test_worst():
    assert worst(["S", "B", "A"]) == "B"
    assert worst(["A", "−", "D", "C"]) == "D"
    assert worst(["−", "−"]) == "−"
    assert worst([]) == "−"


# ── Roll-ups on the bundled plan, FY2026 ──────────────────────────────────────────────────────────────
BUNDLED_ACTUALS = [
    ("2-1", 2026, 4_000_000_000),  # = target → 進捗率 1 → S; effect 31,724,014
    ("3-1", 2026, 391_000_000),  # 170,772 / −3,829,228 = −0.0446 → D; effect −170,772
    ("5-1", 2026, 37_000),  # −2,757 / −7,757 = 0.3554 ≥ 0.3333 → A (primary of item 5)
    ("5-2", 2026, 90_000_000),  # −4,603,965 / −18,443,965 = 0.2496; effect 4,603,965 not counted
    ("6-1", 2026, 3_500),  # 284 / 3,284 = 0.0865 → C
    ("8-1", 2026, 700),  # 151 / 451 = 0.3348 → A
    ("16-1", 2026, 8_000_000),  # 1,248,104 / 8,748,104 = 0.1427 → C; effect 1,248,104
    ("21-1", 2026, 800_000_000),  # 57,905,000 / 257,905,000 = 0.2245 → B; effect 57,905,000
    ("26-1", 2026, 100),  # 維持 100% → S
]
BUNDLED_STATUS = [
    (1, 2026, "A"),
    (4, 2026, "B"),
    (14, 2026, "S"),
    (27, 2026, "X"),
    (7, 2025, "S"),
    (2, 2026, "C"),
]
BUNDLED_LEDGER = [(20, 2026, "使用料改定", 1_000_000), (15, 2027, "PFI", 5_000_000)]


@pytest.fixture(scope="module")
def bundled_result(bundled_plan):
    inputs = make_inputs(bundled_plan, actuals=BUNDLED_ACTUALS, status=BUNDLED_STATUS, ledger=BUNDLED_LEDGER)
    return evaluate(inputs, Settings(evaluation_year=2026))


def _counts(row):
    return {g: int(row[f"n_{g}"]) for g in ALL_GRADES}


def test_policy_rollup_counts_and_shares(bundled_result):
    p = bundled_result.policies.set_index("group")
    assert list(p.index) == [1, 2, 3]
    # 方針1 items 1-5: 1 A (entered), 2 S, 3 D, 4 B (entered), 5 A (5-1) → 5 graded
    assert _counts(p.loc[1]) == {"S": 1, "A": 2, "B": 1, "C": 0, "D": 1, "−": 0, "対象外": 0}
    assert (p.loc[1, "items"], p.loc[1, "graded"]) == (5, 5)
    assert [p.loc[1, f"share_{g}"] for g in GRADES] == pytest.approx([0.2, 0.4, 0.2, 0.0, 0.2])
    # 方針2 items 6-13: 6 C, 8 A, the other six − (7's entry is for 2025) → shares of the 2 graded
    assert _counts(p.loc[2]) == {"S": 0, "A": 1, "B": 0, "C": 1, "D": 0, "−": 6, "対象外": 0}
    assert (p.loc[2, "items"], p.loc[2, "graded"]) == (8, 2)
    assert [p.loc[2, f"share_{g}"] for g in GRADES] == pytest.approx([0, 0.5, 0, 0.5, 0])
    # 方針3 items 14-27: 14 S (entered), 16 C, 21 B, 26 S; 27 "X" → −; ten −
    assert _counts(p.loc[3]) == {"S": 2, "A": 0, "B": 1, "C": 1, "D": 0, "−": 10, "対象外": 0}
    assert [p.loc[3, f"share_{g}"] for g in GRADES] == pytest.approx([0.5, 0, 0.25, 0.25, 0])


def test_policy_rollup_effects_and_mean_progress(bundled_result):
    p = bundled_result.policies.set_index("group")
    # 方針1: 31,724,014 − 170,772 = 31,553,242 (5-2 shown but not counted)
    # 方針3: 1,248,104 + 57,905,000 + ledger (item 20) 1,000,000 = 60,153,104; item 15's 2027 entry not yet
    assert p["effect_year"].to_dict() == pytest.approx(
        {1: 31_553_242, 2: nan, 3: 60_153_104}, nan_ok=True
    )  # 2: none known
    assert p["effect_cumulative"].to_dict() == pytest.approx(
        {1: 31_553_242, 2: nan, 3: 60_153_104}, nan_ok=True
    )
    assert p["counted_measures"].to_dict() == {1: "2-1, 3-1", 2: "", 3: "16-1, 18-1, 19-1, 21-1, 22-1"}
    # mean 進捗率, measures with one: 方針1 (1 − 0.0445970 + 0.3554209 + 0.2496190) / 4 = 0.3901107
    # 方針2 (0.0864799 + 0.3348115) / 2 = 0.2106457;
    # 方針3 (0.1426714 + 0.2245206) / 2 = 0.1835960 (26-1 has none)
    assert p["mean_progress"].to_dict() == pytest.approx({1: 0.3901107, 2: 0.2106457, 3: 0.1835960}, rel=1e-6)
    assert p["measures_with_progress"].to_dict() == {1: 4, 2: 2, 3: 2}


def test_whole_plan_rollup(bundled_result):
    t = bundled_result.total.iloc[0]
    assert t["group"] == WHOLE_PLAN
    # S: 2, 14, 26; A: 1, 5, 8; B: 4, 21; C: 6, 16; D: 3 → 11 graded of 27
    assert _counts(t) == {"S": 3, "A": 3, "B": 2, "C": 2, "D": 1, "−": 16, "対象外": 0}
    assert (t["items"], t["graded"]) == (27, 11)
    assert [t[f"share_{g}"] for g in GRADES] == pytest.approx([3 / 11, 3 / 11, 2 / 11, 2 / 11, 1 / 11])
    # 31,553,242 + 60,153,104 = 91,706,346
    assert t["effect_year"] == pytest.approx(91_706_346)
    assert t["effect_cumulative"] == pytest.approx(91_706_346)
    assert t["counted_measures"] == "2-1, 3-1, 16-1, 18-1, 19-1, 21-1, 22-1"
    # the yearly total agrees: measures 91,706,346 − 1,000,000 ledger
    e = bundled_result.effects.set_index("year")
    assert e.loc[2026, "measures"] == pytest.approx(90_706_346)
    assert e.loc[2026, "single_year"] == pytest.approx(91_706_346)


def test_lead_rollup(bundled_result):
    lead = bundled_result.leads.set_index("group")
    assert lead["items"].to_dict() == {
        "人事課": 5,
        "行革デジタル推進課": 15,
        "管財課": 2,
        "政策企画課": 3,
        "会計課": 1,
        "市民課": 1,
    }
    assert lead["items"].sum() == 27
    # 行革デジタル推進課: 6 C, 8 A, 26 S graded; 19 (no actual), ledger of item 20: 1,000,000
    assert _counts(lead.loc["行革デジタル推進課"]) == {
        "S": 1,
        "A": 1,
        "B": 0,
        "C": 1,
        "D": 0,
        "−": 12,
        "対象外": 0,
    }
    assert lead.loc["行革デジタル推進課", "effect_year"] == pytest.approx(1_000_000)
    # 政策企画課: 14 S (entered), 21 B, 22 −; effect 57,905,000
    assert _counts(lead.loc["政策企画課"]) == {"S": 1, "A": 0, "B": 1, "C": 0, "D": 0, "−": 1, "対象外": 0}
    assert lead.loc["政策企画課", "effect_year"] == pytest.approx(57_905_000)
    assert lead.loc["管財課", "effect_year"] == pytest.approx(1_248_104)
    # 会計課 has nothing graded: shares are not computable (never 0)
    assert lead.loc["会計課", "graded"] == 0
    assert all(math.isnan(lead.loc["会計課", f"share_{g}"]) for g in GRADES)


# ── Roll-up properties ─────────────────────────────────────────────────────────────────────────────────
@st.composite
def graded_items(draw):
    n = draw(st.integers(min_value=1, max_value=30))
    grades = draw(st.lists(st.sampled_from(ALL_GRADES), min_size=n, max_size=n))
    policies = draw(st.lists(st.integers(min_value=1, max_value=3), min_size=n, max_size=n))
    leads = draw(st.lists(st.sampled_from(["人事課", "管財課", "会計課"]), min_size=n, max_size=n))
    items = pd.DataFrame({"item": range(1, n + 1), "policy": policies, "lead": leads, "grade": grades})
    return items


@settings(max_examples=200)
@given(items=graded_items())
def test_rollup_counts_add_up_and_shares_sum_to_one(items):
    measures = pd.DataFrame(
        {
            "item": pd.Series(dtype=int),
            "measure_id": pd.Series(dtype=object),
            "progress": pd.Series(dtype=float),
            "counted": pd.Series(dtype=bool),
        }
    )
    effects = pd.DataFrame({"item": items["item"], "single_year": 0.0, "cumulative": 0.0})
    n = len(items)
    for by in ("policy", "lead", None):
        table = rollup(items, measures, effects, by)
        assert table["items"].sum() == n
        for _, row in table.iterrows():
            assert sum(row[f"n_{g}"] for g in ALL_GRADES) == row["items"]
            assert row["graded"] == sum(row[f"n_{g}"] for g in GRADES)
            if row["graded"]:
                assert sum(row[f"share_{g}"] for g in GRADES) == pytest.approx(1.0, abs=1e-9)
            else:
                assert all(math.isnan(row[f"share_{g}"]) for g in GRADES)
        for g in ALL_GRADES:
            assert table[f"n_{g}"].sum() == (items["grade"] == g).sum()
