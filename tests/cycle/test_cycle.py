"""The PDCA year across departments, walked as a city would: distribute, fill, collect, status, refresh."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers.cycle import (
    DEPT,
    NOW,
    OTHER_MEASURE,
    YEAR,
    actual_in,
    change_log,
    col_of,
    department_file,
    fill_as_personnel_section,
    row_of,
    run_json,
)
from helpers.workbook import edit_cells, make_master, soffice_convert
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c


@pytest.fixture
def distributed(tmp_path: Path) -> tuple[Path, Path]:
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    assert main(["distribute", str(master), "--out", str(out), "--due", "2027-05-31", "--now", NOW]) == 0
    return master, out


def _returned_while_the_master_changed(distributed: tuple[Path, Path]) -> tuple[Path, Path, Any]:
    """The department's filled file, while the coordinator corrected No.3 in the master (an openpyxl script saves
    the master): the 実績 cell both changed, returned as (master, returned file, that cell)."""
    master, out = distributed
    returned = department_file(out, DEPT)
    fill_as_personnel_section(returned)
    ws = load_workbook(master)["実績"]
    cell = ws.cell(row=row_of(ws, No=3, 指標名="会計年度任用職員人件費"), column=col_of(ws, f"{YEAR}年度"))
    edit_cells(master, {"実績": {cell.coordinate: 640000000}})
    return master, returned, cell


def test_department_file_holds_only_its_rows_and_identity(distributed: tuple[Path, Path]) -> None:
    master, out = distributed
    path = department_file(out, DEPT)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == c.SHEET_DEPARTMENT_GUIDE
    assert wb[c.IDENTITY.sheet].sheet_state == "hidden"
    assert path.suffix == ".xlsx" and not any(
        n.startswith("xl/vbaProject") or "externalLink" in n
        for n in __import__("zipfile").ZipFile(path).namelist()
    )
    actuals = wb["実績"]
    headers = c.actuals_spec(list(range(2025, 2031))).headers
    # the contract's table, then (outside it) the plan's values to check against
    assert [cell.value for cell in actuals[3]][: len(headers)] == headers
    assert actuals.tables["Actuals"].ref == f"A3:{actuals.cell(row=3, column=len(headers)).column_letter}7"
    assert "Actuals" in actuals.tables and c.STATUS.name in wb[c.STATUS.sheet].tables
    numbers = {actuals.cell(row=r, column=1).value for r in range(4, actuals.max_row + 1)}
    assert numbers == {2, 3, 5}
    year_col = col_of(actuals, f"{YEAR}年度")
    assert actuals.cell(row=4, column=year_col).protection.locked is False
    assert actuals.cell(row=4, column=year_col - 1).protection.locked is True  # 2025: read-only
    assert actuals.protection.sheet is True
    kinds = {dv.type for dv in wb[c.STATUS.sheet].data_validations.dataValidation}
    assert "list" in kinds
    ident = {r[0]: r[1] for r in wb[c.IDENTITY.sheet].iter_rows(values_only=True)}
    assert (
        ident["department"] == DEPT
        and ident["year"] == str(YEAR)
        and len(ident["fingerprint"]) == 32
        and ident["fingerprint"].startswith("K")  # keyed with the master's secret (HMAC)
    )
    assert "令和9年5月31日（月）" in "".join(
        str(v) for row in wb[c.SHEET_DEPARTMENT_GUIDE].iter_rows(values_only=True) for v in row if v
    )


def test_the_year_walked_through(
    distributed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master, returned, cell = _returned_while_the_master_changed(distributed)

    code, report = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    assert code == 1
    assert len(report["conflicts"]) == 1
    conflict = report["conflicts"][0]
    assert (conflict["department"], conflict["sheet"], conflict["cell"]) == (DEPT, "実績", cell.coordinate)
    assert (conflict["master"], conflict["returned"]) == (640000000, 650000000)
    assert len(report["refused"]) == 1
    refused = report["refused"][0]
    assert (
        refused["sheet"] == "実績" and refused["value"] == 1200 and "行革デジタル推進課" in refused["reason"]
    )
    applied = {
        (a["sheet"], a["new"] if not isinstance(a["new"], dict) else a["new"]["what"])
        for a in report["applied"]
    }
    assert ("実績", 4012345678) in applied
    assert (c.STATUS.sheet, "実施中") in applied and (c.STATUS.sheet, "定員適正化計画の改定に着手") in applied
    assert (c.LEDGER.sheet, "職員研修の内製化") in applied
    assert len(report["applied"]) == 4

    assert actual_in(master, 2, "人件費（会計年度任用職員以外）") == 4012345678
    assert actual_in(master, 3, "会計年度任用職員人件費") == 640000000  # the master kept its value
    assert actual_in(master, *OTHER_MEASURE) is None  # the refused row did not reach the master
    ledger = load_workbook(master, data_only=True)[c.LEDGER.sheet]
    assert [4, YEAR, "歳出削減", 1200000, "職員研修の内製化", "委託料の差額"] in [
        list(r[:6]) for r in ledger.iter_rows(min_row=4, values_only=True)
    ]
    log = change_log(master)
    kinds = [row["種別"] for row in log]
    assert (
        kinds.count(c.LOG_APPLIED) == 4
        and kinds.count(c.LOG_CONFLICT) == 1
        and kinds.count(c.LOG_REFUSED) == 1
    )
    conflict_row = next(r for r in log if r["種別"] == c.LOG_CONFLICT)
    # both values kept, as the sheet shows them (issue #20: 桁区切り, not 640000000)
    assert (conflict_row["変更前"], conflict_row["変更後"]) == ("640,000,000", "650,000,000")
    assert next(r for r in log if r["種別"] == c.LOG_REFUSED)["変更後"] == "1,200"

    before = master.read_bytes()
    code, again = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    assert again["applied"] == [] and not again["written"]
    assert master.read_bytes() == before  # nothing changes the second time

    other = make_master(tmp_path / "other", sample=False)
    assert main(["distribute", str(other), "--out", str(tmp_path / "other_out"), "--now", NOW]) == 0
    foreign = department_file(tmp_path / "other_out", DEPT)
    code, refused_whole = run_json(capsys, "collect", str(master), str(foreign), "--now", NOW)
    assert code == 1 and refused_whole["applied"] == []
    assert "別のマスター" in refused_whole["refused"][0]["reason"]
    assert master.read_bytes() == before  # refused whole: the master is unchanged

    code, status = run_json(capsys, "status", str(master))
    assert code == 0
    by_dept = {d["department"]: d for d in status["departments"]}
    assert by_dept[DEPT]["collected"] is True and by_dept[DEPT]["distributed"]
    assert (
        by_dept["行革デジタル推進課"]["collected"] is False and by_dept["行革デジタル推進課"]["missing"] > 0
    )
    assert "実績 No.2「人件費（会計年度任用職員以外）」" not in by_dept[DEPT]["missing_cells"]  # collected
    assert (
        "進捗状況 No.1" not in by_dept[DEPT]["missing_cells"]
        and "進捗状況 No.2" in by_dept[DEPT]["missing_cells"]
    )
    # the count covers every gap listed under it, the narratives too (issue #20)
    assert by_dept[DEPT]["missing"] == len(by_dept[DEPT]["missing_cells"]) + len(by_dept[DEPT]["narratives"])

    assert main(["refresh", str(master), "--now", NOW]) == 0
    submissions = load_workbook(master, data_only=True)[c.SUBMISSIONS.sheet]
    rows = {r[0]: r for r in submissions.iter_rows(min_row=4, values_only=True) if r[0]}
    assert rows[DEPT][5] == "済" and rows["行革デジタル推進課"][5] == "未"

    _close_change_reopen(master, capsys)


def _evaluation(master: Path) -> dict[str, tuple]:
    ws = load_workbook(master, data_only=True)[c.EVALUATION.sheet]
    return {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}


def _close_change_reopen(master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """close-year → a changed closed-year input (validate names the cell, the figures stay) → reopen-year."""
    figures = _evaluation(master)
    protected_before = load_workbook(master)["実績"].protection.sheet
    assert main(["close-year", str(master), "--year", str(YEAR), "--now", NOW]) == 1  # gaps, no reason
    assert main(["close-year", str(master), "--year", str(YEAR), "--now", NOW, "--reason", "試行"]) == 0
    wb = load_workbook(master)
    ws = wb["実績"]
    cell = ws.cell(
        row=row_of(ws, No=2, 指標名="人件費（会計年度任用職員以外）"), column=col_of(ws, f"{YEAR}年度")
    )
    assert cell.protection.locked is True and ws.protection.sheet is True
    next_year = ws.cell(row=cell.row, column=cell.column + 1)
    assert next_year.protection.locked is False  # only the closed year is locked
    assert main(["close-year", str(master), "--year", str(YEAR)]) == 2  # already closed

    edit_cells(master, {"実績": {cell.coordinate: 1}})  # someone unprotects the sheet and types over it
    code, problems = run_json(capsys, "validate", str(master))
    assert code == 1
    named = [p for p in problems if p["severity"] == "エラー" and p["cell"] == cell.coordinate]
    assert named and named[0]["sheet"] == "実績" and "締め" in named[0]["message"]
    assert main(["refresh", str(master), "--now", NOW]) == 0
    assert _evaluation(master) == figures  # refresh keeps the recorded figures

    assert main(["reopen-year", str(master), "--year", str(YEAR), "--reason", "決算額の確定による修正"]) == 0
    log = change_log(master)
    assert log[-1]["種別"] == c.LOG_REOPEN and "決算額の確定による修正" in log[-1]["内容"]
    assert any(r["種別"] == c.LOG_CLOSE for r in log)
    wb = load_workbook(master)
    ws = wb["実績"]
    assert ws[cell.coordinate].protection.locked is False
    assert ws.protection.sheet is protected_before  # close-year protects only sheets that were not protected
    code, problems = run_json(capsys, "validate", str(master))
    assert not [p for p in problems if p["cell"] == cell.coordinate and p["severity"] == "エラー"]
    assert main(["refresh", str(master), "--now", NOW]) == 0
    assert _evaluation(master)["2-1"][10] == 1  # reopened: the new value counts


def test_prefer_returned_takes_the_departments_value(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, returned, cell = _returned_while_the_master_changed(distributed)
    code, report = run_json(
        capsys, "collect", str(master), str(returned), "--prefer", "returned", "--now", NOW
    )
    assert report["conflicts"][0]["kept"] == "returned"
    assert actual_in(master, 3, "会計年度任用職員人件費") == 650000000
    assert code == 1  # the pasted row of another department is still refused


def test_collect_keeps_what_it_does_not_own(
    distributed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Collect writes the master part by part: the dashboard's charts and every untouched part stay."""
    import zipfile

    master, out = distributed
    returned = department_file(out, DEPT)
    fill_as_personnel_section(returned)
    before = {n: zipfile.ZipFile(master).read(n) for n in zipfile.ZipFile(master).namelist()}
    code, report = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    assert report["written"]
    after = {n: zipfile.ZipFile(master).read(n) for n in zipfile.ZipFile(master).namelist()}
    assert set(before) == set(after)
    assert any("chart" in n for n in after)
    changed = {n for n in before if before[n] != after[n]}
    wb = load_workbook(master)
    assert changed <= {
        "xl/workbook.xml",
        *(
            f"xl/worksheets/sheet{wb.sheetnames.index(s) + 1}.xml"
            for s in (
                "実績",
                c.STATUS.sheet,
                c.LEDGER.sheet,
                c.DISTRIBUTIONS.sheet,
                c.DISTRIBUTED_VALUES.sheet,
                c.CHANGE_LOG.sheet,
            )
        ),
    } | {n for n in before if n.startswith("xl/tables/")}
    assert (master.parent / "backup").is_dir()


