"""Typed scales read well (issue 22): a clerk who turns the template's S–D into a typed scale changes 基準 to 入力
and leaves the pre-filled しきい値; the plan reads with one note (not one error per row), and the master's 進捗状況
column where every item is graded is headed 評価, read back by refresh."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from helpers import item, plan_dict
from helpers.cycle import col_of, department_file, row_of
from helpers.plan_workbook import fill_plan, run
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c
from kaikaku_xl.plan import plan_from_dict
from kaikaku_xl.plan.scale_rows import TYPED_THRESHOLD_NOTE
from kaikaku_xl.plan_io.contract import PLAN_GRADES

HEAD = {
    "name": "架空町改革プラン",
    "city": "架空町",
    "baseline_year": 2023,
    "start_year": 2024,
    "end_year": 2026,
}
TABLES = {
    "PlanPolicies": [{"no": 1, "name": "事務の見直し"}],
    "PlanItems": [
        {"no": 1, "policy": 1, "title": "窓口の見直し", "lead": "市民課"},
        {"no": 2, "policy": 1, "title": "会議の削減", "lead": "総務課"},
    ],
    "PlanMeasures": [
        {"item": 1, "name": "待ち時間", "unit": "分", "direction": "減少", "baseline": 30, "target": 15},
    ],
}


def _plan(tmp_path: Path, basis: str | None) -> tuple[Path, list[str]]:
    """The template filled in; with `basis`, every 評価区分 row's 基準 overtyped with it (thresholds left as they
    are). The cells of the thresholds the template filled in."""
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    fill_plan(plan, HEAD, TABLES)
    wb = load_workbook(plan)
    ws = wb[PLAN_GRADES.sheet]
    headers = {cell.value: cell.column for cell in ws[PLAN_GRADES.anchor_row] if cell.value}
    at = {
        key: next(j for h, j in headers.items() if str(h).rstrip("*") == PLAN_GRADES.column(key).header)
        for key in ("basis", "threshold")
    }
    filled = []
    for r in range(PLAN_GRADES.anchor_row + 1, ws.max_row + 1):
        if ws.cell(row=r, column=at["basis"]).value in (None, ""):
            continue
        if basis is not None:
            ws.cell(row=r, column=at["basis"]).value = basis
        if ws.cell(row=r, column=at["threshold"]).value not in (None, ""):
            filled.append(ws.cell(row=r, column=at["threshold"]).coordinate)
    wb.save(plan)
    return plan, filled


def _grade_header(master: Path) -> tuple[str, str]:
    """(the header of 進捗状況's grade column, the note above the table)."""
    ws = load_workbook(master)[c.STATUS.sheet]
    at = c.STATUS.anchor_col + [col.key for col in c.STATUS.columns].index("grade")
    return ws.cell(row=c.STATUS.anchor_row, column=at).value, ws.cell(row=2, column=c.STATUS.anchor_col).value


def test_switching_to_typed_grades_leaves_the_thresholds_with_one_note(tmp_path: Path) -> None:
    plan, filled = _plan(tmp_path, "入力")
    assert len(filled) >= 3  # the template's S–D comes with its thresholds
    master = tmp_path / "master.xlsx"
    done = run("init", str(master), "--plan", str(plan))
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if TYPED_THRESHOLD_NOTE in line]
    assert notes == [f"{PLAN_GRADES.sheet}!{'、'.join(filled)}: {TYPED_THRESHOLD_NOTE}"]
    assert "件の問題" not in done.stderr + done.stdout
    scale = load_workbook(master)[c.GRADE_SCALE.sheet]
    rows = list(scale.iter_rows(min_row=c.GRADE_SCALE.anchor_row + 1, values_only=True))
    basis, threshold = (
        c.GRADE_SCALE.headers.index(c.GRADE_SCALE.column(k).header) for k in ("basis", "threshold")
    )
    assert {r[basis] for r in rows if r[0]} == {"入力"} and all(r[threshold] is None for r in rows if r[0])

    # 進捗状況's 評価 is every item's: headed 評価, said so above the table and on 使い方
    header, note = _grade_header(master)
    assert header == "評価" and "全ての項目" in note
    guide = [r[0].value for r in load_workbook(master)[c.SHEET_GUIDE].iter_rows() if r[0].value]
    assert any(
        str(line).startswith(f"・{c.STATUS.sheet}：") and "全ての項目の評価" in str(line) for line in guide
    )

    # ... and read back under that heading: the grade typed for the item with a measure is its grade
    wb = load_workbook(master)
    ws = wb[c.STATUS.sheet]
    heads = [cell.value for cell in ws[c.STATUS.anchor_row]]
    for row in ws.iter_rows(min_row=c.STATUS.anchor_row + 1):
        if row[heads.index("No")].value == 1 and row[heads.index("年度")].value == 2024:
            row[heads.index("評価")].value = "A"
    wb.save(master)
    done = run("refresh", str(master))
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(run("report", "--json", str(master)).stdout)
    assert report["total"]["counts"]["A"] == 1


