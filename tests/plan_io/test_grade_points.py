"""Grades worth points (issue 22), on a plan shaped like 鴨川's, built here: each item is graded on a five-grade scale
worth 5・4・3・2・1 点, and the city publishes 達成率 = Σ点 ÷ 満点 (84 ÷ 120 = 70%).

Driven as a clerk would: `kaikaku plan template` → the 評価区分 sheet typed with a 点数 column → `init --plan` →
grades typed in 進捗状況 → `refresh` (a process) → the master re-opened with openpyxl, `report --json`, KK_ROLLUP on
the master's own columns, and `export`. One 対象外 item and one item not graded are out of 満点 and counted apart.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers.plan_workbook import fill_plan, run, write_scale
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c
from kaikaku_xl.udfs.rollup import kk_rollup

TYPED = c.status_spec(typed=True)  # a scale of typed grades heads 進捗状況's grade column 評価

HEAD = {
    "name": "架空浦市行政改革実施計画",
    "city": "架空浦市",
    "baseline_year": 2025,
    "start_year": 2026,
    "end_year": 2028,
}
# Invented labels and names (no city's wording); typed by the departments, worth 5..1 点.
SCALE = [
    ["A", "計画以上", None, "入力", None, "いいえ", 5],
    ["B", "計画どおり", None, "入力", None, "いいえ", 4],
    ["C", "おおむね計画どおり", None, "入力", None, "いいえ", 3],
    ["D", "遅れ", None, "入力", None, "はい", 2],
    ["E", "未着手", None, "入力", None, "はい", 1],
]
POINTS = {row[0]: row[6] for row in SCALE}
# 24 graded items: A×5 + B×8 + C×7 + D×2 + E×2 = 25 + 32 + 21 + 4 + 2 = 84 of 24 × 5 = 120 点.
GRADED = ["A"] * 5 + ["B"] * 8 + ["C"] * 7 + ["D"] * 2 + ["E"] * 2
SECTIONS = [("1-1", 1), ("1-2", 1), ("2-1", 2)]
LEADS = ["企画課", "総務課", "財政課"]
EXCLUDED_NO, UNGRADED_NO = 25, 26


def _items() -> list[dict[str, Any]]:
    """26 items: the 24 graded ones spread over 2 基本方針, 3 推進項目 and 3 担当課, then 対象外 and ungraded."""
    grades: list[str | None] = [*GRADED, "対象外", None]
    out = []
    for i, grade in enumerate(grades):
        section, policy = SECTIONS[i % 3]
        out.append(
            {
                "no": i + 1,
                "policy": policy,
                "section": section,
                "title": f"取組{i + 1}",
                "lead": LEADS[i % 3],
                "_grade": grade,
            }
        )
    return out


ITEMS = _items()


def _expected(members: list[dict[str, Any]]) -> tuple[int, int, float]:
    """(得点, 満点, 得点率) computed from the typed grades, as the city does."""
    graded = [POINTS[m["_grade"]] for m in members if m["_grade"] in POINTS]
    return sum(graded), 5 * len(graded), sum(graded) / (5 * len(graded))


def _plan(tmp_path: Path) -> Path:
    plan = tmp_path / "plan.xlsx"
    result = run("plan", "template", str(plan))
    assert result.returncode == 0, result.stderr
    fill_plan(
        plan,
        HEAD,
        {
            "PlanPolicies": [{"no": 1, "name": "行政運営の改革"}, {"no": 2, "name": "財政運営の改革"}],
            "PlanSections": [{"no": no, "policy": p, "name": f"推進項目{no}"} for no, p in SECTIONS],
            "PlanItems": [{k: v for k, v in item.items() if k != "_grade"} for item in ITEMS],
        },
    )
    write_scale(plan, SCALE)
    return plan


def _type_grades(master: Path) -> None:
    """The 2026 grades as the departments type them, and the 推進本部's decision behind the 対象外."""
    wb = load_workbook(master)
    ws = wb[c.STATUS.sheet]
    headers = [cell.value for cell in ws[c.STATUS.anchor_row]]
    col = {key: headers.index(TYPED.column(key).header) for key in ("item", "year", "status", "grade")}
    grades = {item["no"]: item["_grade"] for item in ITEMS}
    for row in ws.iter_rows(min_row=c.STATUS.anchor_row + 1):
        no, year = row[col["item"]].value, row[col["year"]].value
        if year == 2026 and no in grades and grades[no] is not None:
            row[col["status"]].value = "実施中"
            row[col["grade"]].value = grades[no]
    rv = wb[c.REVISIONS.sheet]
    headers = [cell.value for cell in rv[c.REVISIONS.anchor_row]]
    decision = {
        "year": 2026,
        "kind": c.REVISION_EXCLUDED,
        "item": EXCLUDED_NO,
        "reason": "休止",
        "decided": "2027-03-15",
    }
    for key, value in decision.items():
        rv.cell(
            row=c.REVISIONS.anchor_row + 1, column=headers.index(c.REVISIONS.column(key).header) + 1
        ).value = value
    wb.save(master)


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("points")
    path = tmp_path / "master.xlsx"
    result = run("init", str(path), "--plan", str(_plan(tmp_path)))
    assert result.returncode == 0, result.stderr
    _type_grades(path)
    result = run("refresh", str(path))
    assert result.returncode in (0, 1), result.stderr
    return path


