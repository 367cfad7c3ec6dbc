"""The coordinator's check of each department's return (issue #23, point 1): 確定 / 差戻し, the reason on the next
file's 記入方法 sheet, the state in status and on the 提出状況 sheet, a new return re-opening an acceptance, and
close-year waiting for every department's 確定 unless a reason is recorded."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers.cycle import DEPT, NOW, YEAR, change_log, department_file, fill_as_personnel_section, run_json
from helpers.processes import cli
from helpers.workbook import make_master, soffice_convert
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c

SENT_BACK = "会計課"
LAST = "市民課"  # the one department left unaccepted when the year is closed
REASON = "財政効果額の算定根拠が空欄です。委託料の差額の内訳を記入してください"
LATER = "2026-06-02T09:00:00"


@pytest.fixture
def collected(tmp_path: Path) -> tuple[Path, Path]:
    """A master whose six departments returned their files (the sample's values, unchanged)."""
    master = make_master(tmp_path)
    out = tmp_path / "配布"
    assert main(["distribute", str(master), "--out", str(out), "--due", "2027-05-31", "--now", NOW]) == 0
    assert main(["collect", str(master), str(out), "--now", NOW]) == 0
    return master, out


def _department(status: dict[str, Any], name: str) -> dict[str, Any]:
    return next(d for d in status["departments"] if d["department"] == name)


def _acceptances(master: Path) -> list[tuple[Any, ...]]:
    ws = load_workbook(master)[c.ACCEPTANCES.sheet]
    headers = [cell.value for cell in ws[c.ACCEPTANCES.anchor_row]]
    assert headers == list(c.ACCEPTANCES.headers)
    assert ws.sheet_state == "hidden"
    return [
        (r[0], r[1], r[2], r[4])
        for r in ws.iter_rows(min_row=c.ACCEPTANCES.anchor_row + 1, values_only=True)
        if any(v is not None for v in r)
    ]


def _guide_text(path: Path) -> str:
    ws = load_workbook(path)[c.SHEET_DEPARTMENT_GUIDE]
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)


