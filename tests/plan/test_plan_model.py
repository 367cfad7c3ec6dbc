"""The plan model refuses a plan that does not fit, with a PlanError naming the item at fault (the plan package)."""

from __future__ import annotations

import copy

import pytest
from helpers import item, measure, plan_dict

from kaikaku_xl.errors import PlanError
from kaikaku_xl.plan import load_plan, plan_from_dict


def _good() -> dict:
    return plan_dict(
        [
            item(1, measure("経費", "円", "減少", 1_000, 400, "歳出削減")),
            item(3, measure("件数", "件", "増加", 10, 20), measure("率", "%", "維持", 100, 100), policy=2),
        ]
    )


def _refused(raw: dict) -> str:
    with pytest.raises(PlanError) as err:
        plan_from_dict(raw)
    return str(err.value)


def _item3_measure(**changes) -> dict:
    raw = _good()
    m = raw["items"][1]["measures"][0]
    for key, value in changes.items():
        if value is _DROP:
            del m[key]
        else:
            m[key] = value
    return raw


_DROP = object()


def test_good_plan_builds():
    plan = plan_from_dict(_good())
    assert [it.no for it in plan.items] == [1, 3]
    assert [m.measure_id for m in plan.measures] == ["1-1", "3-1", "3-2"]
    assert plan.item(3).lead == "総務課"  # the only department is the lead
    assert plan.item(1).measures[0].include_in_effect is True  # money kind: counted by default
    assert plan.item(3).measures[0].include_in_effect is False
    assert plan.years == [2026, 2027, 2028, 2029, 2030]


def test_duplicate_item_number():
    raw = _good()
    raw["items"].append(copy.deepcopy(raw["items"][1]))
    msg = _refused(raw)
    assert "No.3" in msg and "重複" in msg


def test_measure_without_unit():
    msg = _refused(_item3_measure(unit=_DROP))
    assert "No.3" in msg and "unit" in msg
    assert "No.3" in _refused(_item3_measure(unit=""))


def test_unknown_direction():
    msg = _refused(_item3_measure(direction="上昇"))
    assert "No.3" in msg and "上昇" in msg


@pytest.mark.parametrize("baseline", ["約100", "100", None, True, float("nan"), float("inf"), [1]])
def test_non_numeric_baseline(baseline):
    msg = _refused(_item3_measure(baseline=baseline))
    assert "No.3" in msg
    if baseline is not None:
        assert "baseline" in msg


def test_non_numeric_target():
    msg = _refused(_item3_measure(target="未定"))
    assert "No.3" in msg and "target" in msg


def test_keep_direction_needs_equal_baseline_and_target():
    assert "No.3" in _refused(_item3_measure(direction="維持"))  # 10 → 20 cannot be 維持


def test_unknown_effect_kind():
    msg = _refused(_item3_measure(effect_kind="節減"))
    assert "No.3" in msg and "節減" in msg


def test_missing_lead_with_several_departments():
    raw = _good()
    raw["items"][1]["departments"] = ["総務課", "財政課"]
    assert "No.3" in _refused(raw)
    raw["items"][1]["lead"] = "財政課"
    assert plan_from_dict(raw).item(3).lead == "財政課"


def test_unknown_policy_and_bad_item_number():
    raw = _good()
    raw["items"][1]["policy"] = 9
    assert "No.3" in _refused(raw)
    raw = _good()
    raw["items"][1]["no"] = 3.5  # text such as "R1-3" is a number now (issue 9); a fraction is not
    assert "番号" in _refused(raw)


def test_plan_head_checked():
    raw = _good()
    raw["plan"]["start_year"] = 2024  # not after the baseline year
    assert "[plan]" in _refused(raw)
    assert "[plan]" in _refused({"policies": []})


def test_load_plan_errors(tmp_path):
    with pytest.raises(PlanError):
        load_plan(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[plan\nname = 1", encoding="utf-8")
    with pytest.raises(PlanError):
        load_plan(bad)


def test_bundled_plan_shape(bundled_plan):
    assert len(bundled_plan.items) == 27
    assert len(bundled_plan.measures) == 18
    assert sum(1 for it in bundled_plan.items if not it.measures) == 10
    five = {m.measure_id: m for m in bundled_plan.item(5).measures}
    assert five["5-2"].effect_kind == "歳出削減" and five["5-2"].include_in_effect is False
    assert bundled_plan.item(17).measures[0].baseline == 165_000
