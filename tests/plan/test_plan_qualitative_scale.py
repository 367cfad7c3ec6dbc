"""Shaped plan #1 (issue 9), built here: no numeric measures, and a four-grade scale the departments type.

Driven as a new city would: plan workbook → init → grades typed in 進捗状況 → refresh → report --json → export
(xlsx, HTML, PDF, CSV). Asserted: counts per grade, 対象外 left out of the shares, blank counted as 未入力 (−),
the narratives the plan's 要説明 grades ask for, and 財政効果額 shown as − (not known), never 0.
"""

from __future__ import annotations

import base64
import csv
import json
import re
import subprocess
from pathlib import Path

from helpers.plan_workbook import fill_plan, run, write_scale
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c

HEAD = {
    "name": "架空郷行政改革プラン",
    "city": "架空郷",
    "baseline_year": 2025,
    "start_year": 2026,
    "end_year": 2028,
}
# Invented labels (no city's wording): best first; the two lower ones ask for narratives (要説明).
SCALE = [
    ["着実に前進", "予定以上に進んでいる", "1F6F4A", "入力", None, "いいえ"],
    ["おおむね前進", None, "8FC1A9", "入力", None, "いいえ"],
    ["停滞", "予定より遅れている", "E8A33D", "入力", None, "はい"],
    ["休止中", None, "B03A2E", "入力", None, "はい"],
]
LABELS = [row[0] for row in SCALE]
ITEMS = [  # (No, 基本方針, 主要担当課, the grade typed for 2026)
    (1, 1, "企画課", "着実に前進"),
    (2, 1, "企画課", "おおむね前進"),
    (3, 1, "総務課", "停滞"),
    (4, 2, "総務課", "休止中"),
    (5, 2, "企画課", "対象外"),
    (6, 2, "総務課", None),  # not entered yet: 未入力 (−)
    (7, 2, "企画課", "着実に前進"),
]


def qualitative_plan(tmp_path: Path) -> Path:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    fill_plan(
        plan,
        HEAD,
        {
            "PlanPolicies": [{"no": 1, "name": "事務の見直し"}, {"no": 2, "name": "公共施設の適正化"}],
            "PlanItems": [
                {"no": no, "policy": p, "title": f"取組{no}", "lead": lead} for no, p, lead, _ in ITEMS
            ],
        },
    )
    write_scale(plan, SCALE)
    return plan


def _type_grades(master: Path) -> str:
    """Type the 2026 grades (and one wrong label in 2027); the wrong cell's address."""
    wb = load_workbook(master)
    ws = wb[c.STATUS.sheet]
    headers = [cell.value for cell in ws[c.STATUS.anchor_row]]
    col = {  # by header: 評価 is headed for every item under this typed scale (Column.also)
        key: next(headers.index(h) for h in (spec.header, *spec.also) if h in headers)
        for key in ("item", "year", "status", "grade", "results", "issues", "next")
        for spec in [c.STATUS.column(key)]
    }
    grades = {no: grade for no, _p, _l, grade in ITEMS}
    bad_cell = ""
    for row in ws.iter_rows(min_row=c.STATUS.anchor_row + 1):
        no, year = row[col["item"]].value, row[col["year"]].value
        if year == 2026 and no in grades:
            row[col["status"]].value = "実施中" if grades[no] else None
            row[col["grade"]].value = grades[no]
            if no == 3:  # 停滞 with its narratives written; 休止中 (No.4) left without
                for key in ("results", "issues", "next"):
                    row[col[key]].value = "記入済み"
        if year == 2027 and no == 1:
            row[col["grade"]].value = "A"  # the default scale's label: not this plan's
            bad_cell = row[col["grade"]].coordinate
    # No.5's 対象外 is a proposal until the 推進本部 decides it: its 計画の見直し row (issue #20)
    rv = wb[c.REVISIONS.sheet]
    headers = [cell.value for cell in rv[c.REVISIONS.anchor_row]]
    decision = {
        "year": 2026,
        "kind": c.REVISION_EXCLUDED,
        "item": 5,
        "reason": "休止",
        "decided": "2027-03-15",
    }
    for key, value in decision.items():
        rv.cell(
            row=c.REVISIONS.anchor_row + 1, column=headers.index(c.REVISIONS.column(key).header) + 1
        ).value = value
    wb.save(master)
    return bad_cell


def _svg_texts(html: str) -> str:
    return "".join(
        base64.b64decode(m).decode()
        for m in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)
    )