def _table(ws: Any, anchor_row: int) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(min_row=anchor_row, values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:] if r[0] is not None]


def test_the_plan_workbook_carries_the_points_to_the_master(master: Path) -> None:
    scale = _table(load_workbook(master)[c.GRADE_SCALE.sheet], c.GRADE_SCALE.anchor_row)
    assert [(r["評価"], r["点数"]) for r in scale] == [(row[0], row[6]) for row in SCALE]


def test_the_masters_roll_up_sheets_show_score_full_score_and_rate(master: Path) -> None:
    wb = load_workbook(master, data_only=True)
    policies = {r["基本方針"]: r for r in _table(wb[c.POLICY_SUMMARY.sheet], c.POLICY_SUMMARY.anchor_row)}
    whole = policies["全体"]
    assert (whole["得点"], whole["満点"], whole["得点率"]) == (84, 120, pytest.approx(0.7))
    assert (whole["−"], whole["対象外"], whole["評価対象"]) == (1, 1, 24)  # out of 満点, counted apart
    for no in (1, 2):
        score, full, rate = _expected([i for i in ITEMS if i["policy"] == no])
        assert (policies[no]["得点"], policies[no]["満点"]) == (score, full)
        assert policies[no]["得点率"] == pytest.approx(rate)
    for section, _policy in SECTIONS:  # the 推進項目 rows under their 基本方針
        score, full, _rate = _expected([i for i in ITEMS if i["section"] == section])
        assert (policies[section]["得点"], policies[section]["満点"]) == (score, full)
    leads = {
        r["主要担当課"]: r for r in _table(wb[c.DEPARTMENT_SUMMARY.sheet], c.DEPARTMENT_SUMMARY.anchor_row)
    }
    for lead in LEADS:
        score, full, rate = _expected([i for i in ITEMS if i["lead"] == lead])
        assert (leads[lead]["得点"], leads[lead]["満点"], leads[lead]["得点率"]) == (
            score,
            full,
            pytest.approx(rate),
        )


def test_report_json_has_the_scores(master: Path) -> None:
    result = run("report", "--json", str(master))
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    total = report["total"]
    assert (total["score"], total["full_score"], total["score_rate"]) == (84, 120, 0.7)
    assert (total["counts"]["−"], total["counts"]["対象外"], total["graded"]) == (1, 1, 24)
    assert [g["points"] for g in report["grades"]] == [5, 4, 3, 2, 1]
    for key, rows, field in (
        ("lead", report["departments"], "lead"),
        ("section", report["sections"], "section"),
    ):
        for row in rows:
            score, full, rate = _expected([i for i in ITEMS if i[key] == row[field]])
            assert (row["score"], row["full_score"], row["score_rate"]) == (score, full, rate)


def test_kk_rollup_on_the_masters_columns(master: Path) -> None:
    wb = load_workbook(master, data_only=True)
    items = _table(wb[c.ITEM_RESULTS.sheet], c.ITEM_RESULTS.anchor_row)
    scale = [
        list(r) for r in wb[c.GRADE_SCALE.sheet].iter_rows(min_row=c.GRADE_SCALE.anchor_row, values_only=True)
    ]
    frame = kk_rollup(
        [[r["主要担当課"]] for r in items],
        [[r["評価"]] for r in items],
        items=[[r["No"]] for r in items],
        scale=scale,
    )
    whole = frame.iloc[-1]
    assert (whole["得点"], whole["満点"], whole["得点率"]) == (84, 120, 0.7)
    assert (whole["−"], whole["対象外"]) == (1, 1)
    old = kk_rollup([[r["主要担当課"]] for r in items], [[r["評価"]] for r in items])  # the old call: S–D
    assert "得点" not in old.columns
    six = kk_rollup([[1]] * 2, [["A"], ["E"]], scale=[row[:6] for row in scale])  # a master before 点数
    assert "得点" not in six.columns and list(six.iloc[-1][["A", "E"]]) == [1, 1]


def test_the_export_prints_the_scores(master: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("export", str(master), "--out", str(out))
    assert result.returncode == 0, result.stderr
    xlsx = load_workbook(next(out.glob("*.xlsx")))
    rows = [r for ws in xlsx for r in ws.iter_rows(values_only=True)]
    header = next(r for r in rows if r[:5] == ("区分", "評価対象", "得点", "満点", "得点率"))
    assert header[5:7] == ("−（未入力・評価不能）", "対象外")
    whole = [r for r in rows if r[0] == "全体" and len(r) > 6 and r[2] == 84]
    assert [list(r[1:7]) for r in whole] == [[24, 84, 120, 0.7, 1, 1]]
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert "評価の得点率" in html and "70.0%" in html
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(next(out.glob("*.pdf"))), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "評価の得点率" in pdf and re.search(r"全体\s+24\s+84\s+120\s+70\.0%\s+1\s+1", pdf)
