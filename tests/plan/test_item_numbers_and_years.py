"""Item numbers as text with natural sort ("2" < "10" < "R1-3"), and items added mid-plan (開始年度) or ended
(終了年度): counted only in the years they run, in every count, roll-up and export."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.plan_workbook import run, text_numbered_plan
from openpyxl import load_workbook

from kaikaku_xl.app.report import report_from_file
from kaikaku_xl.master import contract as c
from kaikaku_xl.plan import load_plan, natural_key

HEAD = {
    "name": "架空村改革計画",
    "city": "架空村",
    "baseline_year": 2025,
    "start_year": 2026,
    "end_year": 2029,
}
ITEMS = [
    {"no": "10", "policy": 1, "title": "公共施設の再編", "lead": "財産管理課"},
    {"no": "2", "policy": 1, "title": "電子申請の拡大", "lead": "DX推進課"},
    {"no": "R1-3", "policy": 2, "title": "令和1年度追加の取組", "lead": "企画課", "start_year": 2027},
    {"no": "2-(1)-3", "policy": 2, "title": "内部事務の見直し", "lead": "総務課", "end_year": 2027},
]


def test_natural_sort() -> None:
    assert sorted(["10", "2", "R1-3", "2-(1)-10", "2-(1)-3", "1"], key=natural_key) == [
        "1",
        "2",
        "2-(1)-3",
        "2-(1)-10",
        "10",
        "R1-3",
    ]
    assert [i.no for i in load_plan().items] == list(range(1, 28))  # the bundled plan keeps its numbers


def _plan(tmp_path: Path) -> Path:
    policies = [{"no": 1, "name": "行政運営"}, {"no": 2, "name": "内部改革"}]
    return text_numbered_plan(tmp_path / "plan.xlsx", HEAD, policies, ITEMS)


def test_text_numbers_and_start_years_through_plan_init_refresh_report_export(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    shown = json.loads(run("plan", "--plan", str(plan), "--json").stdout)
    assert [i["no"] for i in shown["items"]] == [2, "2-(1)-3", 10, "R1-3"]
    assert shown["items"][3]["start_year"] == 2027 and shown["items"][1]["end_year"] == 2027
    master = tmp_path / "master.xlsx"
    result = run("init", str(master), "--plan", str(plan))
    assert result.returncode == 0, result.stderr
    wb = load_workbook(master)
    status = [
        (r[0].value, r[2].value) for r in wb[c.STATUS.sheet].iter_rows(min_row=4) if r[0].value is not None
    ]
    assert ("R1-3", 2026) not in status and ("R1-3", 2027) in status  # no row before it starts
    assert ("2-(1)-3", 2028) not in status and ("2-(1)-3", 2027) in status
    items = wb[c.ITEMS.sheet]
    header = [cell.value for cell in items[c.ITEMS.anchor_row]]
    assert header[header.index("開始年度") + 1] == "終了年度"  # (推進項目 columns follow them)
    rows = {r[0].value: r for r in items.iter_rows(min_row=4)}
    assert rows["R1-3"][header.index("開始年度")].value == 2027
    actuals = wb["実績"]
    by_no = {r[0].value: r for r in actuals.iter_rows(min_row=4)}
    by_no["2-(1)-3"][3].value = 700  # 2026: progress 0.25 = planned 1/4 → A
    by_no["2-(1)-3"][4].value = 600  # 2027
    by_no["R1-3"][4].value = 800_000  # 2027: progress 0.5 = planned 2/4 → A; 200,000円
    ledger = wb[c.LEDGER.sheet]
    ledger.cell(row=4, column=1, value="R1-3")
    for col, value in enumerate((2027, "歳出削減", 50_000, "契約見直し", "見積比較"), start=2):
        ledger.cell(row=4, column=col, value=value)
    wb.save(master)
    assert run("refresh", str(master)).returncode == 0
    validate = run("validate", str(master))
    assert "R1-3" not in validate.stdout.replace("No.R1-3", "")  # the text number is understood everywhere

    first = report_from_file(master, 2026).to_dict()
    assert [i["no"] for i in first["items"]] == [2, "2-(1)-3", 10]  # R1-3 does not run yet
    assert first["total"]["items"] == 3 and [m["item"] for m in first["measures"]] == ["2-(1)-3"]
    second = report_from_file(master, 2027).to_dict()
    assert [i["no"] for i in second["items"]] == [2, "2-(1)-3", 10, "R1-3"]
    assert {i["no"]: i["grade"] for i in second["items"]}["R1-3"] == "A"
    assert second["effects"]["single_year"] == 250_000  # 200,000 measured + 50,000 ledger
    third = report_from_file(master, 2028).to_dict()
    assert [i["no"] for i in third["items"]] == [2, 10, "R1-3"]  # 2-(1)-3 ended in 2027
    assert third["policies"][1]["items"] == 1

    out = tmp_path / "out"
    result = run("export", str(master), "--out", str(out), "--year", "2027")
    assert result.returncode == 0, result.stderr
    html = (out / "kaikaku_2027_report.html").read_text(encoding="utf-8")
    assert "R1-3" in html and "2-(1)-3" in html
    sheet = load_workbook(master, data_only=True)[c.ITEM_RESULTS.sheet]
    assert [r[0].value for r in sheet.iter_rows(min_row=4) if r[0].value is not None] == [2, "2-(1)-3", 10]


def test_status_row_outside_an_items_years_is_reported(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    assert run("init", str(master), "--plan", str(_plan(tmp_path))).returncode == 0
    wb = load_workbook(master)
    ws = wb[c.STATUS.sheet]
    row = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "R1-3" and r[2].value == 2027)
    row[2].value = 2026  # a year before the item starts
    wb.save(master)
    result = run("validate", str(master))
    assert f"進捗状況!C{row[2].row}" in result.stdout and "2026年度には実施しない項目" in result.stdout
