"""計画期間の総括評価 (issue 22) on a 5-year plan shaped like 福知山's (R2–R6, baseline R1), built here (no city's
figures): actuals typed for every year, the period grades and comments typed on the sheet, refresh run as a process;
the period review is checked in the master's sheet (re-opened with openpyxl), `report --json` and the last year's
xlsx/HTML/PDF; a year that is not the last prints no period section. Expected grades are worked out by hand below.

Plan-end grades (planned progress at the plan's end = 100%: S ≥ 100%, B ≥ 60%, C ≥ 0, D below):
- No.1 事務処理時間 10,000 → 8,000 時間 (減少), 2024 actual 7,900: (7,900 − 10,000) ÷ (8,000 − 10,000) = 105% → S
- No.2 施設数 120 → 100 件 (減少), 2024 actual 112: 8 ÷ 20 = 40% → C
- No.3 収納率 95.0 → 97.0 % (増加), 2024 actual 96.4: 1.4 ÷ 2.0 = 70% → B
- No.4 削減効果額 累計 0 → 300,000,000 円, yearly 50+60+70+60+80 = 320 百万 → 106.7% → S
- No.5, No.6 without measures: typed A and B; No.7 without measures and nothing typed: − (未入力)
基本方針1 = items 1, 2, 5 (S, C, A); 基本方針2 = items 3, 4, 6, 7 (B, S, B, −).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers.plan_workbook import fill_plan, run
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.inputs import PERIOD_REVIEW, period_summary_spec

HEAD = {
    "name": "架空市行財政改革実行計画",
    "city": "架空市",
    "baseline_year": 2019,
    "start_year": 2020,
    "end_year": 2024,
}
TABLES = {
    "PlanPolicies": [{"no": 1, "name": "効率的な行政運営"}, {"no": 2, "name": "健全な財政運営"}],
    "PlanItems": [
        {"no": 1, "policy": 1, "title": "事務事業の見直し", "lead": "行革推進課"},
        {"no": 2, "policy": 1, "title": "公共施設の適正配置", "lead": "資産活用課"},
        {"no": 3, "policy": 2, "title": "市税収納率の向上", "lead": "税務課"},
        {"no": 4, "policy": 2, "title": "歳出の削減", "lead": "財政課"},
        {"no": 5, "policy": 1, "title": "職員の意識改革", "lead": "人事課"},
        {"no": 6, "policy": 2, "title": "受益者負担の適正化", "lead": "財政課"},
        {"no": 7, "policy": 2, "title": "外郭団体の見直し", "lead": "行革推進課"},
    ],
    "PlanMeasures": [
        {
            "item": 1,
            "name": "事務処理時間",
            "unit": "時間",
            "direction": "減少",
            "baseline": 10_000,
            "target": 8_000,
        },
        {"item": 2, "name": "施設数", "unit": "件", "direction": "減少", "baseline": 120, "target": 100},
        {"item": 3, "name": "市税収納率", "unit": "%", "direction": "増加", "baseline": 95.0, "target": 97.0},
        {
            "item": 4,
            "name": "削減効果額",
            "unit": "円",
            "direction": "増加",
            "baseline": 0,
            "target": 300_000_000,
            "aggregation": "累計",
        },
    ],
}
ACTUALS = {  # 2020 … 2024, as typed each year
    "事務処理時間": [9_800, 9_500, 9_100, 8_600, 7_900],
    "施設数": [119, 117, 116, 114, 112],
    "市税収納率": [95.2, 95.5, 95.8, 96.1, 96.4],
    "削減効果額": [50_000_000, 60_000_000, 70_000_000, 60_000_000, 80_000_000],
}
TYPED = {
    5: ("A", "研修を毎年実施し、改善提案は5年間で120件。"),
    6: ("B", "使用料を見直したが一部は据え置き。"),
}
COMMENT_7 = "3団体のうち1団体を統合した。"  # a comment without a grade: the grade stays 未入力
EXPECTED = {1: "S", 2: "C", 3: "B", 4: "S", 5: "A", 6: "B", 7: "−"}


def _master(tmp_path: Path) -> Path:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    fill_plan(plan, HEAD, TABLES)
    master = tmp_path / "master.xlsx"
    result = run("init", str(master), "--plan", str(plan))
    assert result.returncode == 0, result.stderr
    return master


def _type_inputs(master: Path, year: int) -> None:
    """Actuals of every year, the period grades and comments, and the evaluation year, as staff type them."""
    wb = load_workbook(master)
    actuals = wb["実績"]
    header = [cell.value for cell in actuals[3]]
    for row in actuals.iter_rows(min_row=4):
        for y, value in zip(range(2020, 2025), ACTUALS.get(row[1].value, []), strict=False):
            row[header.index(f"{y}年度")].value = value
    ws = wb[PERIOD_REVIEW.sheet]
    for row in ws.iter_rows(min_row=PERIOD_REVIEW.anchor_row + 1, max_col=len(PERIOD_REVIEW.columns)):
        grade, comment = TYPED.get(row[0].value, (None, COMMENT_7 if row[0].value == 7 else None))
        row[4].value, row[5].value = grade, comment
    settings = wb[c.SETTINGS.sheet]
    next(r for r in settings.iter_rows(min_row=4) if r[0].value == "evaluation_year")[2].value = year
    wb.save(master)


def _sheet(master: Path) -> tuple[dict[Any, list[Any]], dict[Any, dict[str, Any]]]:
    """The period sheet as openpyxl reads it: item rows by No, roll-up rows by 基本方針 (header -> value)."""
    ws = load_workbook(master)[PERIOD_REVIEW.sheet]
    rows = {
        r[0]: list(r)
        for r in ws.iter_rows(
            min_row=PERIOD_REVIEW.anchor_row + 1, max_col=len(PERIOD_REVIEW.columns), values_only=True
        )
        if r[0] is not None
    }
    spec = period_summary_spec()
    top = spec.anchor_row
    heads = [ws.cell(row=top, column=spec.anchor_col + j).value for j in range(len(spec.columns))]
    summary = {}
    for r in range(top + 1, top + 10):
        values = [ws.cell(row=r, column=spec.anchor_col + j).value for j in range(len(spec.columns))]
        if values[0] is not None:
            summary[values[0]] = dict(zip(heads, values, strict=True))
    return rows, summary


def _export(master: Path, out: Path) -> Path:
    result = run("export", str(master), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.slow
def test_a_five_year_plan_reviews_its_whole_period_in_the_last_year(tmp_path: Path) -> None:
    master = _master(tmp_path)
    _type_inputs(master, 2024)
    assert run("refresh", str(master)).returncode == 0
    result = run("refresh", str(master))  # twice: the typed cells stay as typed
    assert result.returncode == 0, result.stderr

    rows, summary = _sheet(master)
    assert {no: r[6] for no, r in rows.items()} == EXPECTED
    assert rows[1][8] == "主指標・2024年度の実績" and rows[5][8] == "総括評価（入力）"
    assert rows[7][7] == "未入力"
    assert {no: (r[4], r[5]) for no, r in rows.items() if no in TYPED} == TYPED  # never touched by refresh
    assert rows[7][4] is None and rows[7][5] == COMMENT_7 and rows[1][4] is None
    assert {k: summary[1][k] for k in ("項目数", "評価対象", "S", "A", "B", "C", "D", "−")} == {
        "項目数": 3, "評価対象": 3, "S": 1, "A": 1, "B": 0, "C": 1, "D": 0, "−": 0,
    }  # fmt: skip
    assert (summary[2]["S"], summary[2]["B"], summary[2]["−"], summary[2]["評価対象"]) == (1, 2, 1, 3)
    assert (summary["全体"]["項目数"], summary["全体"]["評価対象"], summary["全体"]["S"]) == (7, 6, 2)

    report = json.loads(run("report", str(master), "--json").stdout)
    review = report["period_review"]
    assert review["period"] == [2020, 2024]
    assert {i["no"]: i["grade"] for i in review["items"]} == EXPECTED
    assert {i["no"]: i["comment"] for i in review["items"]}[5] == TYPED[5][1]
    assert all(i["graded_year"] == 2024 for i in review["items"])
    p1, p2 = review["policies"]
    assert (p1["policy"], p1["counts"]["S"], p1["counts"]["C"], p1["counts"]["A"]) == (1, 1, 1, 1)
    assert (p2["counts"]["B"], p2["counts"]["−"], p2["graded"]) == (2, 1, 3)
    assert review["total"]["counts"] == {"S": 2, "A": 1, "B": 2, "C": 1, "D": 0, "−": 1, "対象外": 0}
    assert review["total"]["shares"]["S"] == pytest.approx(2 / 6)
    # the year's own grades are those of the plan's last year (the same evaluation)
    assert {i["no"]: i["grade"] for i in report["items"] if i["no"] <= 4} == {
        k: v for k, v in EXPECTED.items() if k <= 4
    }

    out = _export(master, tmp_path / "out")
    html = (out / "kaikaku_2024_report.html").read_text(encoding="utf-8")
    assert '<h2 id="h-period">計画期間の総括評価</h2>' in html
    assert TYPED[5][1] in html and COMMENT_7 in html
    book = load_workbook(out / "kaikaku_2024_report.xlsx")
    assert "計画期間の総括評価" in book.sheetnames
    texts = [
        str(v) for r in book["計画期間の総括評価"].iter_rows(values_only=True) for v in r if v is not None
    ]
    assert TYPED[6][1] in texts and "主指標・2024年度の実績" in texts
    pdf = out / "kaikaku_2024_report.pdf"
    if pdf.exists():  # LibreOffice installed (it is here and in CI)
        from pypdf import PdfReader

        text = "".join(page.extract_text() for page in PdfReader(pdf).pages).replace(" ", "")
        assert "計画期間の総括評価" in text and "基本方針別の計画期間の評価件数" in text

    # A year that is not the plan's last prints no period section (and the report has no such key).
    _type_inputs(master, 2022)
    assert run("refresh", str(master)).returncode == 0
    assert "period_review" not in json.loads(run("report", str(master), "--json").stdout)
    out = _export(master, tmp_path / "out2022")
    assert 'id="h-period"' not in (out / "kaikaku_2022_report.html").read_text(encoding="utf-8")
    assert "計画期間の総括評価" not in load_workbook(out / "kaikaku_2022_report.xlsx").sheetnames
    rows, _ = _sheet(master)
    assert {no: r[6] for no, r in rows.items()} == EXPECTED  # the sheet always shows the plan-end review


def test_a_period_grade_that_is_not_the_plans_is_an_error_naming_its_cell(tmp_path: Path) -> None:
    master = _master(tmp_path)
    wb = load_workbook(master)
    ws = wb[PERIOD_REVIEW.sheet]
    ws["E8"] = "Z"  # No.5 (row 8), no measures
    ws["E4"] = "A"  # No.1 is graded by its measure: a warning, the grade is not used
    wb.save(master)
    result = run("validate", str(master), "--json")
    problems = json.loads(result.stdout)
    bad = [p for p in problems if p["sheet"] == PERIOD_REVIEW.sheet]
    assert any(p["cell"] == "E8" and p["severity"] == "エラー" and "「Z」" in p["message"] for p in bad), bad
    assert any(p["cell"] == "E4" and "指標で評価" in p["message"] for p in bad), bad


@pytest.mark.slow
def test_the_period_sheet_survives_typing_and_saving_in_libreoffice(tmp_path: Path) -> None:
    """Grades and comments typed in LibreOffice (it saves the book its own way) are read; refresh writes the
    computed cells beside them; a book LibreOffice saved again still refreshes, the typed cells untouched."""
    from helpers.typing_uno import type_cells
    from helpers.workbook import soffice_convert

    master = _master(tmp_path)
    _type_inputs(master, 2024)
    wb = load_workbook(master)
    ws = wb[PERIOD_REVIEW.sheet]
    for cell in ("E8", "F8", "E9", "F9", "F10"):
        ws[cell] = None
    wb.save(master)
    typed = type_cells(
        master,
        [
            (PERIOD_REVIEW.sheet, "E8", "A"),  # No.5
            (PERIOD_REVIEW.sheet, "F8", TYPED[5][1]),
            (PERIOD_REVIEW.sheet, "E9", "B"),  # No.6
            (PERIOD_REVIEW.sheet, "F9", TYPED[6][1]),
            (PERIOD_REVIEW.sheet, "F10", COMMENT_7),
            (PERIOD_REVIEW.sheet, "G4", "D"),  # a computed cell: locked
        ],
    )
    assert [t.outcome for t in typed] == ["written"] * 5 + ["locked"]
    result = run("refresh", str(master))
    assert result.returncode == 0, result.stderr
    rows, summary = _sheet(master)
    assert {no: r[6] for no, r in rows.items()} == EXPECTED
    assert {no: (r[4], r[5]) for no, r in rows.items() if no in TYPED} == TYPED
    saved = soffice_convert(master, "xlsx", tmp_path / "lo", tmp_path / "profile")
    result = run("refresh", str(saved))
    assert result.returncode == 0, result.stderr
    again, summary_again = _sheet(saved)
    assert again == rows and summary_again == summary