def test_files_not_distributed_are_refused_whole(
    distributed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = distributed
    before = master.read_bytes()
    stranger = make_master(tmp_path / "x", sample=False)  # any workbook without a distribution identity
    code, report = run_json(capsys, "collect", str(master), str(stranger), "--now", NOW)
    assert code == 1 and report["applied"] == [] and "配布情報がありません" in report["refused"][0]["reason"]
    tampered = department_file(out, DEPT)
    wb = load_workbook(tampered)
    ws = wb[c.IDENTITY.sheet]
    row = next(r for r in ws.iter_rows() if r[0].value == "fingerprint")
    row[1].value = "0" * 16
    wb.save(tampered)
    code, report = run_json(capsys, "collect", str(master), str(tampered), "--now", NOW)
    assert code == 1 and "一致しません" in report["refused"][0]["reason"]
    assert main(["collect", str(master), str(tmp_path / "missing.xlsx")]) == 2
    del before


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice not installed (./dev test installs it)"
)
def test_a_file_saved_by_libreoffice_is_collected(
    distributed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = distributed
    returned = department_file(out, DEPT)
    fill_as_personnel_section(returned)
    saved = soffice_convert(returned, "xlsx", tmp_path / "lo", tmp_path / "profile")
    code, report = run_json(capsys, "collect", str(master), str(saved), "--now", NOW)
    assert len(report["applied"]) == 5  # two actuals, two status cells, one ledger row
    assert actual_in(master, 2, "人件費（会計年度任用職員以外）") == 4012345678
    assert len(report["refused"]) == 1 and report["conflicts"] == []


def test_narratives_are_required_where_they_matter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An item with a measure that cannot be graded (no actual yet) needs 取組実績・課題・今後の方向性."""
    master = make_master(tmp_path, sample=False)
    code, problems = run_json(capsys, "validate", str(master))
    ws = load_workbook(master)[c.STATUS.sheet]
    row = row_of(ws, No=2, 年度=YEAR)
    results_cell = ws.cell(row=row, column=col_of(ws, "取組実績")).coordinate
    about_2 = [p for p in problems if p["message"].startswith("No.2（")]
    assert about_2 and about_2[0]["sheet"] == c.STATUS.sheet and about_2[0]["cell"] == results_cell
    # day one (nothing entered for the year): listed as information, not a warning (issue #20)
    assert about_2[0]["severity"] == "情報" and "取組実績・課題・今後の方向性" in about_2[0]["message"]
    edit_cells(master, {"実績": {_actual_cell(master, *OTHER_MEASURE): 1200}})  # the year has started
    code, problems = run_json(capsys, "validate", str(master))
    about_2 = [p for p in problems if p["message"].startswith("No.2（")]
    assert about_2[0]["severity"] == "警告"
    edit_cells(
        master,
        {
            c.STATUS.sheet: {
                ws.cell(row=row, column=col_of(ws, h)).coordinate: "記入"
                for h in ("取組実績", "課題", "今後の方向性")
            }
        },
    )
    code, problems = run_json(capsys, "validate", str(master))
    assert not [p for p in problems if p["message"].startswith("No.2（")]
    assert [p for p in problems if p["message"].startswith("No.3（")]


def _actual_cell(master: Path, item: int, name: str, year: int = YEAR) -> str:
    ws = load_workbook(master)["実績"]
    return ws.cell(row=row_of(ws, No=item, 指標名=name), column=col_of(ws, f"{year}年度")).coordinate