@pytest.mark.slow
def test_send_back_redistribute_collect_accept_and_close(
    collected: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = collected
    assert main(["send-back", str(master), "--department", SENT_BACK, "--reason", REASON, "--now", NOW]) == 0
    code, status = run_json(capsys, "status", str(master), "--now", NOW)
    mine = _department(status, SENT_BACK)
    assert mine["state"] == "差戻し" and mine["accepted"] is None
    assert mine["sent_back"] == {"reason": REASON, "at": "2026-06-01 10:00:00"}
    assert status["summary"]["sent_back"] == 1 and status["summary"]["accepted"] == 0

    # the department's next file only, with the reason on its 記入方法 sheet
    again = tmp_path / "再配布"
    args = ["distribute", str(master), "--out", str(again), "--department", SENT_BACK, "--now", LATER]
    assert main(args) == 0
    files = list(again.glob("*.xlsx"))
    assert [p.name for p in files] == [f"{YEAR}年度_実績報告_{SENT_BACK}.xlsx"]
    guide = _guide_text(files[0])
    assert REASON in guide and "差戻し" in guide
    assert "令和9年5月31日" in guide  # without --due, the file sent again keeps the deadline the others have
    assert REASON not in _guide_text(department_file(out, DEPT))  # the others' files never said it
    # accepting before the new file came back is refused: nothing collected of the latest distribution
    capsys.readouterr()
    assert main(["accept", str(master), "--department", SENT_BACK, "--now", LATER]) == 2
    assert "まだ回収していません" in capsys.readouterr().err

    assert main(["collect", str(master), str(files[0]), "--now", LATER]) == 0
    code, status = run_json(capsys, "status", str(master), "--now", LATER)
    assert _department(status, SENT_BACK)["state"] == "回収済"
    assert _department(status, SENT_BACK)["sent_back"] is None
    for department in [d["department"] for d in status["departments"]]:
        if department != LAST:
            assert main(["accept", str(master), "--department", department, "--now", LATER]) == 0

    # the history stays visible: sent back, returned, accepted
    assert [row for row in _acceptances(master) if row[1] == SENT_BACK] == [
        (YEAR, SENT_BACK, "差戻し", REASON),
        (YEAR, SENT_BACK, "再回収", f"差戻しの後に返送ファイル {files[0].name} を回収しました。"),
        (YEAR, SENT_BACK, "確定", None),
    ]
    code, status = run_json(capsys, "status", str(master), "--now", LATER)
    assert status["summary"]["accepted"] == 5 and status["summary"]["departments"] == 6
    assert _department(status, DEPT)["accepted"] == "2026-06-02 09:00:00"
    assert _department(status, LAST)["state"] == "回収済" and _department(status, LAST)["accepted"] is None
    capsys.readouterr()
    assert main(["status", str(master), "--now", LATER]) == 0
    text = capsys.readouterr().out
    assert "確定 5/6 課" in text and f"{LAST}: 【回収済】" in text and f"{DEPT}: 【確定】" in text

    # the 提出状況 sheet after a refresh: the state per department and the totals
    assert main(["refresh", str(master), "--now", LATER]) == 0
    ws = load_workbook(master, data_only=True)[c.SUBMISSIONS.sheet]
    headers = [cell.value for cell in ws[c.SUBMISSIONS.anchor_row]]
    rows = {
        r[0]: dict(zip(headers, r, strict=False))
        for r in ws.iter_rows(min_row=c.SUBMISSIONS.anchor_row + 1, values_only=True)
        if r[0]
    }
    assert rows[DEPT]["確認"] == "確定" and rows[LAST]["確認"] == "回収済"
    assert rows[DEPT]["確定・差戻し"] == "確定 2026-06-02 09:00:00"
    assert "確定 5/6 課" in str(ws["A2"].value)

    # close-year waits for 市民課, named; with a reason it closes and records why
    before = master.read_bytes()
    capsys.readouterr()
    assert main(["close-year", str(master), "--year", str(YEAR), "--now", LATER]) == 1
    said = capsys.readouterr().err
    assert f"{LAST}（回収済）" in said and "--reason" in said
    assert SENT_BACK not in said.split("確定していない担当課があります")[1]
    assert master.read_bytes() == before
    why = "市民課の確認は推進本部の後に行う"
    assert main(["close-year", str(master), "--year", str(YEAR), "--now", LATER, "--reason", why]) == 0
    ws = load_workbook(master)[c.CLOSED_YEARS.sheet]
    closed_headers = [cell.value for cell in ws[c.CLOSED_YEARS.anchor_row]]
    assert [cell.value for cell in ws[c.CLOSED_YEARS.anchor_row + 1]][
        closed_headers.index("未入力のまま締めた理由")
    ] == why
    closing = [r for r in change_log(master) if r["種別"] == c.LOG_CLOSE][-1]["内容"]
    assert f"{LAST}（回収済）" in closing and why in closing


def test_all_accepted_closes_without_a_reason(
    collected: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, _out = collected
    code, status = run_json(capsys, "status", str(master), "--now", NOW)
    for department in [d["department"] for d in status["departments"]]:
        assert main(["accept", str(master), "--department", department, "--now", NOW]) == 0
    assert main(["close-year", str(master), "--year", str(YEAR), "--now", NOW]) == 0


def test_a_new_return_reopens_an_acceptance(
    collected: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = collected
    assert main(["accept", str(master), "--department", DEPT, "--now", NOW]) == 0
    # the same file again changes nothing: the acceptance stands
    assert main(["collect", str(master), str(department_file(out, DEPT)), "--now", LATER]) == 0
    code, status = run_json(capsys, "status", str(master), "--now", LATER)
    assert _department(status, DEPT)["state"] == "確定"
    # a corrected file: its values are merged and the acceptance re-opens, logged
    corrected = Path(shutil.copy2(department_file(out, DEPT), tmp_path / "訂正.xlsx"))
    fill_as_personnel_section(corrected)
    assert main(["collect", str(master), str(corrected), "--now", LATER]) in (0, 1)
    code, status = run_json(capsys, "status", str(master), "--now", LATER)
    assert _department(status, DEPT)["state"] == "回収済" and _department(status, DEPT)["accepted"] is None
    reopened = [r for r in change_log(master) if r["種別"] == c.ACCEPT_RECOLLECTED]
    assert len(reopened) == 1 and "確定を解除" in reopened[0]["内容"] and reopened[0]["主要担当課"] == DEPT
    assert [row[2] for row in _acceptances(master) if row[1] == DEPT] == ["確定", "再回収"]


def test_accepting_twice_is_harmless(
    collected: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, _out = collected
    assert main(["accept", str(master), "--department", DEPT, "--now", NOW]) == 0
    before = master.read_bytes()
    capsys.readouterr()
    assert main(["accept", str(master), "--department", DEPT, "--now", LATER]) == 0
    assert "確定済み" in capsys.readouterr().out
    assert master.read_bytes() == before
    accepted = [r for r in change_log(master) if r["種別"] == c.ACCEPT_ACCEPTED]
    assert len(accepted) == 1 and accepted[0]["主要担当課"] == DEPT


def test_refusals_are_japanese_and_name_what_to_do(tmp_path: Path) -> None:
    """As a process: a department never returned, an unknown department, a send-back without a reason."""
    master = make_master(tmp_path)
    out = tmp_path / "配布"
    assert cli("distribute", str(master), "--out", str(out), "--now", NOW, "-q").returncode == 0
    before = master.read_bytes()
    run = cli("accept", str(master), "--department", DEPT, "--now", NOW, "-q")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"{DEPT}の{YEAR}年度の実績報告ファイル" in run.stderr and "まだ回収していません" in run.stderr
    run = cli("accept", str(master), "--department", "人事", "-q")
    assert run.returncode == 2 and "主要担当課「人事」" in run.stderr
    assert "人事課、行革デジタル推進課、会計課、市民課、政策企画課、管財課" in run.stderr
    run = cli("send-back", str(master), "--department", DEPT, "--reason", "  ", "-q")
    assert run.returncode == 2 and "差し戻す理由" in run.stderr
    run = cli("send-back", str(master), "--department", DEPT, "--reason", REASON, "-q")
    assert run.returncode == 2 and "まだ回収していません" in run.stderr
    run = cli("distribute", str(master), "--out", str(out), "--department", "財政課", "--force", "-q")
    assert run.returncode == 2 and "主要担当課「財政課」" in run.stderr
    assert master.read_bytes() == before


@pytest.mark.parametrize("saver", ["openpyxl", pytest.param("libreoffice", marks=pytest.mark.slow)])
def test_the_steps_survive_a_save_by_another_program(
    collected: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], saver: str
) -> None:
    """確定記録 saved by openpyxl or LibreOffice: the states read back, and the next step appends to it."""
    master, _out = collected
    assert main(["send-back", str(master), "--department", SENT_BACK, "--reason", REASON, "--now", NOW]) == 0
    assert main(["accept", str(master), "--department", DEPT, "--now", NOW]) == 0
    if saver == "openpyxl":
        load_workbook(master).save(master)
        saved = master
    else:
        saved = soffice_convert(master, "xlsx", tmp_path / "lo", tmp_path / "profile")
    code, status = run_json(capsys, "status", str(saved), "--now", LATER)
    assert _department(status, DEPT)["accepted"] == "2026-06-01 10:00:00"
    assert _department(status, SENT_BACK)["sent_back"] == {"reason": REASON, "at": "2026-06-01 10:00:00"}
    assert main(["accept", str(saved), "--department", SENT_BACK, "--now", LATER]) == 0
    assert [row[2] for row in _acceptances(saved)] == ["差戻し", "確定", "確定"]
