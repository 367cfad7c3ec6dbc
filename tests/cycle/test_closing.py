"""The coordinator's chase and the year's close (issue #20, #21): every missing input stays listed after any
sequence of collects, `status` shows the due date, 期限超過 and the totals, and `close-year` neither closes over
open gaps without a recorded reason nor closes a year that has not come."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cycle import DEPT, NOW, YEAR, change_log, col_of, department_file, row_of, run_json
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c

# 人事課's items 1 and 4 have no measures: the department grades them.


@pytest.fixture
def distributed(tmp_path: Path) -> tuple[Path, Path]:
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    assert main(["distribute", str(master), "--out", str(out), "--due", "2027-05-31", "--now", NOW]) == 0
    return master, out


def _fill(path: Path, grades: dict[int, str], status: dict[int, str] | None = None) -> None:
    """What 人事課 types in its file: a grade (and a 進捗状況) for some of its items."""
    wb = load_workbook(path)
    ws = wb[c.STATUS.sheet]
    for item, grade in grades.items():
        ws.cell(
            row=row_of(ws, No=item, 年度=YEAR),
            column=col_of(ws, c.STATUS.column("grade").header),
            value=grade,
        )
    for item, value in (status or {}).items():
        ws.cell(row=row_of(ws, No=item, 年度=YEAR), column=col_of(ws, "進捗状況"), value=value)
    wb.save(path)


def test_missing_grades_stay_listed_after_a_collect_with_some_grades(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = distributed
    returned = department_file(out, DEPT)
    _fill(returned, {1: "A"}, {1: "実施中"})  # No.4 left blank
    assert main(["collect", str(master), str(returned), "--now", NOW]) in (0, 1)
    code, status = run_json(capsys, "status", str(master), "--now", NOW)
    mine = next(d for d in status["departments"] if d["department"] == DEPT)
    assert "評価 No.1" not in mine["missing_cells"]
    assert "評価 No.4" in mine["missing_cells"]  # a blank grade after a collect is NaN in the frame
    code, problems = run_json(capsys, "validate", str(master))
    blank = [p for p in problems if p["message"].startswith(f"No.4（{DEPT}）{YEAR}年度の評価が未入力")]
    assert blank and blank[0]["severity"] == "警告"  # collected: the gap needs action now
    assert blank[0]["sheet"] == c.STATUS.sheet and blank[0]["cell"]


def test_status_shows_the_due_date_overdue_and_totals(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, _out = distributed
    code, status = run_json(capsys, "status", str(master), "--now", "2027-06-02T09:00:00")
    assert status["summary"] == {
        "year": YEAR,
        "departments": 6,
        "collected": 0,
        "accepted": 0,
        "sent_back": 0,
        "overdue": 6,
        "missing": sum(d["missing"] for d in status["departments"]),
        "exclusion_proposals": 0,
    }
    mine = next(d for d in status["departments"] if d["department"] == DEPT)
    assert mine["due_label"] == "令和9年5月31日（月）" and mine["overdue"] is True
    assert (
        mine["missing"] == len(mine["missing_cells"]) + len(mine["narratives"]) > len(mine["missing_cells"])
    )
    capsys.readouterr()
    assert main(["status", str(master), "--now", "2027-05-31T17:00:00"]) == 0
    text = capsys.readouterr().out
    assert "回収 0/6 課" in text and "期限超過 0 課" in text
    assert "提出期限 令和9年5月31日（月）" in text and "期限超過】" not in text
    assert main(["status", str(master), "--now", "2027-06-01T09:00:00"]) == 0
    assert "提出期限 令和9年5月31日（月）【期限超過】" in capsys.readouterr().out


def test_close_year_lists_open_gaps_and_refuses_without_a_reason(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = distributed
    returned = department_file(out, DEPT)
    _fill(returned, {1: "A"}, {1: "実施中"})
    main(["collect", str(master), str(returned), "--now", NOW])
    before = master.read_bytes()
    capsys.readouterr()
    assert main(["close-year", str(master), "--year", str(YEAR), "--now", NOW]) == 1
    said = capsys.readouterr().err
    assert f"{DEPT}: 評価 No.4" in said  # the blank grade, by department and item
    assert f"{DEPT}: 実績 No.2「人件費（会計年度任用職員以外）」" in said  # a missing actual, by measure
    assert "記述の不足 No.2" in said and "--reason" in said
    assert master.read_bytes() == before  # refused: nothing written

    reason = "決算確定前のため、未入力分は翌年度に補記"
    assert main(["close-year", str(master), "--year", str(YEAR), "--now", NOW, "--reason", reason]) == 0
    ws = load_workbook(master)[c.CLOSED_YEARS.sheet]
    headers = [cell.value for cell in ws[c.CLOSED_YEARS.anchor_row]]
    row = [cell.value for cell in ws[c.CLOSED_YEARS.anchor_row + 1]]
    assert row[headers.index("未入力のまま締めた理由")] == reason
    assert len(row[headers.index("チェックサム")]) == 64
    closing = [r for r in change_log(master) if r["種別"] == c.LOG_CLOSE]
    assert reason in closing[-1]["内容"] and "未入力" in closing[-1]["内容"]


def test_a_year_after_the_evaluation_year_cannot_be_closed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = make_master(tmp_path)  # the sample: evaluation year 2026
    before = master.read_bytes()
    assert main(["close-year", str(master), "--year", "2027", "--now", NOW, "--reason", "x"]) == 2
    assert "評価年度" in capsys.readouterr().err
    assert master.read_bytes() == before
    # the revisions of 2027 stay possible
    assert (
        main(
            [
                "revise",
                str(master),
                "--measure",
                "2-1",
                "--target",
                "3900000000",
                "--from-year",
                "2027",
                "--reason",
                "見直し",
                "--date",
                "2027-03-15",
                "--now",
                NOW,
            ]
        )
        == 0
    )


def test_an_undecided_exclusion_is_listed_when_closing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = make_master(tmp_path)  # the sample: nothing missing in 2026
    wb = load_workbook(master)
    ws = wb[c.STATUS.sheet]
    ws.cell(row=row_of(ws, No=6, 年度=YEAR), column=col_of(ws, "進捗状況"), value="対象外")
    wb.save(master)
    capsys.readouterr()
    assert main(["close-year", str(master), "--year", str(YEAR), "--now", NOW]) == 1
    assert "対象外の提案（推進本部の決定待ち） No.6" in capsys.readouterr().err
