"""累計 measures (aggregation = 累計) and an item added mid-plan, in a plan shaped here (no city's figures): staff
enter each year's amount; the running total is graded against the period target (進捗率 = 累計 ÷ 目標).

Every expected figure below is worked out by hand in the comments, from the plan and the typed values.
Plan: baseline 2023, plan 2024–2027 (4 years).
- item 1 (policy 1): 削減効果額, 円, 累計, target 4,000,000, 歳出削減 (the yearly amount is that year's saving).
- item 2 (policy 1): 電子申請件数, 件, a level (not 累計), 100 → 500.
- item 3 (policy 2, 開始年度 2025): 相談件数, 件, 累計, target 300 over its own years 2025–2027.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from helpers.plan_workbook import fill_plan, run
from openpyxl import load_workbook

from kaikaku_xl.errors import PlanError
from kaikaku_xl.master import contract as c
from kaikaku_xl.plan import plan_from_dict
from kaikaku_xl.udfs.cells import EMPTY
from kaikaku_xl.years import year_header

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "udfs"))
import kaikaku_udfs as udf  # noqa: E402  (plain Python functions: Excel itself cannot run here)

HEAD = {
    "name": "架空郡改革計画",
    "city": "架空郡町",
    "baseline_year": 2023,
    "start_year": 2024,
    "end_year": 2027,
}
MEASURES = [
    {
        "item": 1,
        "name": "削減効果額",
        "unit": "円",
        "direction": "増加",
        "target": 4_000_000,
        "effect_kind": "歳出削減",
        "aggregation": "累計",
    },  # baseline left blank: 0 for a 累計
    {"item": 2, "name": "電子申請件数", "unit": "件", "direction": "増加", "baseline": 100, "target": 500},
    {
        "item": 3,
        "name": "相談件数",
        "unit": "件",
        "direction": "増加",
        "baseline": 0,
        "target": 300,
        "aggregation": "累計",
    },
]
TYPED = {  # (item, measure) -> {year: the year's own value}
    (1, "削減効果額"): {2024: 1_000_000, 2025: 900_000, 2026: 1_300_000},
    (2, "電子申請件数"): {2025: 250, 2026: 400},
    (3, "相談件数"): {2025: 60, 2026: 140},
}


def _plan(tmp_path: Path, measures: list[dict] | None = None) -> Path:
    path = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(path)).returncode == 0
    return fill_plan(
        path,
        HEAD,
        {
            "PlanPolicies": [{"no": 1, "name": "歳出の見直し"}, {"no": 2, "name": "住民サービス"}],
            "PlanItems": [
                {"no": 1, "policy": 1, "title": "委託業務の見直し", "lead": "財政課"},
                {"no": 2, "policy": 1, "title": "電子申請の拡大", "lead": "DX推進課"},
                {"no": 3, "policy": 2, "title": "相談窓口の新設", "lead": "福祉課", "start_year": 2025},
            ],
            "PlanMeasures": MEASURES if measures is None else measures,
        },
    )


def _typed_master(tmp_path: Path) -> Path:
    plan = _plan(tmp_path)
    shown = json.loads(run("plan", "--plan", str(plan), "--json").stdout)
    first = shown["items"][0]["measures"][0]
    assert first["aggregation"] == "累計" and first["baseline"] == 0  # blank baseline read as 0
    assert "aggregation" not in shown["items"][1]["measures"][0]  # a level measure: unchanged
    master = tmp_path / "master.xlsx"
    result = run("init", str(master), "--plan", str(plan))
    assert result.returncode == 0, result.stderr
    wb = load_workbook(master)
    measures = wb[c.MEASURES.sheet]
    header = [cell.value for cell in measures[c.MEASURES.anchor_row]]
    assert header[-1] == "集計"
    kinds = {r[2].value: r[header.index("集計")].value for r in measures.iter_rows(min_row=4) if r[0].value}
    assert kinds == {"削減効果額": "累計", "電子申請件数": None, "相談件数": "累計"}
    guide = " ".join(str(r[0].value) for r in wb[c.SHEET_GUIDE].iter_rows() if r[0].value)
    assert (
        "集計が「累計」の指標" in guide
    )  # the 使い方 sheet says how to enter them (only for plans that have them)
    actuals = wb[c.actuals_spec([]).sheet]
    years = {cell.value: cell.column for cell in actuals[c.MEASURES.anchor_row] if cell.value}
    for row in actuals.iter_rows(min_row=4):
        for year, value in TYPED.get((row[0].value, row[1].value), {}).items():
            actuals.cell(row=row[0].row, column=years[year_header(year)], value=value)
    wb.save(master)
    return master


def _set_year(master: Path, year: int) -> None:
    """Type the evaluation year into the 設定 sheet, as staff would."""
    wb = load_workbook(master)
    row = next(r for r in wb[c.SETTINGS.sheet].iter_rows(min_row=4) if r[0].value == "evaluation_year")
    row[2].value = year
    wb.save(master)


def _report(master: Path, year: int) -> dict:
    _set_year(master, year)
    result = run("report", str(master), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cumulative_measures_and_a_mid_plan_item_through_plan_init_refresh_report_export(
    tmp_path: Path,
) -> None:
    master = _typed_master(tmp_path)
    result = run("refresh", str(master))
    assert result.returncode == 0, result.stderr

    # 2024: item 3 does not run yet. 削減効果額: 累計 1,000,000 = 0.25 of 4,000,000; planned (2024−2023)/4 = 0.25 → A
    # (on the line). 電子申請件数: not entered → −.
    r2024 = _report(master, 2024)
    assert [i["no"] for i in r2024["items"]] == [1, 2]
    m = {x["id"]: x for x in r2024["measures"]}
    assert m["1-1"]["actual"] == 1_000_000 and m["1-1"]["year_actual"] == 1_000_000
    assert m["1-1"]["progress"] == 0.25 and m["1-1"]["planned_progress"] == 0.25 and m["1-1"]["grade"] == "A"
    assert m["1-1"]["planned"] == 1_000_000  # 4,000,000 × 1/4
    assert m["1-1"]["effect"] == 1_000_000  # the year's saving, not 0 − 累計
    assert r2024["effects"]["single_year"] == 1_000_000

    # 2025: 削減効果額 累計 1,900,000 → 0.475; planned 0.5, B line 0.3 → B. 電子申請件数 250 → 150/400 = 0.375 vs
    # planned 2/4: B. 相談件数 (from 2025, its line 2024→2027): 累計 60 → 0.2; planned 1/3, B line 0.6 × 1/3 = 0.2
    # exactly → B (a value on the line gets the higher grade).
    r2025 = _report(master, 2025)
    m = {x["id"]: x for x in r2025["measures"]}
    assert m["1-1"]["actual"] == 1_900_000 and m["1-1"]["year_actual"] == 900_000
    assert m["1-1"]["progress"] == pytest.approx(0.475) and m["1-1"]["grade"] == "B"
    assert m["2-1"]["grade"] == "B" and m["2-1"]["aggregation"] == ""
    assert m["3-1"]["actual"] == 60 and m["3-1"]["progress"] == pytest.approx(0.2)
    assert m["3-1"]["planned_progress"] == pytest.approx(1 / 3) and m["3-1"]["grade"] == "B"
    assert m["3-1"]["planned"] == 100  # 300 × 1/3
    # 財政効果額 2025: 900,000 single, 1,900,000 cumulative; planned 1,000,000 a year → 達成率 0.9, 累計 0.95
    e = {y["year"]: y for y in r2025["effects"]["by_year"]}
    assert e[2025]["single_year"] == 900_000 and e[2025]["cumulative"] == 1_900_000
    assert e[2025]["planned"] == 1_000_000 and e[2025]["attainment"] == pytest.approx(0.9)
    assert e[2025]["attainment_cumulative"] == pytest.approx(0.95)

    # 2026:
    # 削減効果額 累計 3,200,000 → 0.8 ≥ planned 0.75 → A. 電子申請件数 400 → 0.75 = planned 3/4 → A.
    # 相談件数 累計 200 → 2/3 = planned 2/3 → A. Policy 1: two A; policy 2: one A.
    r2026 = _report(master, 2026)
    m = {x["id"]: x for x in r2026["measures"]}
    assert m["1-1"]["actual"] == 3_200_000 and m["1-1"]["grade"] == "A"
    # The worksheet functions give the same: KK_CUMULATIVE over the row of yearly amounts, KK_GRADE of the 累計
    # with baseline 0 and the line starting the year before the plan (2023 here: the plan starts in 2024).
    amounts = [[1_000_000, 900_000, 1_300_000, None], [None, 60, 140, None]]
    assert udf.kk_cumulative(amounts) == [[1e6, 1.9e6, 3.2e6, EMPTY], [EMPTY] * 4]
    assert udf.kk_cumulative([[0.1, 0.2]]) == [[0.1, 0.3]]  # the typed decimals, added exactly
    assert udf.kk_grade(3_200_000, 0, 4_000_000, "増加", 2026, None, None, 2023, 2027) == m["1-1"]["grade"]
    assert udf.kk_grade(200, 0, 300, "増加", 2026, None, None, 2024, 2027) == m["3-1"]["grade"]  # from 2025
    assert m["3-1"]["actual"] == 200 and m["3-1"]["grade"] == "A"
    assert {i["no"]: i["grade"] for i in r2026["items"]} == {1: "A", 2: "A", 3: "A"}
    assert r2026["effects"]["cumulative"] == 3_200_000
    assert r2026["policies"][0]["effect_cumulative"] == 3_200_000

    # 2027: nothing entered: the running total is not known (never the 2026 total, never 0).
    r2027 = _report(master, 2027)
    m = {x["id"]: x for x in r2027["measures"]}
    assert m["1-1"]["actual"] is None and m["1-1"]["grade"] == "−"
    assert "2027年度の実績が未入力" in m["1-1"]["note"]

    # The master's 評価結果 shows the running total (実績) and the year's own amount (単年度の実績).
    _set_year(master, 2025)
    assert run("refresh", str(master)).returncode == 0
    sheet = load_workbook(master, data_only=True)[c.EVALUATION.sheet]
    header = [cell.value for cell in sheet[c.EVALUATION.anchor_row]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=4) if r[0].value}
    assert rows["1-1"][header.index("実績")].value == 1_900_000
    assert rows["1-1"][header.index("単年度の実績")].value == 900_000
    assert rows["1-1"][header.index("集計")].value == "累計"
    assert rows["2-1"][header.index("単年度の実績")].value is None  # a level measure: one value, shown once

    # The department workbook of 財政課 tells its staff which measure takes the year's amount.
    books = tmp_path / "books"
    result = run("distribute", str(master), "--out", str(books), "--year", "2026")
    assert result.returncode == 0, result.stderr
    book = load_workbook(next(books.glob("*財政課*.xlsx")))
    text = " ".join(str(r[0].value) for r in book[c.SHEET_DEPARTMENT_GUIDE].iter_rows() if r[0].value)
    assert "累計の指標です" in text and "削減効果額" in text

    out = tmp_path / "out"
    result = run("export", str(master), "--out", str(out), "--year", "2025")
    assert result.returncode == 0, result.stderr
    html = (out / "kaikaku_2025_report.html").read_text(encoding="utf-8")
    assert "1,900,000" in html and "累計" in html
    csv = (out / "kaikaku_2025_opendata.csv").read_text(encoding="utf-8-sig")
    line = next(x for x in csv.splitlines() if "削減効果額" in x)
    assert ",1900000," in line and ",900000" in line  # 実績値 = 累計; the year's amount in its own column


def test_plan_workbook_refuses_a_cumulative_measure_that_cannot_add_up(tmp_path: Path) -> None:
    bad = [dict(MEASURES[0], baseline=500, direction="減少"), *MEASURES[1:]]
    result = run("plan", "--plan", str(_plan(tmp_path, bad)), "--json")
    assert result.returncode != 0
    assert "指標!" in result.stderr and "累計の指標の基準値は 0" in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(PlanError, match="累計の指標の方向"):
        plan_from_dict(
            {
                "plan": {
                    "name": "x",
                    "city": "y",
                    "baseline_year": 2023,
                    "start_year": 2024,
                    "end_year": 2027,
                },
                "policies": [{"no": 1, "name": "p"}],
                "items": [
                    {
                        "no": 1,
                        "policy": 1,
                        "title": "t",
                        "lead": "課",
                        "measures": [
                            {
                                "name": "m",
                                "unit": "件",
                                "direction": "減少",
                                "target": 5,
                                "aggregation": "累計",
                            }
                        ],
                    }
                ],
            }
        )
