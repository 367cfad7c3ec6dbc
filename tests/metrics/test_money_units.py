"""Money measures kept in the city's own unit (issue 22): a plan shaped like 福知山's, which publishes its 削減効果額 in
百万円, typed as a clerk would (template → typed sheets → init --plan), its actuals typed in the master.

Plan: baseline 2019, plan 2020–2024 (5 years).
- item 1: 削減効果額, 単位 typed 「百万 円」 (read as 百万円), 集計 累計, 効果区分 歳出削減, 目標 3,297.
  Yearly amounts typed: 2020 1,181; 2021 1,092; 2022 1,168; 2023 1,092 → 累計 2,273 (2021) and 4,533 (2023);
  進捗率 2,273 ÷ 3,297 = 68.9% and 4,533 ÷ 3,297 = 137.5%, in 百万円 as typed.
  財政効果額: each year's amount × 1,000,000 円: 2023 単年度 1,092,000,000 円, 計画期間累計 4,533,000,000 円.
- item 2: 委託料, 単位 千円, 減少 5,000.5 → 4,000 (歳出削減): 2021 typed 4,800.3 → 200.2 千円 = 200,200 円 exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers.plan_workbook import fill_plan, run
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c
from kaikaku_xl.years import year_header

HEAD = {
    "name": "架空市行財政改革実施計画",
    "city": "架空市",
    "baseline_year": 2019,
    "start_year": 2020,
    "end_year": 2024,
}
SAVING = {
    "item": 1,
    "name": "削減効果額",
    "unit": "百万 円",
    "direction": "増加",
    "target": 3297,
    "effect_kind": "歳出削減",
    "aggregation": "累計",
}
FEES = {
    "item": 2,
    "name": "委託料",
    "unit": "千円",
    "direction": "減少",
    "baseline": 5000.5,
    "target": 4000,
    "effect_kind": "歳出削減",
}
TYPED = {"削減効果額": {2020: 1181, 2021: 1092, 2022: 1168, 2023: 1092}, "委託料": {2021: 4800.3}}
ITEMS = [
    {"no": 1, "policy": 1, "title": "事務事業の見直し", "lead": "財政課"},
    {"no": 2, "policy": 1, "title": "委託の見直し", "lead": "総務課"},
]


def _plan(tmp_path: Path, measures: list[dict]) -> Path:
    path = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(path)).returncode == 0
    return fill_plan(
        path,
        HEAD,
        {
            "PlanPolicies": [{"no": 1, "name": "行政運営の効率化"}],
            "PlanItems": ITEMS,
            "PlanMeasures": measures,
        },
    )


def _report(master: Path, year: int) -> dict:
    wb = load_workbook(master)
    row = next(r for r in wb[c.SETTINGS.sheet].iter_rows(min_row=4) if r[0].value == "evaluation_year")
    row[2].value = year
    wb.save(master)
    result = run("report", str(master), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_million_yen_cumulative_measure_counts_in_yen_and_keeps_its_own_figures(tmp_path: Path) -> None:
    plan = _plan(tmp_path, [SAVING, FEES])
    shown = json.loads(run("plan", "--plan", str(plan), "--json").stdout)
    assert (
        shown["items"][0]["measures"][0]["unit"] == "百万円"
    )  # 「百万 円」 normalised once, where it is read
    master = tmp_path / "master.xlsx"
    result = run("init", str(master), "--plan", str(plan))
    assert result.returncode == 0, result.stderr
    wb = load_workbook(master)
    actuals = wb[c.actuals_spec([]).sheet]
    years = {cell.value: cell.column for cell in actuals[c.MEASURES.anchor_row] if cell.value}
    for row in actuals.iter_rows(min_row=c.MEASURES.anchor_row + 1):
        for year, value in TYPED.get(row[1].value, {}).items():
            actuals.cell(row=row[0].row, column=years[year_header(year)], value=value)
    wb.save(master)
    validated = run("validate", str(master))
    assert "エラー 0 件" in validated.stdout, validated.stdout

    r2021 = _report(master, 2021)
    m = {x["id"]: x for x in r2021["measures"]}
    assert m["1-1"]["actual"] == 2273 and round(m["1-1"]["progress"] * 1000) == 689  # 68.9%, in 百万円
    assert m["1-1"]["effect"] == 1_092_000_000  # the year's amount, in 円
    assert m["2-1"]["actual"] == 4800.3
    assert m["2-1"]["effect"] == 200_200  # (5,000.5 − 4,800.3) 千円, exactly (not 200,199.99999…)

    r2023 = _report(master, 2023)
    m = {x["id"]: x for x in r2023["measures"]}
    assert m["1-1"]["actual"] == 4533 and round(m["1-1"]["progress"] * 1000) == 1375  # 137.5%
    year = {y["year"]: y for y in r2023["effects"]["by_year"]}[2023]
    assert year["single_year"] == 1_092_000_000  # was 1,092 (summed as 円)
    # 計画期間累計: the 4,533 百万円, and 委託料's one known year (2021; later years not typed: not known, not 0)
    assert year["cumulative"] == 4_533_000_000 + 200_200
    assert year["measures"] == 1_092_000_000 and year["missing"] == 1  # 委託料 2023 not typed

    out = tmp_path / "out"
    result = run("export", str(master), "--out", str(out), "--year", "2023")
    assert result.returncode == 0, result.stderr
    html = (out / "kaikaku_2023_report.html").read_text(encoding="utf-8")
    assert "1,092,000,000" in html  # the year's 財政効果額, in 円
    assert "単位が千円・百万円の指標は、効果額を円に換算して合計しています" in html
