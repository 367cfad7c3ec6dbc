"""Whom to chase (issue #20, the chase view): the 記入者 / 電話・内線 / 課長確認 fields a clerk fills on the
department file's 記入方法 sheet are collected into the master's 配布記録 and shown by `status` (text and --json),
this year's or else the department's latest earlier return; a blank 課長確認 is a warning naming its cell; a
master of the previous release gains the columns on its next write; 提出状況 shows the due date in 和暦."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.cycle import DEPT, NOW, YEAR, department_file, run_json
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.records import Distribution, read_records
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.tablespec import TableSpec

NAME_LABEL, PHONE_LABEL, APPROVAL_LABEL = "記入者（所属・氏名）", "電話・内線", "課長確認（氏名・日付）"
NAME, PHONE, APPROVAL = "総務部人事課 山田花子", "0480123456", "鈴木一郎 2027/5/20"
PREVIOUS_RELEASE = "25628c9"  # the committed master of the release before these columns
OLD_DISTRIBUTION_COLUMNS = 9  # 配布ID … 回収ファイル


def _label_rows(path: Path) -> dict[str, int]:
    ws = load_workbook(path)[c.SHEET_DEPARTMENT_GUIDE]
    return {str(cell.value): cell.row for cell in ws["A"] if cell.value}


def _sign(path: Path, values: dict[str, object]) -> dict[str, str]:
    """What the clerk types into the yellow cells right of the labels; returns label -> the cell typed into."""
    wb = load_workbook(path)
    ws = wb[c.SHEET_DEPARTMENT_GUIDE]
    rows = {str(cell.value): cell.row for cell in ws["A"] if cell.value}
    for label, value in values.items():
        ws.cell(row=rows[label], column=2, value=value)
    wb.save(path)
    return {label: f"B{rows[label]}" for label in (NAME_LABEL, PHONE_LABEL, APPROVAL_LABEL)}


def _distribute(master: Path, out: Path, year: int | None = None) -> None:
    extra = ["--year", str(year)] if year else []
    due = f"{(year or YEAR) + 1}-05-31"  # after the fiscal year's end
    args = ["distribute", str(master), "--out", str(out), "--due", due, "--now", NOW, *extra]
    assert main(args) == 0


@pytest.fixture
def distributed(tmp_path: Path) -> tuple[Path, Path]:
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    _distribute(master, out)
    return master, out


def _mine(status: dict, department: str = DEPT) -> dict:
    return next(d for d in status["departments"] if d["department"] == department)


def test_collected_contact_is_shown_by_status(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = distributed
    returned = department_file(out, DEPT)
    _sign(returned, {NAME_LABEL: NAME, PHONE_LABEL: PHONE, APPROVAL_LABEL: APPROVAL})
    code, report = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    assert code == 0 and report["written"]
    assert not [p for p in report["problems"] if p["sheet"] == c.SHEET_DEPARTMENT_GUIDE]

    code, status = run_json(capsys, "status", str(master), "--now", NOW)
    assert _mine(status)["contact"] == {"name": NAME, "phone": PHONE, "approved_by": APPROVAL, "year": YEAR}
    assert _mine(status, "会計課")["contact"] is None  # nothing returned: no contact known
    assert main(["status", str(master), "--now", NOW]) == 0
    text = capsys.readouterr().out
    block = text.split(f"{DEPT}:")[1].split("\n    ")
    assert f"記入者: {NAME} / 電話・内線: {PHONE} / 課長確認: {APPROVAL}" in [b.strip() for b in block]

    # recorded as text in the master (the phone number keeps its leading 0)
    ws = load_workbook(master)[c.DISTRIBUTIONS.sheet]
    headers = [cell.value for cell in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == DEPT)
    assert row[headers.index("電話・内線")] == PHONE


def test_blank_approval_is_a_warning_naming_the_cell(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = distributed
    returned = department_file(out, DEPT)
    cells = _sign(returned, {NAME_LABEL: NAME, PHONE_LABEL: PHONE})
    code, report = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    assert code == 0 and report["written"] and not report["refused"]  # a warning, not a refusal
    warned = [p for p in report["problems"] if "課長確認が空欄です" in p["message"]]
    assert [(p["severity"], p["sheet"], p["cell"], p["department"]) for p in warned] == [
        ("警告", c.SHEET_DEPARTMENT_GUIDE, cells[APPROVAL_LABEL], DEPT)
    ]
    assert main(["collect", str(master), str(returned), "--now", NOW]) == 0
    assert (
        f"{c.SHEET_DEPARTMENT_GUIDE}!{cells[APPROVAL_LABEL]}: 課長確認が空欄です" in capsys.readouterr().out
    )
    code, status = run_json(capsys, "status", str(master), "--now", NOW)
    assert _mine(status)["contact"] == {"name": NAME, "phone": PHONE, "approved_by": "", "year": YEAR}


def test_fields_found_by_label_on_any_row_and_a_file_without_them_has_none(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = distributed
    returned = department_file(out, DEPT)
    wb = load_workbook(returned)
    ws = wb[c.SHEET_DEPARTMENT_GUIDE]
    rows = _label_rows(returned)
    for label in (NAME_LABEL, PHONE_LABEL, APPROVAL_LABEL):
        ws.cell(row=rows[label], column=1).value = None  # a distribution made before the fields existed
    wb.save(returned)
    code, report = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    assert code == 0
    assert not [p for p in report["problems"] if p["sheet"] == c.SHEET_DEPARTMENT_GUIDE], report["problems"]
    code, status = run_json(capsys, "status", str(master), "--now", NOW)
    assert _mine(status)["contact"] is None

    other = department_file(out, "会計課")
    rows = _label_rows(other)
    wb = load_workbook(other)
    ws = wb[c.SHEET_DEPARTMENT_GUIDE]
    moved = ws.max_row + 5  # the fields moved below the guide: found by their text, not their row
    for n, label in enumerate((NAME_LABEL, PHONE_LABEL, APPROVAL_LABEL)):
        ws.cell(row=rows[label], column=1).value = None
        ws.cell(row=moved + n, column=1, value=label)
    wb.save(other)
    cells = _sign(other, {NAME_LABEL: "会計課 佐藤", PHONE_LABEL: 2345, APPROVAL_LABEL: "高橋"})
    assert cells[NAME_LABEL] != f"B{rows[NAME_LABEL]}"
    assert main(["collect", str(master), str(other), "--now", NOW]) == 0
    code, status = run_json(capsys, "status", str(master), "--now", NOW)
    assert _mine(status, "会計課")["contact"] == {
        "name": "会計課 佐藤",
        "phone": "2345",
        "approved_by": "高橋",
        "year": YEAR,
    }


def test_next_year_shows_the_latest_earlier_contact_until_this_years_return(
    distributed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = distributed
    returned = department_file(out, DEPT)
    _sign(returned, {NAME_LABEL: NAME, PHONE_LABEL: PHONE, APPROVAL_LABEL: APPROVAL})
    assert main(["collect", str(master), str(returned), "--now", NOW]) == 0
    later = tmp_path / "翌年度"
    _distribute(master, later, YEAR + 1)
    code, status = run_json(capsys, "status", str(master), "--year", str(YEAR + 1), "--now", NOW)
    assert _mine(status)["contact"] == {"name": NAME, "phone": PHONE, "approved_by": APPROVAL, "year": YEAR}
    assert main(["status", str(master), "--year", str(YEAR + 1), "--now", NOW]) == 0
    assert f"記入者: {NAME} / 電話・内線: {PHONE}（{YEAR}年度の提出による）" in capsys.readouterr().out

    this_year = department_file(later, DEPT)
    _sign(this_year, {NAME_LABEL: "総務部人事課 田中", PHONE_LABEL: "内線 2222", APPROVAL_LABEL: "鈴木"})
    assert main(["collect", str(master), str(this_year), "--now", NOW]) == 0
    code, status = run_json(capsys, "status", str(master), "--year", str(YEAR + 1), "--now", NOW)
    assert _mine(status)["contact"]["name"] == "総務部人事課 田中"
    code, status = run_json(capsys, "status", str(master), "--year", str(YEAR), "--now", NOW)
    assert _mine(status)["contact"]["name"] == NAME  # a later year's return is not the earlier year's contact


def _previous_release(folder: Path) -> Path:
    """The master committed by the previous release (its 配布記録 without the contact columns)."""
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    found = subprocess.run(
        ["git", "show", f"{PREVIOUS_RELEASE}:xlsx/omitama_master.xlsx"],
        capture_output=True,
        cwd=Path(__file__).parent,
        check=False,
    )
    if found.returncode != 0:
        pytest.skip(f"commit {PREVIOUS_RELEASE} not in this clone")
    path = folder / "previous.xlsx"
    path.write_bytes(found.stdout)
    return path


def _as_distributed_by_the_previous_release(master: Path) -> None:
    """配布記録 written back with the previous release's columns, as its distribute left it."""
    engine = FileEngine(master)
    rows = read_records(engine, Distribution)
    old = TableSpec(
        c.DISTRIBUTIONS.name,
        c.DISTRIBUTIONS.sheet,
        c.DISTRIBUTIONS.columns[:OLD_DISTRIBUTION_COLUMNS],
        anchor_row=c.DISTRIBUTIONS.anchor_row,
    )
    keys = [col.key for col in old.columns]
    engine.write_table(old, [[r.cells()[k] for k in keys] for r in rows])
    engine.commit()


