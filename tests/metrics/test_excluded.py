"""対象外 is an explicit entry (status or grade dropdown): out of every denominator, counted in its own column.
A blank stays 未入力 (−) and is counted as such, never as 対象外."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.plan_workbook import fill_plan, run
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c

HEAD = {
    "name": "架空町改革プラン",
    "city": "架空町",
    "baseline_year": 2025,
    "start_year": 2026,
    "end_year": 2028,
}


def _master(tmp_path: Path) -> Path:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    fill_plan(
        plan,
        HEAD,
        {
            "PlanPolicies": [{"no": 1, "name": "行政運営"}],
            "PlanItems": [
                {"no": n, "policy": 1, "title": f"取組{n}", "lead": "企画課"} for n in (1, 2, 3, 4)
            ],
            "PlanMeasures": [
                {
                    "item": 3,
                    "name": "電子申請件数",
                    "unit": "件",
                    "direction": "増加",
                    "baseline": 100,
                    "target": 400,
                }
            ],
        },
    )
    master = tmp_path / "master.xlsx"
    assert run("init", str(master), "--plan", str(plan)).returncode == 0
    return master


def _decide(master: Path, *items: int, year: int = 2026) -> None:
    """The coordinator records the 推進本部's decision: a 計画の見直し row of 区分 対象外 per item."""
    wb = load_workbook(master)
    ws = wb[c.REVISIONS.sheet]
    headers = [cell.value for cell in ws[c.REVISIONS.anchor_row]]
    free = c.REVISIONS.anchor_row + 1
    for item in items:
        row = {
            "適用開始年度": year,
            "区分": "対象外",
            "No": item,
            "理由": "事業休止",
            "推進本部決定日": "2027-03-15",
        }
        for header, value in row.items():
            ws.cell(row=free, column=headers.index(header) + 1, value=value)
        free += 1
    wb.save(master)


def test_excluded_items_leave_every_denominator_and_blank_stays_not_entered(tmp_path: Path) -> None:
    """A department's 対象外 is a proposal (the item stays graded, the proposal is listed); the 推進本部's decision,
    a 計画の見直し row, takes the item out of every denominator (issue #20)."""
    master = _master(tmp_path)
    wb = load_workbook(master)
    ws = wb[c.STATUS.sheet]
    lists = [dv for dv in ws.data_validations.dataValidation]
    assert any("対象外" in dv.formula1 and "実施中" in dv.formula1 for dv in lists)  # status dropdown
    assert any("対象外" in dv.formula1 and '"S,' in dv.formula1 for dv in lists)  # grade dropdown
    rows = {(r[0].value, r[2].value): r for r in ws.iter_rows(min_row=4)}
    rows[(1, 2026)][4].value = "A"  # graded by the department
    rows[(2, 2026)][4].value = "対象外"  # proposed through the grade column, no reason given
    rows[(3, 2026)][3].value = "対象外"  # proposed through the status, although it has a measure
    rows[(3, 2026)][5].value = "事業を休止したため"  # its reason (取組実績)
    # item 4: nothing entered → 未入力
    wb[c.actuals_spec([2026]).sheet]["D4"] = 300  # item 3's measure: progress 2/3, would be S/A if counted
    wb.save(master)
    assert run("refresh", str(master)).returncode == 0
    report = json.loads(run("report", str(master), "--json").stdout)
    grades = {i["no"]: i["grade"] for i in report["items"]}
    assert grades[2] == "−" and grades[3] not in ("対象外", "−")  # not excluded by the department alone
    assert [(p["no"], p["reason"]) for p in report["exclusion_proposals"]] == [
        (2, ""),
        (3, "事業を休止したため"),
    ]
    listed = run("validate", str(master)).stdout
    assert "No.2（企画課）2026年度: 担当課が「対象外」を提案しています（理由が未記入" in listed
    assert "No.3（企画課）2026年度: 担当課が「対象外」を提案しています（理由: 事業を休止したため）" in listed
    status = json.loads(run("status", str(master), "--json").stdout)
    assert status["summary"]["exclusion_proposals"] == 2
    assert any("No.2（対象外の提案）" in n for n in status["departments"][0]["narratives"])  # reason missing

    _decide(master, 2, 3)
    assert run("refresh", str(master)).returncode == 0
    report = json.loads(run("report", str(master), "--json").stdout)
    assert "exclusion_proposals" not in report  # decided
    assert {i["no"]: i["grade"] for i in report["items"]} == {1: "A", 2: "対象外", 3: "対象外", 4: "−"}
    total = report["total"]
    assert total["items"] == 4 and total["graded"] == 1
    assert total["counts"] == {"S": 0, "A": 1, "B": 0, "C": 0, "D": 0, "−": 1, "対象外": 2}
    assert total["shares"]["A"] == 1  # 1 of 1 graded: 対象外 and 未入力 are not in the denominator
    assert total["mean_progress"] is None  # the only measure belongs to an excluded item
    assert "対象外" not in run("validate", str(master)).stdout.replace("評価対象外", "")

    out = load_workbook(master, data_only=True)
    items = out[c.ITEM_RESULTS.sheet]
    header = [cell.value for cell in items[c.ITEM_RESULTS.anchor_row]]
    label = header.index("評価の区分")
    labels = {r[0].value: r[label].value for r in items.iter_rows(min_row=c.ITEM_RESULTS.anchor_row + 1)}
    assert labels == {1: "順調", 2: "対象外", 3: "対象外", 4: "未入力"}
    summary = out[c.POLICY_SUMMARY.sheet]
    header = [cell.value for cell in summary[c.POLICY_SUMMARY.anchor_row]]
    first = [cell.value for cell in summary[c.POLICY_SUMMARY.anchor_row + 1]]
    assert first[header.index("対象外")] == 2 and first[header.index("−")] == 1
    assert first[header.index("評価対象")] == 1 and first[header.index("A割合")] == 1


def test_unknown_grade_is_reported_and_counted_as_not_entered(tmp_path: Path) -> None:
    master = _master(tmp_path)
    wb = load_workbook(master)
    ws = wb[c.STATUS.sheet]
    ws["E4"] = "対象"  # a typo: neither a grade nor 対象外
    wb.save(master)
    result = run("validate", str(master))
    assert "評価「対象」は使えません" in result.stdout and "対象外" in result.stdout
    report = json.loads(run("report", str(master), "--json").stdout)
    assert report["items"][0]["grade"] == "−"


def test_council_materials_count_excluded_apart(tmp_path: Path) -> None:
    master = _master(tmp_path)
    wb = load_workbook(master)
    wb[c.STATUS.sheet]["D4"] = "対象外"
    wb.save(master)
    assert run("refresh", str(master)).returncode == 0
    out = tmp_path / "out"
    assert run("export", str(master), "--out", str(out)).returncode == 0
    html = (out / "kaikaku_2026_report.html").read_text(encoding="utf-8")
    assert "−（未入力・評価不能）" in html and "/counts/対象外" in html
