"""The yearly cycle (distribute → fill → collect → status → close-year → reopen → next year) on a plan whose item
numbers are text ("R1-3", "2-(1)-3") and where one item starts mid-plan: it is neither sent, asked for nor counted
before its start year."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cycle import NOW, col_of, department_file, row_of, run_json
from helpers.plan_workbook import text_numbered_plan
from openpyxl import load_workbook

from kaikaku_xl.app.report import report_from_file
from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c

HEAD = {
    "name": "架空町行革計画",
    "city": "架空町",
    "baseline_year": 2025,
    "start_year": 2026,
    "end_year": 2029,
}
DEPT = "総務課"


def _master(tmp_path: Path) -> Path:
    plan = text_numbered_plan(
        tmp_path / "plan.xlsx",
        HEAD,
        [{"no": 1, "name": "行政運営"}],
        [
            {"no": "R1-3", "policy": 1, "title": "委託の見直し", "lead": DEPT, "start_year": 2027},
            {"no": "2-(1)-3", "policy": 1, "title": "内部事務の見直し", "lead": DEPT},
            {"no": 10, "policy": 1, "title": "公共施設の再編", "lead": "財産管理課"},
        ],
    )
    master = tmp_path / "master.xlsx"
    assert main(["init", str(master), "--plan", str(plan)]) == 0
    return master


def _numbers(ws: object) -> list[object]:
    return [r[0] for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]  # type: ignore[attr-defined]


def test_cycle_with_text_numbers_and_an_item_added_mid_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = _master(tmp_path)
    out = tmp_path / "2026"
    assert main(["distribute", str(master), "--out", str(out), "--year", "2026", "--now", NOW]) == 0
    path = department_file(out, DEPT)
    wb = load_workbook(path)
    assert _numbers(wb["実績"]) == ["2-(1)-3"]  # R1-3 starts in 2027: not sent for 2026
    assert _numbers(wb[c.STATUS.sheet]) == ["2-(1)-3"]
    ws = wb["実績"]
    ws.cell(
        row=row_of(ws, No="2-(1)-3", 指標名="事務処理時間"), column=col_of(ws, "2026年度"), value="700時間"
    )
    st = wb[c.STATUS.sheet]
    r = row_of(st, No="2-(1)-3", 年度=2026)
    st.cell(row=r, column=col_of(st, "進捗状況"), value="実施中")
    pasted = st.max_row + 1  # a row for R1-3 in 2026 typed by hand: the item does not run that year
    for header, value in (("No", "R1-3"), ("年度", 2026), ("進捗状況", "実施中")):
        st.cell(row=pasted, column=col_of(st, header), value=value)
    lg = wb[c.LEDGER.sheet]
    free = next(r for r in range(4, lg.max_row + 1) if lg.cell(row=r, column=1).value is None)
    for header, value in (
        ("No", "2-(1)-3"),
        ("年度", 2026),
        ("区分", "歳出削減"),
        ("金額（円）", 30_000),
        ("内容", "用紙の削減"),
        ("算定根拠", "購入実績"),
    ):
        lg.cell(row=free, column=col_of(lg, header), value=value)
    wb.save(path)

    code, report = run_json(capsys, "collect", str(master), str(path), "--now", NOW)
    applied = {
        (a["sheet"], str(a["new"]) if not isinstance(a["new"], dict) else a["new"]["what"])
        for a in report["applied"]
    }
    assert ("実績", "700") in applied and (c.STATUS.sheet, "実施中") in applied
    assert (c.LEDGER.sheet, "用紙の削減") in applied
    assert [x for x in report["refused"] if "R1-3" in x["reason"]], report["refused"]  # not a row of 2026
    status_rows = [
        (r[0], r[2])
        for r in load_workbook(master)[c.STATUS.sheet].iter_rows(min_row=4, values_only=True)
        if r[0] is not None
    ]
    assert ("R1-3", 2026) not in status_rows and ("R1-3", 2027) in status_rows

    code, status = run_json(capsys, "status", str(master), "--year", "2026")
    assert code == 0
    by_dept = {d["department"]: d for d in status["departments"]}
    assert by_dept[DEPT]["collected"] is True
    assert not [m for m in by_dept[DEPT]["missing_cells"] if "R1-3" in m]  # not asked for before its start
    assert "評価 No.10" in by_dept["財産管理課"]["missing_cells"]

    assert main(["refresh", str(master), "--now", NOW]) == 0
    first = report_from_file(master, 2026).to_dict()
    assert [i["no"] for i in first["items"]] == ["2-(1)-3", 10] and first["total"]["items"] == 2
    assert first["effects"]["single_year"] == 30_000

    assert main(["close-year", str(master), "--year", "2026", "--now", NOW]) == 1  # 評価 No.10 is missing
    assert (
        main(["close-year", str(master), "--year", "2026", "--now", NOW, "--reason", "No.10 は翌年度に"]) == 0
    )
    code, problems = run_json(capsys, "validate", str(master))
    assert not [p for p in problems if "締め" in p["message"]], (
        problems
    )  # the record matches: text keys read back
    ws = load_workbook(master)[c.STATUS.sheet]
    cell = ws.cell(row=row_of(ws, No="2-(1)-3", 年度=2026), column=col_of(ws, "進捗状況"))
    assert cell.protection.locked is True
    assert main(["reopen-year", str(master), "--year", "2026", "--reason", "確認"]) == 0

    out = tmp_path / "2027"
    assert main(["distribute", str(master), "--out", str(out), "--year", "2027", "--now", NOW]) == 0
    wb = load_workbook(department_file(out, DEPT))
    assert _numbers(wb["実績"]) == ["2-(1)-3", "R1-3"]  # natural order; R1-3 runs from 2027
    status_sent = [(r[0], r[2]) for r in wb[c.STATUS.sheet].iter_rows(min_row=4, values_only=True) if r[0]]
    assert status_sent == [("2-(1)-3", 2026), ("2-(1)-3", 2027), ("R1-3", 2027)]
