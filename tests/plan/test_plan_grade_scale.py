"""The plan's own grade scale (issue 9): computed scales with the plan's rules, the mistakes of a 評価区分 sheet
reported all at once with their cells, the master's copy of the scale, KK_GRADE/KK_ROLLUP on it, and the default
S–D left exactly as it was."""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from pathlib import Path

from helpers.plan_workbook import fill_plan, run, write_scale
from openpyxl import load_workbook

from kaikaku_xl.errors import PlanError
from kaikaku_xl.master import contract as c
from kaikaku_xl.plan import load_plan, plan_from_dict, plan_to_dict
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.scale_rows import own_scale, scale_from_rows
from kaikaku_xl.plan_io.contract import PLAN_GRADES

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "udfs"))
import kaikaku_udfs as udf  # noqa: E402

HEAD = {
    "name": "架空島改革計画",
    "city": "架空島",
    "baseline_year": 2025,
    "start_year": 2026,
    "end_year": 2029,
}
# Three computed grades (invented): 良 at 進捗率 ≥ 計画進捗, 可 at ≥ 0.5 × 計画進捗, 不可 below (要説明).
THREE = [
    ["良", "計画どおり", "2E75B6", "計画比", 1, "いいえ"],
    ["可", None, "FFD966", "計画比", "50%", "いいえ"],
    ["不可", "遅れ", "C00000", "それ以外", None, "はい"],
]


def _plan(tmp_path: Path, scale: list[list[object]]) -> Path:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    fill_plan(
        plan,
        HEAD,
        {
            "PlanPolicies": [{"no": 1, "name": "行政運営"}],
            "PlanItems": [
                {"no": 1, "policy": 1, "title": "電子申請", "lead": "DX課"},
                {"no": 2, "policy": 1, "title": "窓口", "lead": "市民課"},
            ],
            "PlanMeasures": [
                {
                    "item": 1,
                    "name": "電子申請件数",
                    "unit": "件",
                    "direction": "増加",
                    "baseline": 0,
                    "target": 400,
                },
                {
                    "item": 2,
                    "name": "待ち時間",
                    "unit": "時間",
                    "direction": "減少",
                    "baseline": 100,
                    "target": 20,
                },
            ],
        },
    )
    write_scale(plan, scale)
    return plan


def test_every_mistake_of_the_scale_sheet_is_named_by_cell(tmp_path: Path) -> None:
    plan = _plan(
        tmp_path,
        [
            ["良", None, "2E75B6", "計画比", 0.5, None],  # row 4: threshold below the next one → out of order
            ["良", None, "red", "計画比", 0.8, None],  # row 5: duplicate label, bad colour
            ["可", None, None, None, None, None],  # row 6: no rule
            [
                "不可",
                None,
                None,
                "計画比",
                None,
                "たぶん",
            ],  # row 7: no threshold, 要説明 neither はい nor いいえ
        ],
    )
    result = run("plan", "--plan", str(plan), "--json")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    sheet = PLAN_GRADES.sheet
    for cell in ("A5", "C5", "D6", "E7", "F7", "E5", "D7"):
        assert f"{sheet}!{cell}" in result.stderr, (cell, result.stderr)
    assert "重複" in result.stderr and "RRGGBB" in result.stderr and "上の評価ほど大きく" in result.stderr