def test_no_measures_and_a_typed_four_grade_scale_end_to_end(tmp_path: Path) -> None:
    plan = qualitative_plan(tmp_path)
    shown = json.loads(run("plan", "--plan", str(plan), "--json").stdout)
    assert [g["label"] for g in shown["grades"]] == LABELS and [g["explain"] for g in shown["grades"]] == [
        False,
        False,
        True,
        True,
    ]
    master = tmp_path / "master.xlsx"
    result = run("init", str(master), "--plan", str(plan))
    assert result.returncode == 0, result.stderr

    wb = load_workbook(master)
    scale_ws = wb[c.GRADE_SCALE.sheet]
    assert [
        r[0].value for r in scale_ws.iter_rows(min_row=c.GRADE_SCALE.anchor_row + 1) if r[0].value
    ] == LABELS
    status = wb[c.STATUS.sheet]
    lists = [dv.formula1 for dv in status.data_validations.dataValidation]
    assert '"' + ",".join([*LABELS, "対象外"]) + '"' in lists  # the 評価 dropdown offers the plan's labels
    settings_keys = [r[0].value for r in wb[c.SETTINGS.sheet].iter_rows(min_row=c.SETTINGS.anchor_row + 1)]
    assert "grade_b_ratio" not in settings_keys  # the default's thresholds do not apply to this plan

    bad_cell = _type_grades(master)
    result = run("refresh", str(master))
    assert result.returncode in (0, 1), result.stderr
    out = load_workbook(master, data_only=True)
    summary = out[c.POLICY_SUMMARY.sheet]
    header = [cell.value for cell in summary[c.POLICY_SUMMARY.anchor_row]]
    assert header[4:10] == [*LABELS, "−", "対象外"] and f"{LABELS[0]}割合" in header
    total = next(r for r in summary.iter_rows(min_row=4, values_only=True) if r[0] == "全体")
    assert list(total[4:10]) == [2, 1, 1, 1, 1, 1]
    painted = load_workbook(master)[c.ITEM_RESULTS.sheet].conditional_formatting  # kept by refresh
    fills = {(r.formula[0], r.dxf.fill.fgColor.rgb[-6:]) for cf in painted for r in cf.rules}
    assert {(f'"{row[0]}"', row[2]) for row in SCALE} <= fills
    problems = [r for r in out[c.PROBLEMS.sheet].iter_rows(min_row=4, values_only=True) if r[0]]
    assert any(r[1] == c.STATUS.sheet and r[2] == bad_cell and LABELS[0] in str(r[4]) for r in problems)
    dash = out[c.SHEET_DASHBOARD]
    assert [dash.cell(row=c.DASHBOARD_GRADES.anchor_row, column=j).value for j in range(2, 6)] == LABELS

    report = json.loads(run("report", "--json", str(master)).stdout)
    t = report["total"]
    assert (t["items"], t["graded"]) == (7, 5)  # 対象外 and − are not graded
    assert t["counts"] == {"着実に前進": 2, "おおむね前進": 1, "停滞": 1, "休止中": 1, "−": 1, "対象外": 1}
    assert t["shares"] == {"着実に前進": 0.4, "おおむね前進": 0.2, "停滞": 0.2, "休止中": 0.2}  # of 5, not 7
    p2 = next(p for p in report["policies"] if p["policy"] == 2)
    assert p2["counts"]["対象外"] == 1 and p2["graded"] == 2 and p2["shares"]["休止中"] == 0.5
    assert report["effects"]["single_year"] is None and t["effect_year"] is None  # not known, never 0
    assert report["measures"] == [] and [g["label"] for g in report["grades"]] == LABELS
    narratives = [p["message"] for p in report["problems"] if "記入が必要" in p["message"]]
    assert len(narratives) == 1 and "No.4" in narratives[0] and "休止中" in narratives[0]

    export = tmp_path / "out"
    result = run("export", str(master), "--out", str(export))
    assert result.returncode == 0, result.stderr
    html = (export / "kaikaku_2026_report.html").read_text(encoding="utf-8")
    assert "着実に前進（予定以上に進んでいる）" in html and "休止中" in html
    svg = _svg_texts(html)
    assert "#1F6F4A" in svg and "#B03A2E" in svg  # the plan's colours in the share chart
    assert not re.search(r"(?<![\d,.])0円", html)
    xlsx = load_workbook(export / "kaikaku_2026_report.xlsx")
    cells = {(ws.title, cell.value) for ws in xlsx for row in ws.iter_rows() for cell in row if cell.value}
    assert any(v == "着実に前進（予定以上に進んでいる）" for _s, v in cells)
    overview = next(ws for ws in xlsx if any(cell.value == "全体" for row in ws.iter_rows() for cell in row))
    whole = next(r for r in overview.iter_rows(values_only=True) if r[0] == "全体")
    assert list(whole[1:9]) == [7, 5, 2, 1, 1, 1, 1, 1]  # 項目数, 評価対象, four grades, −, 対象外
    with (export / "kaikaku_2026_opendata.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["評価"] for r in rows) == sorted(
        [
            "着実に前進",
            "おおむね前進",
            "停滞",
            "休止中",
            "対象外",
            "",
            "着実に前進",
        ]  # no grade: empty (issue 20)
    )
    assert all(r["財政効果額"] == "" for r in rows)
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(export / "kaikaku_2026_report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "おおむね前進" in pdf and "休止中" in pdf
