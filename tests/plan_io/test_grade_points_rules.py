"""A grade scale's 点数 (issue 22): checked where it is typed (plan workbook, the master's 評価区分, TOML) with every
mistake named by sheet and cell; scored exactly; and written back (TOML → plan workbook); a scale without points
keeps every table and key as before."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from helpers.plan_workbook import fill_plan, run, write_scale
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c
from kaikaku_xl.metrics.rollups import score
from kaikaku_xl.plan.scale_rows import scale_from_rows, scale_to_rows
from kaikaku_xl.plan_io.contract import PLAN_GRADES

TYPED = c.status_spec(typed=True)  # a scale of typed grades heads 進捗状況's grade column 評価

HEAD = {"name": "架空計画", "city": "架空村", "baseline_year": 2025, "start_year": 2026, "end_year": 2027}


def _rows(points: list[Any]) -> list[dict[str, Any]]:
    return [{"label": label, "basis": "入力", "points": p} for label, p in zip("ABCD", points, strict=True)]


def test_points_are_read_exactly_and_scored_exactly() -> None:
    scale, problems = scale_from_rows(_rows(["5", "４点", 2.5, 0]))
    assert problems == [] and scale is not None
    assert scale.points == {"A": 5, "B": 4, "C": Fraction(5, 2), "D": 0}
    # 1 A + 2 C + 1 D = 5 + 5 + 0 = 10 of 4 × 5 = 20; − and 対象外 are in neither
    figures = score({"A": 1, "B": 0, "C": 2, "D": 1, "−": 3, "対象外": 2}, scale.points)
    assert figures == {"score": 10.0, "full_score": 20.0, "score_rate": 0.5}
    # thirds: the rate is the exact ratio's nearest float, never a sum of float shares
    thirds = score(
        {"A": 1, "B": 0, "C": 0, "D": 2},
        {"A": Fraction(3), "B": Fraction(2), "C": Fraction(1), "D": Fraction(0)},
    )
    assert thirds["score_rate"] == float(Fraction(1, 3))
    assert all(v != v for v in score({"A": 0, "−": 4}, scale.points).values())  # nothing graded: NaN, never 0
    assert [r["points"] for r in scale_to_rows(scale, as_json=True)] == [5, 4, 2.5, 0]


def test_a_scale_without_points_keeps_its_json_and_has_no_scores() -> None:
    scale, _ = scale_from_rows(_rows([None] * 4))
    assert scale is not None and scale.points is None
    assert all("points" not in r for r in scale_to_rows(scale, as_json=True))  # the JSON as before


@pytest.mark.parametrize(
    ("points", "row", "words"),
    [
        (["5", "たくさん", 2, 1], 1, "0 以上の数値"),
        ([5, 4, -1, 0], 2, "0 以上の数値"),
        ([5, True, 2, 1], 1, "0 以上の数値"),
        ([5, 6, 2, 1], 1, "上の評価ほど大きく"),
        ([5, 4, 4, 1], 2, "上の評価ほど大きく"),
        ([5, None, 2, 1], 1, "すべての評価に入力"),
    ],
)
def test_wrong_points_are_named(points: list[Any], row: int, words: str) -> None:
    scale, problems = scale_from_rows(_rows(points))
    assert scale is None and [(i, k) for i, k, _m in problems] == [(row, "points")]
    assert words in problems[0][2]


def _plan(tmp_path: Path, scale: list[list[Any]]) -> Path:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    fill_plan(
        plan,
        HEAD,
        {
            "PlanPolicies": [{"no": 1, "name": "方針"}],
            "PlanItems": [{"no": n, "policy": 1, "title": f"取組{n}", "lead": "企画課"} for n in (1, 2)],
        },
    )
    write_scale(plan, scale)
    return plan


def test_the_plan_workbook_names_the_cell_of_wrong_points(tmp_path: Path) -> None:
    plan = _plan(
        tmp_path,
        [
            ["A", None, None, "入力", None, "いいえ", 3],
            ["B", None, None, "入力", None, "いいえ", "三"],  # row 5: not a number
            ["C", None, None, "入力", None, "いいえ", 4],  # row 6: above A's
        ],
    )
    result = run("init", str(tmp_path / "m.xlsx"), "--plan", str(plan))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    column = PLAN_GRADES.columns.index(PLAN_GRADES.column("points")) + 1
    letter = chr(ord("A") + column - 1)
    assert (
        f"{PLAN_GRADES.sheet}!{letter}5" in result.stderr
        and f"{PLAN_GRADES.sheet}!{letter}6" in result.stderr
    )
    assert "「三」" in result.stderr and "上の評価ほど大きく" in result.stderr
    assert not (tmp_path / "m.xlsx").exists()


def test_wrong_points_in_the_masters_scale_stop_the_refresh_by_cell(tmp_path: Path) -> None:
    plan = _plan(
        tmp_path, [["A", None, None, "入力", None, "いいえ", 2], ["B", None, None, "入力", None, "いいえ", 1]]
    )
    master = tmp_path / "m.xlsx"
    assert run("init", str(master), "--plan", str(plan)).returncode == 0
    wb = load_workbook(master)
    ws = wb[c.GRADE_SCALE.sheet]
    column = c.GRADE_SCALE.columns.index(c.GRADE_SCALE.column("points")) + 1
    ws.cell(row=c.GRADE_SCALE.anchor_row + 2, column=column, value=-1)
    wb.save(master)
    before = master.read_bytes()
    result = run("refresh", str(master))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert (
        f"{c.GRADE_SCALE.sheet}!{chr(ord('A') + column - 1)}{c.GRADE_SCALE.anchor_row + 2}" in result.stderr
    )
    assert master.read_bytes() == before


TOML = """
[plan]
name = "架空計画"
city = "架空村"
baseline_year = 2025
start_year = 2026
end_year = 2027
[[policies]]
no = 1
name = "方針"
[[items]]
no = 1
policy = 1
title = "取組1"
lead = "企画課"
[[items]]
no = 2
policy = 1
title = "取組2"
lead = "総務課"
[[items]]
no = 3
policy = 1
title = "取組3"
lead = "総務課"
[[grades]]
label = "良"
basis = "入力"
points = 3
[[grades]]
label = "可"
basis = "入力"
points = 2
[[grades]]
label = "不可"
basis = "入力"
points = POINTS
"""


def test_a_toml_plan_with_points(tmp_path: Path) -> None:
    toml = tmp_path / "plan.toml"
    toml.write_text(TOML.replace("POINTS", "5"), encoding="utf-8")
    bad = run("plan", "--plan", str(toml), "--json")
    assert bad.returncode != 0 and "3番目の points" in bad.stderr and "上の評価ほど大きく" in bad.stderr
    toml.write_text(TOML.replace("POINTS", "0"), encoding="utf-8")
    shown = json.loads(run("plan", "--plan", str(toml), "--json").stdout)
    assert [g["points"] for g in shown["grades"]] == [3, 2, 0]
    book = tmp_path / "plan.xlsx"  # written back as a plan workbook: the 点数 column filled
    assert run("plan", "template", str(book), "--plan", str(toml)).returncode == 0
    ws = load_workbook(book)[PLAN_GRADES.sheet]
    header = [cell.value for cell in ws[PLAN_GRADES.anchor_row]]
    at = header.index(PLAN_GRADES.column("points").header)
    assert [r[at] for r in ws.iter_rows(min_row=PLAN_GRADES.anchor_row + 1, values_only=True) if r[0]] == [
        3,
        2,
        0,
    ]

    master = tmp_path / "m.xlsx"
    assert run("init", str(master), "--plan", str(toml)).returncode == 0
    wb = load_workbook(master)
    st = wb[c.STATUS.sheet]
    headers = [cell.value for cell in st[c.STATUS.anchor_row]]
    at_item, at_year, at_grade = (headers.index(TYPED.column(k).header) for k in ("item", "year", "grade"))
    for row in st.iter_rows(min_row=c.STATUS.anchor_row + 1):
        if row[at_year].value == 2026:
            row[at_grade].value = {1: "良", 2: "不可", 3: None}[row[at_item].value]
    wb.save(master)
    assert run("refresh", str(master)).returncode in (0, 1)
    report = json.loads(run("report", "--json", str(master)).stdout)
    total = report["total"]
    assert (total["score"], total["full_score"], total["score_rate"], total["counts"]["−"]) == (3, 6, 0.5, 1)
    leads = {d["lead"]: d for d in report["departments"]}
    assert (leads["総務課"]["score"], leads["総務課"]["full_score"]) == (0, 3)  # 0 点 earned is a real 0