def test_a_computed_scale_grades_with_the_plans_rules(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    assert run("init", str(master), "--plan", str(_plan(tmp_path, THREE))).returncode == 0
    wb = load_workbook(master)
    ws = wb["実績"]
    for row in ws.iter_rows(min_row=4):
        if row[0].value == 1:
            row[
                3
            ].value = 50  # 2026: 進捗率 0.125 of 計画進捗 0.25 → exactly 0.5 × → 可 (on the line: the higher)
        if row[0].value == 2:
            row[3].value = 99  # 進捗率 0.0125 < 0.125 → 不可
    wb.save(master)
    assert run("refresh", str(master)).returncode in (0, 1)
    report = json.loads(run("report", "--json", str(master)).stdout)
    assert {m["id"]: m["grade"] for m in report["measures"]} == {"1-1": "可", "2-1": "不可"}
    assert report["total"]["counts"] == {"良": 0, "可": 1, "不可": 1, "−": 0, "対象外": 0}
    assert any("No.2" in p["message"] and "不可" in p["message"] for p in report["problems"])  # 要説明

    scale_table = [c.GRADE_SCALE.headers, *THREE]
    args = (50, 0, 400, "増加", 2026, None, None, 2025, 2029)
    assert udf.kk_grade(*args, scale_table) == "可"
    assert udf.kk_grade(*args) == "C"  # without the scale: the default S–D
    rollup = udf.kk_rollup([[1], [1], [1]], [["良"], ["不可"], ["対象外"]], scale=scale_table)
    assert list(rollup.columns[:8]) == ["区分", "項目数", "評価対象", "良", "可", "不可", "−", "対象外"]
    assert list(rollup.iloc[0, 1:8]) == [3, 2, 1, 0, 1, 0, 1]

    # A threshold broken in the master's 評価区分 sheet: refresh refuses, names the cell, changes nothing.
    wb = load_workbook(master)
    ws = wb[c.GRADE_SCALE.sheet]
    ws.cell(row=c.GRADE_SCALE.anchor_row + 2, column=5, value=3)  # 可 above 良
    ws.cell(row=c.GRADE_SCALE.anchor_row + 3, column=3, value="#12")
    wb.save(master)
    before = master.read_bytes()
    result = run("refresh", str(master))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"{c.GRADE_SCALE.sheet}!E5" in result.stderr and f"{c.GRADE_SCALE.sheet}!C6" in result.stderr
    assert master.read_bytes() == before


def test_toml_grades_and_the_default_left_alone() -> None:
    raw = plan_to_dict(load_plan())
    assert "grades" not in raw and load_plan().grade_scale is None  # the bundled plan keeps S–D and 設定
    assert (
        own_scale(
            scale_from_rows(
                [
                    {
                        "label": g.label,
                        "name": g.name,
                        "color": g.color,
                        "basis": g.basis,
                        "threshold": g.threshold,
                        "explain": g.explain,
                    }
                    for g in GradeScale().grades
                ]
            )[0]
        )
        is None
    )  # the template's rows = default
    toml = {
        "plan": HEAD,
        "policies": [{"no": 1, "name": "方針"}],
        "items": [{"no": 1, "policy": 1, "title": "取組", "lead": "課"}],
        "grades": [
            {"label": "良", "basis": "計画比", "threshold": 1},
            {"label": "否", "basis": "それ以外", "explain": True},
        ],
    }
    plan = plan_from_dict(toml)
    assert plan.grade_scale.labels == ("良", "否") and plan.grade_scale.threshold("良") == Fraction(1)
    toml["grades"][1]["basis"] = "計画比"
    try:
        plan_from_dict(toml)
    except PlanError as exc:
        assert "2番目の threshold" in str(exc) and "それ以外" in str(exc)
    else:
        raise AssertionError("a scale without a last それ以外 grade was accepted")


def test_kk_rollup_reads_text_item_numbers_and_never_invents_a_zero_amount() -> None:
    frame = udf.kk_rollup(
        [[1], [1], [2]],
        [["S"], ["B"], ["対象外"]],
        None,
        [["R1-3"], ["2-(1)-3"], [10]],
        [["R1-3"], ["#N/A"]],
        [[0.5], [0.9]],
    )
    whole = frame.iloc[-1]
    assert (whole["項目数"], whole["評価対象"], whole["対象外"]) == (3, 2, 1)  # text numbers are items too
    assert whole["平均進捗率"] == 0.5  # the measure of R1-3 (the #N/A row is nobody's)
    assert whole["単年度効果額"] == "−"  # no 効果額 column given: not known, never 0
