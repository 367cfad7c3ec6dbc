"""The typing harness itself (helpers/typing_uno.py): what it types is what LibreOffice stores for a person's
keystrokes, validation is applied as the dialog would, locked cells are never typed into, LibreOffice saves .xlsx
and soffice is gone afterwards. The rules are the project's own (kaikaku_xl.xlsx.validation)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from helpers.typing_uno import skip_reason, type_cells
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Protection
from openpyxl.worksheet.datavalidation import DataValidation

from kaikaku_xl.xlsx.validation import choice_list, whole_check

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason()))


def add(ws: object, dv: DataValidation, ref: str) -> None:
    dv.add(ref)
    ws.add_data_validation(dv)  # type: ignore[attr-defined]


@pytest.fixture()
def book(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "入力"
    ws["A1"], ws["B1"], ws["C1"], ws["D1"] = 1, "実施中", 7, None
    add(ws, whole_check(1, 10, "1〜10 の整数"), "A1")  # stop
    add(ws, choice_list(["未着手", "実施中", "完了"], "一覧から選択"), "B1")  # stop
    information = DataValidation(  # the person may go on after the message
        type="decimal",
        operator="between",
        formula1="-1E+15",
        formula2="1E+15",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="information",
        errorTitle="数値",
        error="数値を入力",
    )
    add(ws, information, "C1")
    for ref in ("A1", "B1", "C1", "D1", "E1"):
        ws[ref].protection = Protection(locked=False)
    ws["F1"], ws["G1"] = "見出し", 5  # locked (the default) on a protected sheet
    ws.protection.sheet = True
    ws["E1"].number_format = "0.0%"
    free = wb.create_sheet("自由")
    free["A1"] = None
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


def soffice_of_the_harness() -> list[str]:
    """Command lines of running processes started with a typing_uno profile."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "kaikaku-typing-" in text and "soffice" in text:
            found.append(text)
    return found


@pytest.mark.slow
def test_typing_validation_locks_and_saving(book: Path) -> None:
    results = type_cells(
        book,
        [
            ("入力", "A1", "12"),  # breaks a stop rule: refused, the old value stays
            ("入力", "B1", "やってない"),  # not in the list: refused
            (
                "入力",
                "C1",
                "388,500千円",
            ),  # text in a number cell with an information rule: kept, message shown
            ("入力", "D1", "95%"),  # General: LibreOffice stores 0.95 and makes the cell a percent cell
            ("入力", "E1", "95"),  # a percent cell: LibreOffice has no automatic percent entry, 9500%
            ("入力", "F1", "上書き"),  # locked: never typed
            ("入力", "G1", "6"),  # a second locked cell (LibreOffice 7.4 headless crashed typing here)
            ("自由", "A1", "１，２００"),  # 全角 stays text
            ("入力", "A1", "3"),  # within the rule: written
            ("入力", "B1", "完了"),
        ],
    )
    by = {(r.sheet, r.cell, r.typed): r for r in results}
    assert by[("入力", "A1", "12")].outcome == "refused" and by[("入力", "A1", "12")].value == 1
    assert by[("入力", "A1", "12")].message == "1〜10 の整数"
    assert by[("入力", "B1", "やってない")].outcome == "refused"
    assert by[("入力", "B1", "やってない")].shown == "実施中"
    info = by[("入力", "C1", "388,500千円")]
    assert (info.outcome, info.content, info.message) == ("written", "TEXT", "数値を入力")
    pct = by[("入力", "D1", "95%")]
    assert pct.value == pytest.approx(0.95) and "%" in pct.number_format
    assert by[("入力", "E1", "95")].value == 95 and by[("入力", "E1", "95")].shown.startswith("9500")
    assert by[("入力", "F1", "上書き")].outcome == "locked" and by[("入力", "F1", "上書き")].shown == "見出し"
    assert by[("入力", "G1", "6")].outcome == "locked"
    assert by[("自由", "A1", "１，２００")].content == "TEXT"
    assert by[("入力", "A1", "3")].outcome == "written" and by[("入力", "B1", "完了")].outcome == "written"

    # saved by LibreOffice as .xlsx: what openpyxl (and so every reader of the project) sees
    assert zipfile.is_zipfile(book)
    wb = load_workbook(book)
    ws = wb["入力"]
    assert (ws["A1"].value, ws["B1"].value, ws["C1"].value) == (3, "完了", "388,500千円")
    assert ws["D1"].value == pytest.approx(0.95) and "%" in ws["D1"].number_format
    assert (ws["F1"].value, ws["G1"].value) == ("見出し", 5)
    assert ws.protection.sheet  # still protected
    assert wb["自由"]["A1"].value == "１，２００"
    assert not soffice_of_the_harness()  # stopped by its pid


def test_skip_reason_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import helpers.typing_uno as typing_uno

    monkeypatch.setattr(typing_uno.shutil, "which", lambda name: None)
    assert "LibreOffice" in str(typing_uno.skip_reason())
    monkeypatch.undo()
    monkeypatch.setattr(typing_uno, "SYSTEM_PYTHON", "/nonexistent/python3")
    if typing_uno.shutil.which("soffice"):
        assert "python3-uno" in str(typing_uno.skip_reason())
