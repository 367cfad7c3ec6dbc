"""A plan written in Excel: the blank template, its reader (every mistake with sheet and cell, at once), init from
it, plans without measures / with some items without measures / with a single item, and the round trip of the
bundled plan (TOML → plan workbook → master equals the master built from the TOML)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from helpers.plan_workbook import fill_plan, run
from openpyxl import load_workbook

from kaikaku_xl.app.init import create_master
from kaikaku_xl.master import contract as c
from kaikaku_xl.plan import load_plan
from kaikaku_xl.plan_io import read_plan_workbook, write_plan_workbook

NOW = datetime.fromisoformat("2026-04-01T09:00:00")
HEAD = {
    "name": "架空市行財政改革推進計画",
    "city": "架空市",
    "city_code": "999991",
    "baseline_year": 2025,
    "start_year": 2026,
    "end_year": 2028,
}
POLICIES = [{"no": 1, "name": "効率的な行政運営"}, {"no": 2, "name": "健全な財政運営"}]


def _template(tmp_path: Path, name: str = "plan.xlsx") -> Path:
    path = tmp_path / name
    result = run("plan", "template", str(path))
    assert result.returncode == 0, result.stderr
    return path


def test_template_has_the_sheets_dropdowns_notes_and_an_example_row(tmp_path: Path) -> None:
    wb = load_workbook(_template(tmp_path))
    assert wb.sheetnames[:4] == ["計画", "基本方針", "取組項目", "指標"]
    measures = wb["指標"]
    assert [cell.value for cell in measures[3]][:6] == ["No", "指標名", "単位", "方向", "基準値", "目標値"]
    assert measures["A4"].value == "例" and measures["B4"].value  # the example row, never read
    lists = {dv.formula1 for dv in measures.data_validations.dataValidation}
    assert '"増加,減少,維持"' in lists and '"歳出削減,歳入増加,参考"' in lists
    assert "増加" in measures["D3"].comment.text  # the header's note says what to write
    assert "必須" in wb["取組項目"]["F3"].comment.text
    head = wb["計画"]
    assert [head.cell(row=r, column=1).value for r in range(4, 8)] == [
        "計画名*",
        "副題",
        "地方公共団体名*",
        "全国地方公共団体コード",
    ]


def test_a_blank_template_is_refused_listing_what_is_missing(tmp_path: Path) -> None:
    path = _template(tmp_path)
    result = run("plan", "--plan", str(path), "--json")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "計画!B4: 「計画名」が空欄です" in result.stderr
    assert "取組項目が1つもありません" in result.stderr


def test_every_mistake_is_reported_at_once_with_sheet_and_cell(tmp_path: Path) -> None:
    path = fill_plan(
        _template(tmp_path),
        {**HEAD, "start_year": "令和八年"},
        {
            "PlanPolicies": [*POLICIES, {"no": 1, "name": "重複した方針"}],
            "PlanItems": [
                {"no": 1, "policy": 1, "title": "窓口の改善", "lead": "市民課"},
                {"no": 2, "policy": 9, "title": "ない方針", "lead": "総務課"},
                {
                    "no": "R1-3",
                    "policy": 1,
                    "title": "期間外に始まる",
                    "lead": "総務課",
                    "start_year": 2028,
                    "end_year": 2026,
                },
                {"no": 4, "policy": 2, "title": "", "lead": "財政課"},
            ],
            "PlanMeasures": [
                {
                    "item": 1,
                    "name": "待ち時間",
                    "unit": "分",
                    "direction": "下がる",
                    "baseline": 30,
                    "target": 15,
                },
                {
                    "item": 1,
                    "name": "手数料収入",
                    "unit": "円",
                    "direction": "増加",
                    "baseline": "たくさん",
                    "target": 100,
                    "effect_kind": "増収",
                },
                {
                    "item": 7,
                    "name": "ない項目",
                    "unit": "件",
                    "direction": "増加",
                    "baseline": 1,
                    "target": 2,
                },
                {"item": 1, "name": "満足度", "unit": "%", "direction": "維持", "baseline": 80, "target": 90},
            ],
        },
    )
    result = run("init", str(tmp_path / "m.xlsx"), "--plan", str(path))
    err = result.stderr
    assert result.returncode == 2 and "Traceback" not in err, err
    expected = [
        "計画!B9: 計画開始年度「令和八年」は整数ではありません",
        "基本方針!A7: 基本方針 No.1 が重複しています",
        "取組項目!B6: 基本方針「9」は基本方針シートにありません",
        "取組項目!I7: 終了年度が開始年度より前です",
        "取組項目!C8: 「取組項目名」が空欄です",
        "指標!D5: 方向「下がる」は使えません",
        "指標!E6: 基準値「たくさん」",
        "指標!G6: 効果区分「増収」は使えません",
        "指標!A7: 取組項目 No.7 は取組項目シートにありません",
        "指標!F8: 方向が維持なのに基準値と目標値が異なります",
    ]
    for line in expected:
        assert line in err, (line, err)
    assert f"{len(expected)} 件の問題" in err
    assert not (tmp_path / "m.xlsx").exists()


def test_not_a_workbook_is_refused_plainly(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"not a zip")
    result = run("plan", "--plan", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "読めません" in result.stderr


def _cells(path: Path) -> dict[str, dict[str, object]]:
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        values = {
            cell.coordinate: cell.value for row in ws.iter_rows() for cell in row if cell.value is not None
        }
        if ws.title in (c.REFRESH_LOG.sheet, c.SHEET_DASHBOARD):
            values = {k: v for k, v in values.items() if k not in ("B7",) and not str(k).startswith("A4")}
        out[ws.title] = values
    return out


def test_bundled_plan_round_trips_through_a_plan_workbook(tmp_path: Path) -> None:
    bundled = load_plan()
    book = write_plan_workbook(tmp_path / "omitama_plan.xlsx", bundled)
    assert read_plan_workbook(book) == bundled
    from_toml, from_book = tmp_path / "toml.xlsx", tmp_path / "book.xlsx"
    create_master(bundled, from_toml, now=NOW)
    result = run("init", str(from_book), "--plan", str(book), "--now", NOW.isoformat())
    assert result.returncode == 0, result.stderr
    a, b = load_workbook(from_toml), load_workbook(from_book)
    assert a.sheetnames == b.sheetnames
    for x, y in zip(a.worksheets, b.worksheets, strict=True):
        assert dict(x.tables.items()) == dict(y.tables.items()), x.title
    assert _cells(from_toml) == _cells(from_book)


def test_plan_json_shows_what_a_plan_workbook_says(tmp_path: Path) -> None:
    path = fill_plan(
        _template(tmp_path),
        HEAD,
        {
            "PlanPolicies": POLICIES,
            "PlanItems": [
                {
                    "no": 1,
                    "policy": 1,
                    "title": "窓口の改善",
                    "lead": "市民課",
                    "departments": "市民課、総務課",
                    "actions": "予約制の導入\nキャッシュレス決済",
                }
            ],
            "PlanMeasures": [
                {
                    "item": 1,
                    "name": "待ち時間",
                    "unit": "分",
                    "direction": "減少",
                    "baseline": "30",
                    "target": "１５",
                }
            ],
        },
    )
    result = run("plan", "--plan", str(path), "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["city"] == "架空市" and plan["period"] == [2026, 2028] and plan["baseline_year"] == 2025
    item = plan["items"][0]
    assert item["departments"] == ["市民課", "総務課"] and item["actions"] == [
        "予約制の導入",
        "キャッシュレス決済",
    ]
    assert item["measures"][0]["baseline"] == 30 and item["measures"][0]["target"] == 15


ITEMS_NONE = [
    {"no": 1, "policy": 1, "title": "業務プロセスの見直し", "lead": "行政改革課"},
    {"no": 2, "policy": 1, "title": "職員提案制度の活性化", "lead": "人事課"},
    {"no": 3, "policy": 2, "title": "補助金の見直し", "lead": "財政課"},
]


@pytest.mark.parametrize("shape", ["no_measures", "some_measures", "single_item"])
def test_plans_of_every_shape_work_through_init_refresh_report_export(tmp_path: Path, shape: str) -> None:
    items = ITEMS_NONE[:1] if shape == "single_item" else ITEMS_NONE
    policies = POLICIES[:1] if shape == "single_item" else POLICIES
    measures = (
        []
        if shape == "no_measures"
        else [
            {
                "item": 1,
                "name": "処理時間",
                "unit": "時間",
                "direction": "減少",
                "baseline": 1000,
                "target": 700,
                "effect_kind": "参考",
            }
        ]
    )
    if shape == "some_measures":
        measures.append(
            {
                "item": 3,
                "name": "補助金総額",
                "unit": "円",
                "direction": "減少",
                "baseline": 5_000_000,
                "target": 4_000_000,
                "effect_kind": "歳出削減",
            }
        )
    plan = fill_plan(
        _template(tmp_path), HEAD, {"PlanPolicies": policies, "PlanItems": items, "PlanMeasures": measures}
    )
    master = tmp_path / "master.xlsx"
    result = run("init", str(master), "--plan", str(plan))
    assert result.returncode == 0, result.stderr
    wb = load_workbook(master)
    for row in wb["進捗状況"].iter_rows(min_row=4):  # the department grades item 2, which has no measure
        if row[0].value == 2 and row[2].value == 2026:
            row[3].value, row[4].value = "実施中", "B"
    if measures:
        assert wb["実績"]["C3"].value == "単位" and wb["実績"]["D3"].value == "2026年度"
        wb["実績"]["D4"] = 900  # 処理時間 2026: progress 1/3 = planned (2026 − 2025) / 3 → A
    if shape == "some_measures":
        wb["実績"]["D5"] = 4_600_000  # progress 0.4 ≥ 1/3 → A; 歳出削減 400,000円
    wb.save(master)
    assert run("refresh", str(master)).returncode == 0
    report = json.loads(run("report", str(master), "--json").stdout)
    grades = {i["no"]: i["grade"] for i in report["items"]}
    expected = {
        "no_measures": {1: "−", 2: "B", 3: "−"},
        "some_measures": {1: "A", 2: "B", 3: "A"},
        "single_item": {1: "A"},
    }[shape]
    assert grades == expected
    assert report["total"]["graded"] == sum(g != "−" for g in expected.values())
    if shape == "no_measures":
        assert report["measures"] == [] and report["total"]["shares"]["B"] == 1
    if shape == "some_measures":
        assert report["effects"]["single_year"] == 400_000
    out = tmp_path / "out"
    result = run("export", str(master), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "kaikaku_2026_opendata.csv").exists() and (out / "kaikaku_2026_report.html").exists()
