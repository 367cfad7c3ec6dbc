"""A closed year's record carries a checksum (issue #21, 11): a figure edited by hand in 年度確定値 is an error naming
the cell and the report keeps the figure closed; a 締めた年度 row deleted (the year silently reopened) is reported;
a master closed before checksums existed is accepted with a note."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers.cycle import NOW
from helpers.workbook import make_master, soffice_convert
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c

YEAR = 2026
ITEM = 6


def _closed(tmp_path: Path) -> Path:
    master = make_master(tmp_path)  # the sample: no open gap in 2026
    assert main(["close-year", str(master), "--year", str(YEAR), "--now", NOW]) == 0
    return master


def _report(master: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["report", str(master), "--json", "-q"]) == 0
    return json.loads(capsys.readouterr().out)


def _validate(master: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    capsys.readouterr()
    code = main(["validate", str(master), "--json", "-q"])
    return code, json.loads(capsys.readouterr().out)


def _row_cells(master: Path, sheet: str, anchor: int, match: dict[str, object]) -> dict[str, str]:
    """Header -> cell address of the first row of a hidden table whose cells match."""
    ws = load_workbook(master)[sheet]
    headers = [cell.value for cell in ws[anchor]]
    for row in ws.iter_rows(min_row=anchor + 1):
        if all(row[headers.index(h)].value == v for h, v in match.items()):
            return {h: row[j].coordinate for j, h in enumerate(headers)}
    raise AssertionError(match)


def _edit(master: Path, sheet: str, cells: dict[str, object]) -> None:
    wb = load_workbook(master)
    for address, value in cells.items():
        wb[sheet][address] = value
    wb.save(master)


def test_a_grade_edited_in_the_record_is_an_error_and_the_closed_grade_stays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = _closed(tmp_path)
    grade = next(i["grade"] for i in _report(master, capsys)["items"] if i["no"] == ITEM)
    other = "D" if grade != "D" else "S"
    cells = _row_cells(master, c.YEAR_RESULTS.sheet, 1, {"区分": "項目", "キー": str(ITEM), "項目": "grade"})
    _edit(master, c.YEAR_RESULTS.sheet, {cells["値"]: other})

    code, problems = _validate(master, capsys)
    assert code == 1
    errors = [p for p in problems if p["severity"] == "エラー"]
    assert any(p["sheet"] == c.CLOSED_YEARS.sheet and "チェックサム" in p["message"] for p in errors)
    named = [p for p in errors if p["sheet"] == c.YEAR_RESULTS.sheet and p["cell"] == cells["値"]]
    assert named and other in named[0]["message"]
    assert next(i["grade"] for i in _report(master, capsys)["items"] if i["no"] == ITEM) == grade


def test_a_deleted_closed_year_row_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    master = _closed(tmp_path)
    cells = _row_cells(master, c.CLOSED_YEARS.sheet, 1, {"年度": YEAR})
    _edit(master, c.CLOSED_YEARS.sheet, dict.fromkeys(cells.values()))  # the row emptied by hand
    code, problems = _validate(master, capsys)
    assert code == 1
    gone = [p for p in problems if p["sheet"] == c.CLOSED_YEARS.sheet and p["severity"] == "エラー"]
    assert gone and f"{YEAR}年度は締められていたはず" in gone[0]["message"]


def test_a_close_in_the_change_log_without_its_record_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = _closed(tmp_path)
    wb = load_workbook(master)
    for name in (c.CLOSED_YEARS.sheet, c.YEAR_RESULTS.sheet):  # both records removed, the log kept
        ws = wb[name]
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.value = None
    wb.save(master)
    code, problems = _validate(master, capsys)
    assert code == 1
    assert any(
        p["sheet"] == c.CLOSED_YEARS.sheet and c.CHANGE_LOG.sheet in p["message"]
        for p in problems
        if p["severity"] == "エラー"
    )


def test_a_year_closed_before_checksums_is_accepted_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = _closed(tmp_path)
    cells = _row_cells(master, c.CLOSED_YEARS.sheet, 1, {"年度": YEAR})
    _edit(master, c.CLOSED_YEARS.sheet, {cells["チェックサム"]: None})
    code, problems = _validate(master, capsys)
    assert code == 0
    notes = [p for p in problems if p["sheet"] == c.CLOSED_YEARS.sheet]
    assert [p["severity"] for p in notes] == ["情報"] and "チェックサム" in notes[0]["message"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_a_closed_master_saved_by_libreoffice_keeps_its_checksum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """LibreOffice keeps 14–15 digits of a float and rounds the last its own way: the record's rates are kept at
    12 digits and the checksum reads them so, a save is not an edit."""
    master = _closed(tmp_path)
    saved = soffice_convert(master, "xlsx", tmp_path / "lo", tmp_path / "profile")
    code, problems = _validate(saved, capsys)
    assert code == 0 and not [p for p in problems if p["severity"] == "エラー"]
