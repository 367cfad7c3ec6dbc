"""A three-level plan (基本方針 → 推進項目 → 取組項目) with yearly effect plans, shaped here (no city's figures):
roll-ups at every level in the report, the master's 基本方針別 sheet and the exports; a two-level plan unchanged.

Plan: baseline 2024, plan 2025–2028. 推進項目 1-(1), 1-(2) under 基本方針1; 2-(1) under 基本方針2; item 5 belongs
to 基本方針2 with no 推進項目. Expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.plan_workbook import fill_plan, run
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c

HEAD = {
    "name": "架空町行革プラン",
    "city": "架空町",
    "baseline_year": 2024,
    "start_year": 2025,
    "end_year": 2028,
}
TABLES = {
    "PlanPolicies": [{"no": 1, "name": "行政運営の効率化"}, {"no": 2, "name": "財源の確保"}],
    "PlanSections": [
        {"no": "1-(1)", "policy": 1, "name": "事務の見直し"},
        {"no": "1-(2)", "policy": 1, "name": "施設の適正化"},
        {"no": "2-(1)", "policy": 2, "name": "収納率の向上"},
    ],
    "PlanItems": [
        {"no": 1, "policy": 1, "section": "1-(1)", "title": "委託業務の見直し", "lead": "財政課"},
        {"no": 2, "policy": 1, "section": "1-(1)", "title": "契約事務の見直し", "lead": "総務課"},
        {"no": 3, "policy": 1, "section": "1-(2)", "title": "施設の統廃合", "lead": "施設課"},
        {"no": 4, "policy": 2, "section": "2-(1)", "title": "収納対策の強化", "lead": "税務課"},
        {"no": 5, "policy": 2, "title": "ふるさと納税", "lead": "企画課"},
    ],
    "PlanMeasures": [
        {
            "item": 1,
            "name": "委託料",
            "unit": "円",
            "direction": "減少",
            "baseline": 8_000_000,
            "target": 6_000_000,
            "effect_kind": "歳出削減",
        },
        {"item": 3, "name": "施設数", "unit": "件", "direction": "減少", "baseline": 40, "target": 32},
        {
            "item": 4,
            "name": "徴収額",
            "unit": "円",
            "direction": "増加",
            "baseline": 50_000_000,
            "target": 54_000_000,
            "effect_kind": "歳入増加",
        },
    ],
    "PlanEffects": [
        {"item": 1, "year": 2025, "amount": 600_000},
        {"item": 2, "year": 2025, "amount": 400_000},
        {"item": 4, "year": 2025, "amount": 1_500_000},
        {"item": 4, "year": 2026, "amount": 1_500_000},
    ],
}


def _master(tmp_path: Path) -> Path:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    fill_plan(plan, HEAD, TABLES)
    shown = json.loads(run("plan", "--plan", str(plan), "--json").stdout)
    assert [s["no"] for s in shown["sections"]] == ["1-(1)", "1-(2)", "2-(1)"]
    assert [i.get("section") for i in shown["items"]] == ["1-(1)", "1-(1)", "1-(2)", "2-(1)", None]
    master = tmp_path / "master.xlsx"
    result = run("init", str(master), "--plan", str(plan))
    assert result.returncode == 0, result.stderr
    wb = load_workbook(master)
    items = wb[c.ITEMS.sheet]
    header = [cell.value for cell in items[c.ITEMS.anchor_row]]
    by_no = {r[0].value: r for r in items.iter_rows(min_row=4) if r[0].value}
    assert by_no[3][header.index("推進項目")].value == "1-(2)"
    assert by_no[3][header.index("推進項目名")].value == "施設の適正化"
    for row in wb["実績"].iter_rows(min_row=4):
        value = {"委託料": 7_400_000, "施設数": 40, "徴収額": 51_000_000}.get(row[1].value)
        if value is not None:
            row[3].value = value  # 2025
    status = wb[c.STATUS.sheet]
    for row in status.iter_rows(min_row=4):
        if row[2].value == 2025 and row[0].value in (2, 5):
            row[4].value = {2: "B", 5: "S"}[row[0].value]  # graded by the departments (no measures)
    ledger = wb[c.LEDGER.sheet]
    for col, value in enumerate((2, 2025, "歳出削減", 100_000, "入札方法の見直し", "前年度比較"), start=1):
        ledger.cell(row=4, column=col, value=value)
    settings = wb[c.SETTINGS.sheet]
    next(r for r in settings.iter_rows(min_row=4) if r[0].value == "evaluation_year")[2].value = 2025
    wb.save(master)
    return master


def test_three_levels_roll_up_at_every_level_with_effect_plans(tmp_path: Path) -> None:
    master = _master(tmp_path)
    result = run("refresh", str(master))
    assert result.returncode == 0, result.stderr
    report = json.loads(run("report", str(master), "--json").stdout)
    assert list(report)[:5] == ["plan", "measures", "items", "policies", "sections"]
    # Grades 2025 (planned progress 1/4): item 1 委託料 7.4M → (7.4−8)/(6−8) = 0.3 ≥ 0.25 → A; item 3 施設数 40 →
    # 0 < 0.15 → C; item 4 徴収額 51M → 0.25 → A; items 2 and 5 entered B and S.
    assert {i["no"]: i["grade"] for i in report["items"]} == {1: "A", 2: "B", 3: "C", 4: "A", 5: "S"}
    # 財政効果額 2025: item 1 600,000; item 2 100,000 (ledger); item 4 1,000,000 → 1,700,000 in all.
    sections = {s["section"]: s for s in report["sections"]}
    assert list(sections) == ["1-(1)", "1-(2)", "2-(1)"]
    s11, s12, s21 = sections["1-(1)"], sections["1-(2)"], sections["2-(1)"]
    assert (s11["items"], s11["counts"]["A"], s11["counts"]["B"]) == (2, 1, 1)
    assert s11["shares"]["A"] == 0.5 and s11["effect_year"] == 700_000
    assert s11["effect_plan_year"] == 1_000_000 and s11["effect_plan_attainment"] == pytest.approx(0.7)
    assert s11["effect_share"] == pytest.approx(7 / 17)  # of the whole year's 1,700,000
    assert s12["counts"]["C"] == 1 and s12["effect_year"] is None and s12["effect_plan_attainment"] is None
    assert s21["effect_plan_attainment"] == pytest.approx(2 / 3) and s21["effect_share"] == pytest.approx(
        10 / 17
    )
    p1, p2 = report["policies"]
    assert (p1["items"], p2["items"]) == (3, 2)  # item 5 (no 推進項目) counts in 基本方針2 only
    assert p1["effect_plan_attainment"] == pytest.approx(0.7) and p2[
        "effect_plan_attainment"
    ] == pytest.approx(2 / 3)
    assert p1["effect_share"] == pytest.approx(7 / 17) and p2["effect_share"] == pytest.approx(10 / 17)
    assert report["total"]["effect_plan_year"] == 2_500_000
    assert report["total"]["effect_plan_attainment"] == pytest.approx(0.68)
    years = {y["year"]: y for y in report["effects"]["by_year"]}
    assert years[2025]["effect_plan_attainment"] == pytest.approx(0.68)
    assert years[2026]["effect_plan"] == 1_500_000 and years[2028]["effect_plan"] is None

    # The master's 基本方針別 sheet: each 基本方針 followed by its 推進項目, then the whole plan.
    sheet = load_workbook(master, data_only=True)[c.POLICY_SUMMARY.sheet]
    header = [cell.value for cell in sheet[c.POLICY_SUMMARY.anchor_row]]
    rows = [
        [cell.value for cell in r]
        for r in sheet.iter_rows(min_row=c.POLICY_SUMMARY.anchor_row + 1)
        if r[0].value is not None
    ]
    assert [r[0] for r in rows] == [1, "1-(1)", "1-(2)", 2, "2-(1)", "全体"]
    assert rows[1][header.index("名称")].endswith("事務の見直し")
    assert rows[1][header.index("効果額達成率")] == pytest.approx(0.7)
    assert rows[1][header.index("効果額の割合")] == pytest.approx(0.412)  # 7/17 = 41.18% → 41.2%

    out = tmp_path / "out"
    result = run("export", str(master), "--out", str(out), "--year", "2025")
    assert result.returncode == 0, result.stderr
    html = (out / "kaikaku_2025_report.html").read_text(encoding="utf-8")
    assert "推進項目別の評価" in html and "1-(2)　施設の適正化" in html
    assert "41.2%" in html and "68.0%" in html  # 1-(1)'s share; the whole plan's 効果額達成率
    book = load_workbook(out / "kaikaku_2025_report.xlsx")
    cells = " ".join(str(x.value) for ws in book.worksheets for row in ws.iter_rows() for x in row if x.value)
    assert "推進項目別の評価" in cells and "分野別割合" in cells


def test_a_toml_plan_with_sections(tmp_path: Path) -> None:
    toml = tmp_path / "plan.toml"
    toml.write_text(
        "\n".join(
            [
                "[plan]",
                'name = "架空計画"',
                'city = "架空村"',
                "baseline_year = 2024",
                "start_year = 2025",
                "end_year = 2026",
                "[[policies]]",
                "no = 1",
                'name = "方針"',
                "[[sections]]",
                'no = "1-1"',
                "policy = 1",
                'name = "推進項目A"',
                "[[items]]",
                "no = 1",
                'section = "1-1"',
                'title = "取組"',
                'lead = "企画課"',
                "effect_plan = { 2025 = 1000, 2026 = 2000 }",
                "[[items]]",
                "no = 2",
                'section = "9"',
                'title = "誤り"',
                'lead = "企画課"',
            ]
        ),
        encoding="utf-8",
    )
    bad = run("plan", "--plan", str(toml), "--json")
    assert bad.returncode != 0 and "推進項目「9」は計画にありません" in bad.stderr
    toml.write_text(toml.read_text(encoding="utf-8").replace('section = "9"', "policy = 1"), encoding="utf-8")
    shown = json.loads(run("plan", "--plan", str(toml), "--json").stdout)
    assert shown["items"][0]["policy"] == 1 and shown["items"][0]["effect_plan"] == {
        "2025": 1000,
        "2026": 2000,
    }
    master = tmp_path / "m.xlsx"
    assert run("init", str(master), "--plan", str(toml)).returncode == 0
    report = json.loads(run("report", str(master), "--json").stdout)
    assert [s["section"] for s in report["sections"]] == ["1-1"] and report["sections"][0]["items"] == 1
