"""Planned 財政効果額 per item and year (the plan workbook's 効果額計画 sheet): 効果額達成率 = 実績 ÷ 計画 per item,
per 基本方針 and per year, and each 基本方針's share of the year's 財政効果額 (分野別割合), in a plan shaped here.

Plan: baseline 2024, plan 2025–2027. Every expected figure is worked out by hand in the comments.
- item 1 (policy 1): 委託料, 円, 減少 10,000,000 → 7,000,000, 歳出削減. Plan: 2025 1,000,000; 2026 2,000,000.
- item 2 (policy 1): no measure; a ledger entry of 200,000 in 2025. Plan: 2025 500,000.
- item 3 (policy 2): 使用料収入, 円, 増加 5,000,000 → 6,500,000, 歳入増加. Plan: 2025 0; 2026 1,000,000.
- item 4 (policy 2): no measure, no plan.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.plan_workbook import fill_plan, run
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c
from kaikaku_xl.plan_io.contract import PLAN_EFFECTS

HEAD = {
    "name": "架空市行財政改革プラン",
    "city": "架空市",
    "baseline_year": 2024,
    "start_year": 2025,
    "end_year": 2027,
}
PLANS = [
    {"item": 1, "year": 2025, "amount": 1_000_000},
    {"item": 1, "year": 2026, "amount": 2_000_000},
    {"item": 2, "year": 2025, "amount": 500_000},
    {"item": 3, "year": 2025, "amount": 0},
    {"item": 3, "year": 2026, "amount": 1_000_000},
]


def _master(tmp_path: Path) -> Path:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    assert (
        PLAN_EFFECTS.sheet in load_workbook(plan).sheetnames
    )  # the template has the sheet, with its example
    fill_plan(
        plan,
        HEAD,
        {
            "PlanPolicies": [{"no": 1, "name": "歳出の見直し"}, {"no": 2, "name": "歳入の確保"}],
            "PlanItems": [
                {"no": 1, "policy": 1, "title": "委託の見直し", "lead": "財政課"},
                {"no": 2, "policy": 1, "title": "契約方法の見直し", "lead": "総務課"},
                {"no": 3, "policy": 2, "title": "使用料の見直し", "lead": "税務課"},
                {"no": 4, "policy": 2, "title": "ふるさと納税の拡大", "lead": "企画課"},
            ],
            "PlanMeasures": [
                {
                    "item": 1,
                    "name": "委託料",
                    "unit": "円",
                    "direction": "減少",
                    "baseline": 10_000_000,
                    "target": 7_000_000,
                    "effect_kind": "歳出削減",
                },
                {
                    "item": 3,
                    "name": "使用料収入",
                    "unit": "円",
                    "direction": "増加",
                    "baseline": 5_000_000,
                    "target": 6_500_000,
                    "effect_kind": "歳入増加",
                },
            ],
            "PlanEffects": PLANS,
        },
    )
    shown = json.loads(run("plan", "--plan", str(plan), "--json").stdout)
    assert shown["items"][0]["effect_plan"] == {"2025": 1_000_000, "2026": 2_000_000}
    assert "effect_plan" not in shown["items"][3]
    master = tmp_path / "master.xlsx"
    result = run("init", str(master), "--plan", str(plan))
    assert result.returncode == 0, result.stderr
    wb = load_workbook(master)
    sheet = wb["効果額計画"]
    rows = {r[0].value: [cell.value for cell in r[2:5]] for r in sheet.iter_rows(min_row=4) if r[0].value}
    assert rows == {
        1: [1_000_000, 2_000_000, None],
        2: [500_000, None, None],
        3: [0, 1_000_000, None],
        4: [None, None, None],
    }
    actuals = wb["実績"]
    for row in actuals.iter_rows(min_row=4):
        if row[1].value == "委託料":
            row[3].value, row[4].value = 9_200_000, 8_500_000  # effects 800,000 and 1,500,000
        if row[1].value == "使用料収入":
            row[3].value, row[4].value = 5_400_000, 6_000_000  # effects 400,000 and 1,000,000
    ledger = wb[c.LEDGER.sheet]
    for col, value in enumerate((2, 2025, "歳出削減", 200_000, "随意契約の見直し", "見積比較"), start=1):
        ledger.cell(row=4, column=col, value=value)
    _year(wb, 2025)
    wb.save(master)
    return master


def _year(wb, year: int) -> None:  # noqa: ANN001
    row = next(r for r in wb[c.SETTINGS.sheet].iter_rows(min_row=4) if r[0].value == "evaluation_year")
    row[2].value = year


def test_effect_plans_give_attainment_per_item_policy_and_year_and_shares(tmp_path: Path) -> None:
    master = _master(tmp_path)
    result = run("refresh", str(master))
    assert result.returncode == 0, result.stderr
    report = json.loads(run("report", str(master), "--json").stdout)
    items = {i["no"]: i for i in report["items"]}
    # 2025: item 1 800,000 ÷ 1,000,000 = 0.8; item 2 200,000 ÷ 500,000 = 0.4; item 3 plan 0 → −; item 4 no plan → −
    assert items[1]["effect_year"] == 800_000 and items[1]["effect_plan_attainment"] == pytest.approx(0.8)
    assert items[2]["effect_plan_year"] == 500_000 and items[2]["effect_plan_attainment"] == pytest.approx(
        0.4
    )
    assert items[3]["effect_plan_year"] == 0 and items[3]["effect_plan_attainment"] is None
    assert items[4]["effect_plan_year"] is None and items[4]["effect_plan_attainment"] is None
    # 基本方針1: 1,000,000 ÷ 1,500,000 = 2/3; share 1,000,000 ÷ 1,400,000 = 5/7. 基本方針2: plan 0 → −; share 2/7.
    p1, p2 = report["policies"]
    assert p1["effect_year"] == 1_000_000 and p1["effect_plan_year"] == 1_500_000
    assert p1["effect_plan_attainment"] == pytest.approx(2 / 3) and p1["effect_share"] == pytest.approx(5 / 7)
    assert p2["effect_plan_year"] == 0 and p2["effect_plan_attainment"] is None
    assert p2["effect_share"] == pytest.approx(2 / 7)
    assert report["total"]["effect_share"] == 1
    # Per year: 2025 plan 1,500,000, actual 1,400,000 → 14/15; 2026 and 2027 not yet known.
    years = {y["year"]: y for y in report["effects"]["by_year"]}
    assert years[2025]["effect_plan"] == 1_500_000
    assert years[2025]["effect_plan_attainment"] == pytest.approx(14 / 15)
    assert years[2026]["effect_plan"] == 3_000_000 and years[2026]["effect_plan_attainment"] is None
    assert years[2027]["effect_plan"] is None  # no item plans 2027: not known, never 0

    # The master's sheets show the same, rounded by rounding.py (0.1 point).
    book = load_workbook(master, data_only=True)
    summary = book[c.POLICY_SUMMARY.sheet]
    header = [cell.value for cell in summary[c.POLICY_SUMMARY.anchor_row]]
    first = [cell.value for cell in summary[c.POLICY_SUMMARY.anchor_row + 1]]
    assert first[header.index("計画効果額")] == 1_500_000
    assert first[header.index("効果額達成率")] == pytest.approx(0.667)
    assert first[header.index("効果額の割合")] == pytest.approx(0.714)
    results = book[c.ITEM_RESULTS.sheet]
    header = [cell.value for cell in results[c.ITEM_RESULTS.anchor_row]]
    by_no = {r[0].value: r for r in results.iter_rows(min_row=4) if r[0].value}
    assert by_no[1][header.index("効果額達成率")].value == pytest.approx(0.8)
    assert by_no[3][header.index("効果額達成率")].value is None

    # 2026: item 1 1,500,000 ÷ 2,000,000 = 0.75, cumulative 2,300,000 ÷ 3,000,000; item 3 1,000,000 ÷ 1,000,000 = 1;
    # the year 2,500,000 ÷ 3,000,000; cumulative 3,900,000 ÷ 4,500,000.
    wb = load_workbook(master)
    _year(wb, 2026)
    wb.save(master)
    report = json.loads(run("report", str(master), "--json").stdout)
    items = {i["no"]: i for i in report["items"]}
    assert items[1]["effect_plan_attainment"] == pytest.approx(0.75)
    assert items[1]["effect_plan_attainment_cumulative"] == pytest.approx(2.3 / 3)
    assert items[3]["effect_plan_attainment"] == pytest.approx(1.0)
    years = {y["year"]: y for y in report["effects"]["by_year"]}
    assert years[2026]["effect_plan_attainment"] == pytest.approx(2.5 / 3)
    assert years[2026]["effect_plan_attainment_cumulative"] == pytest.approx(3.9 / 4.5)

    out = tmp_path / "out"
    result = run("export", str(master), "--out", str(out), "--year", "2025")
    assert result.returncode == 0, result.stderr
    html = (out / "kaikaku_2025_report.html").read_text(encoding="utf-8")
    assert "効果額達成率" in html and "66.7%" in html and "71.4%" in html  # 基本方針1: 2/3 and 5/7, rounded
    csv = (out / "kaikaku_2025_opendata.csv").read_text(encoding="utf-8-sig")
    line = next(x for x in csv.splitlines() if "委託料" in x)
    assert line.endswith(",1000000,80.0")  # the item's plan and 効果額達成率 (percent, 0.1 point)
    sheet = load_workbook(out / "kaikaku_2025_report.xlsx")
    text = " ".join(
        str(cell.value) for ws in sheet.worksheets for row in ws.iter_rows() for cell in row if cell.value
    )
    assert "効果額達成率" in text and "分野別割合" in text


def test_plan_workbook_effect_plan_mistakes_name_their_cells(tmp_path: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    fill_plan(
        plan,
        HEAD,
        {
            "PlanPolicies": [{"no": 1, "name": "方針"}],
            "PlanItems": [{"no": 1, "policy": 1, "title": "項目", "lead": "課"}],
            "PlanEffects": [
                {"item": 1, "year": 2030, "amount": 5},
                {"item": 9, "year": 2025, "amount": 5},
                {"item": 1, "year": 2025, "amount": "たくさん"},
            ],
        },
    )
    result = run("plan", "--plan", str(plan), "--json")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    for cell, words in (("B5", "推進期間"), ("A6", "No.9"), ("C7", "計画効果額")):
        assert f"効果額計画!{cell}" in result.stderr and words in result.stderr, result.stderr