@pytest.mark.parametrize("made_by", ["previous release", "this release"])
def test_a_master_of_the_previous_release_gains_the_columns_when_it_collects(
    made_by: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if made_by == "previous release":
        master = _previous_release(tmp_path)
        old_headers = [cell.value for cell in load_workbook(master)[c.DISTRIBUTIONS.sheet][1]]
        assert len(old_headers) == OLD_DISTRIBUTION_COLUMNS, old_headers  # what this test is about
    else:
        master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    _distribute(master, out)
    _as_distributed_by_the_previous_release(master)
    ws = load_workbook(master)[c.DISTRIBUTIONS.sheet]
    assert ws.max_column == OLD_DISTRIBUTION_COLUMNS

    returned = department_file(out, DEPT)
    _sign(returned, {NAME_LABEL: NAME, PHONE_LABEL: PHONE, APPROVAL_LABEL: APPROVAL})
    code, report = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    assert code == 0 and report["written"]
    code, status = run_json(capsys, "status", str(master), "--now", NOW)
    assert _mine(status)["contact"] == {"name": NAME, "phone": PHONE, "approved_by": APPROVAL, "year": YEAR}
    wb = load_workbook(master)
    ws = wb[c.DISTRIBUTIONS.sheet]
    assert [cell.value for cell in ws[1]] == list(c.DISTRIBUTIONS.headers)
    assert (
        ws.tables[c.DISTRIBUTIONS.name]
        .ref.split(":")[1]
        .startswith(ws.cell(row=1, column=len(c.DISTRIBUTIONS.columns)).column_letter)
    )
    assert main(["refresh", str(master), "-q", "--now", NOW]) == 0  # and the master still refreshes


def test_submission_sheet_shows_the_due_date_in_wareki(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, _out = distributed
    assert main(["refresh", str(master), "-q", "--now", NOW]) == 0
    ws = load_workbook(master, data_only=True)[c.SUBMISSIONS.sheet]
    top = c.SUBMISSIONS.anchor_row
    headers = [cell.value for cell in ws[top]]
    rows = [r for r in ws.iter_rows(min_row=top + 1, values_only=True) if r[0]]
    due = {r[0]: r[headers.index("提出期限")] for r in rows}
    assert due[DEPT] == "令和9年5月31日（月）"
