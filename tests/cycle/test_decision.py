"""Issue 23, point 2: `close-year` records the 推進本部's verification of the year (--decided-on, --meeting) in the
締めた年度 sheet, or on a year already closed records only it (logged); bad dates are refused with a Japanese
message and nothing written; `report --json` says whether the year is provisional (速報)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers.cycle import change_log
from helpers.workbook import make_master, soffice_convert
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c

YEAR = 2026  # the sample's evaluation year
NOW = "2027-07-01T09:00:00"
DAY, MEETING = "2027-06-15", "令和9年度第1回行財政改革推進本部会議"
LINE = "令和9年6月15日 行財政改革推進本部にて確認"


def kaikaku(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line as a process (as staff run it)."""
    return subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", *args], capture_output=True, text=True, timeout=600
    )


def close(master: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return kaikaku("close-year", str(master), "--year", str(YEAR), "--now", NOW, "-q", *extra)


def closed_row(master: Path) -> dict[str, Any]:
    """The 締めた年度 row of YEAR as the sheet shows it (openpyxl re-opens the file)."""
    ws = load_workbook(master)[c.CLOSED_YEARS.sheet]
    headers = [cell.value for cell in ws[c.CLOSED_YEARS.anchor_row]]
    for row in ws.iter_rows(min_row=c.CLOSED_YEARS.anchor_row + 1, values_only=True):
        if row[headers.index("年度")] == YEAR:
            return dict(zip(headers, row, strict=False))
    raise AssertionError(f"no row of {YEAR} in {c.CLOSED_YEARS.sheet}")


def report(master: Path) -> dict[str, Any]:
    done = kaikaku("report", "--json", "-q", str(master))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_close_year_records_the_decision_in_the_closed_years_sheet(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    assert report(master)["provisional"] is True  # not closed: 速報
    done = close(master, "--reason", "決算確定前", "--decided-on", DAY, "--meeting", MEETING)
    assert done.returncode == 0, done.stderr
    assert f"{LINE}（{MEETING}）" in done.stdout
    row = closed_row(master)
    assert row["推進本部確認日"] == DAY and row["会議名"] == MEETING
    assert len(row["チェックサム"]) == 64  # closed as before
    closing = [r for r in change_log(master) if r["種別"] == c.LOG_CLOSE]
    assert LINE in closing[-1]["内容"]
    got = report(master)
    assert got["decision"] == {"decided_on": DAY, "meeting": MEETING}
    assert got["provisional"] is False and got["closed"] is True


def test_a_year_closed_first_gets_its_decision_later_and_only_that_changes(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    assert close(master, "--reason", "決算確定前").returncode == 0
    before = closed_row(master)
    assert before["推進本部確認日"] is None
    got = report(master)
    assert got["decision"] is None and got["provisional"] is True and got["closed"] is True

    done = close(master, "--decided-on", "2027-06-10")  # no meeting name
    assert done.returncode == 0, done.stderr
    assert "推進本部の確認を記録しました" in done.stdout
    after = closed_row(master)
    assert after["推進本部確認日"] == "2027-06-10" and after["会議名"] is None
    assert {k: v for k, v in after.items() if k not in ("推進本部確認日", "会議名")} == {
        k: v for k, v in before.items() if k not in ("推進本部確認日", "会議名")
    }  # closed_at, user, checksum, reason untouched
    assert report(master)["decision"] == {"decided_on": "2027-06-10", "meeting": ""}

    assert close(master, "--decided-on", DAY, "--meeting", MEETING).returncode == 0  # corrected
    logged = [r for r in change_log(master) if r["種別"] == c.LOG_DECISION]
    assert len(logged) == 2
    assert "記録し直しました" in logged[-1]["内容"] and logged[-1]["変更前"] == "2027-06-10"
    assert logged[-1]["変更後"] == f"{DAY} {MEETING}"
    assert closed_row(master)["会議名"] == MEETING


def test_a_closed_year_without_a_decision_says_how_to_add_it(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    assert close(master, "--reason", "決算確定前").returncode == 0
    again = close(master, "--reason", "決算確定前")
    assert again.returncode == 2 and "既に締められています" in again.stderr and "--decided-on" in again.stderr


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (("--decided-on", "2027-02-30"), "日付ではありません"),
        (("--decided-on", "来月"), "日付ではありません"),
        (("--decided-on", "2027-03-31"), "2026年度の最終日（2027-03-31）以前"),
        (("--decided-on", "2026-11-01"), "以前の日付"),
        (("--decided-on", "2027-07-02"), "今日（2027-07-01）より後"),
        (("--meeting", MEETING), "会議名（--meeting）だけでは記録できません"),
    ],
)
def test_bad_decisions_are_refused_and_nothing_is_written(
    tmp_path: Path, options: tuple[str, ...], said: str
) -> None:
    master = make_master(tmp_path)
    before = master.read_bytes()
    done = close(master, "--reason", "決算確定前", *options)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert said in done.stderr and "Traceback" not in done.stderr
    assert master.read_bytes() == before


def test_a_bad_date_for_a_closed_year_is_refused_too(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    assert close(master, "--reason", "決算確定前").returncode == 0
    before = master.read_bytes()
    done = close(master, "--decided-on", "2027-08-01")
    assert done.returncode == 2 and "より後" in done.stderr
    assert master.read_bytes() == before


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_the_decision_survives_a_save_by_libreoffice(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    assert close(master, "--reason", "決算確定前", "--decided-on", DAY, "--meeting", MEETING).returncode == 0
    saved = soffice_convert(master, "xlsx", tmp_path / "lo", tmp_path / "profile")
    row = closed_row(saved)
    assert row["推進本部確認日"] == DAY and row["会議名"] == MEETING  # text stays text
    got = report(saved)
    assert got["decision"] == {"decided_on": DAY, "meeting": MEETING} and got["provisional"] is False
    # and the decision can still be corrected on the saved file
    assert close(saved, "--decided-on", "2027-06-20").returncode == 0
    assert closed_row(saved)["推進本部確認日"] == "2027-06-20"


def test_the_guide_sheet_explains_the_decision_and_the_whole_loop() -> None:
    from kaikaku_xl.master.guide import guide_lines
    from kaikaku_xl.plan import load_plan

    for macro in (True, False):
        text = "\n".join(guide_lines(macro=macro, protect=True, plan=load_plan()))
        assert "・推進本部：" in text and "--decided-on" in text and "--meeting" in text
        assert "速報（推進本部確認前）" in text and "行財政改革推進本部にて確認" in text
        loop = next(line for line in text.splitlines() if line.startswith("・1年の流れ："))
        steps = ("配布", "回収", "確定・差戻し", "推進本部", "懇談会", "kaikaku export")
        assert [loop.index(s) for s in steps] == sorted(loop.index(s) for s in steps)


def test_a_date_typed_on_the_closed_years_sheet_that_is_not_one_is_warned(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    assert close(master, "--reason", "決算確定前").returncode == 0
    wb = load_workbook(master)
    ws = wb[c.CLOSED_YEARS.sheet]
    headers = [cell.value for cell in ws[c.CLOSED_YEARS.anchor_row]]
    cell = ws.cell(row=c.CLOSED_YEARS.anchor_row + 1, column=headers.index("推進本部確認日") + 1)
    cell.value = "6月15日"
    wb.save(master)
    done = kaikaku("validate", "--json", "-q", str(master))
    found = [p for p in json.loads(done.stdout) if p["sheet"] == c.CLOSED_YEARS.sheet]
    assert [(p["severity"], p["cell"]) for p in found] == [("警告", cell.coordinate)]
    assert "6月15日" in found[0]["message"] and "速報" in found[0]["message"]
    assert report(master)["provisional"] is True


def test_reopening_a_verified_year_drops_its_decision_and_says_so(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    assert close(master, "--reason", "決算確定前", "--decided-on", DAY).returncode == 0
    done = kaikaku(
        "reopen-year", str(master), "--year", str(YEAR), "--reason", "決算修正", "--now", NOW, "-q"
    )
    assert done.returncode == 0, done.stderr
    reopened = [r for r in change_log(master) if r["種別"] == c.LOG_REOPEN]
    assert f"推進本部の確認 {DAY} も外しました" in reopened[-1]["内容"]
    got = report(master)
    assert got["decision"] is None and got["provisional"] is True and got["closed"] is False