def test_a_computed_scale_keeps_its_heading_and_its_threshold_checks(tmp_path: Path) -> None:
    """The default S–D (thresholds computed): 評価（指標なし項目）, as before; and a threshold on a それ以外 row is still
    a mistake naming its cell (only 入力 ignores them)."""
    plan, _ = _plan(tmp_path, None)
    master = tmp_path / "master.xlsx"
    assert run("init", str(master), "--plan", str(plan)).returncode == 0
    assert _grade_header(master)[0] == c.STATUS.column("grade").header == "評価（指標なし項目）"

    wb = load_workbook(plan)
    ws = wb[PLAN_GRADES.sheet]
    last = max(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value)
    threshold = ws.cell(row=last, column=PLAN_GRADES.headers.index("しきい値") + 1)
    threshold.value = 0.1
    wb.save(plan)
    done = run("init", str(tmp_path / "again.xlsx"), "--plan", str(plan))
    assert done.returncode == 2
    assert f"{PLAN_GRADES.sheet}!{threshold.coordinate}: 基準「それ以外」" in done.stderr


def test_a_department_grades_every_item_under_the_heading_and_collect_reads_it(tmp_path: Path) -> None:
    """The department file is headed as the master (評価) and its grade, typed by the department, is collected."""
    plan, _ = _plan(tmp_path, "入力")
    master = tmp_path / "master.xlsx"
    assert run("init", str(master), "--plan", str(plan)).returncode == 0
    out = tmp_path / "配布"
    done = run(
        "distribute",
        str(master),
        "--out",
        str(out),
        "--year",
        "2024",
        "--due",
        "2025-05-31",
        "--now",
        "2025-04-01T09:00",
    )
    assert done.returncode == 0, done.stderr
    path = department_file(out, "市民課")
    wb = load_workbook(path)
    ws = wb[c.STATUS.sheet]
    row = row_of(ws, No=1, 年度=2024)
    ws.cell(
        row=row, column=col_of(ws, "評価")
    ).value = "B"  # the item with a measure: graded by its department
    ws.cell(row=row, column=col_of(ws, "進捗状況")).value = "実施中"
    wb.save(path)
    done = run("collect", str(master), str(path), "--now", "2025-04-10T09:00")
    assert done.returncode in (0, 1), done.stdout + done.stderr
    report = json.loads(run("report", "--json", str(master)).stdout)
    assert report["total"]["counts"]["B"] == 1


def test_a_toml_typed_scale_with_thresholds_reads_with_one_note(caplog: pytest.LogCaptureFixture) -> None:
    raw = plan_dict([item(1)])
    raw["grades"] = [
        {"label": "良", "basis": "入力", "threshold": 1},
        {"label": "可", "basis": "入力", "threshold": 0.6},
        {"label": "不可", "basis": "入力"},
    ]
    with caplog.at_level(logging.WARNING, logger="kaikaku_xl"):
        plan = plan_from_dict(raw)
    assert plan.grade_scale is not None and plan.grade_scale.typed
    assert all(g.threshold is None for g in plan.grade_scale.grades)
    notes = [r.getMessage() for r in caplog.records if TYPED_THRESHOLD_NOTE in r.getMessage()]
    assert len(notes) == 1 and "1番目・2番目" in notes[0]
