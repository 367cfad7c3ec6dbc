"""What collect takes from the files and folders it is given (issue #21 items 2, 3, 8, 12 and the Low item on a file
without an extension): every file is taken or listed with the reason and what to do; a renamed heading, a cell far
below the tables, an oversized narrative and what is not a regular file are all reported by name, never silently
dropped and never an exit 3."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from helpers.cycle import (
    DEPT,
    NOW,
    YEAR,
    actual_in,
    col_of,
    department_file,
    fill_as_personnel_section,
    row_of,
    run_json,
)
from helpers.workbook import make_master, soffice_convert
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.cycle import inbox
from kaikaku_xl.master import contract as c
from kaikaku_xl.xlsx.limits import EXCEL_MAX_CHARS

OTHER = "会計課"  # one item, one measure


@pytest.fixture
def distributed(tmp_path: Path) -> tuple[Path, Path]:
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    assert main(["distribute", str(master), "--out", str(out), "--now", NOW]) == 0
    return master, out


def _status(capsys: pytest.CaptureFixture[str], master: Path) -> dict[str, dict]:
    code, status = run_json(capsys, "status", str(master))
    return {d["department"]: d for d in status["departments"]}


def test_every_file_of_the_folder_is_taken_or_listed_with_why(
    distributed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = distributed
    folder = tmp_path / "回収"
    folder.mkdir()
    filled = department_file(out, DEPT)
    fill_as_personnel_section(filled)
    shutil.copy2(filled, folder / "人事課.XLSX")  # upper case, as some mail clients save it
    shutil.copy2(department_file(out, OTHER), folder / "会計課.xlsm")
    (folder / "古い形式.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really")
    (folder / "拡張子なし").write_bytes(b"PK\x03\x04")
    (folder / "~$人事課.XLSX").write_bytes(b"lock")
    (folder / ".~lock.会計課.xlsm#").write_bytes(b"lock")
    (folder / "古い版").mkdir()
    code, report = run_json(capsys, "collect", str(master), str(folder), "--now", NOW)
    assert code == 1
    assert report["files"] == ["人事課.XLSX", "会計課.xlsm"]
    assert actual_in(master, 2, "人件費（会計年度任用職員以外）") == 4012345678  # the .XLSX was read
    skipped = {s["file"]: s for s in report["skipped"]}
    assert set(skipped) == {"古い形式.xls", "拡張子なし", "~$人事課.XLSX", ".~lock.会計課.xlsm#", "古い版"}
    assert skipped["古い形式.xls"]["blocking"] and "Excel ブック (.xlsx)" in skipped["古い形式.xls"]["action"]
    assert skipped["拡張子なし"]["blocking"] and "拡張子がありません" in skipped["拡張子なし"]["reason"]
    assert not skipped["~$人事課.XLSX"]["blocking"] and "ロックファイル" in skipped["~$人事課.XLSX"]["reason"]
    assert not skipped["古い版"]["blocking"]
    assert _status(capsys, master)[OTHER]["collected"] is True

    capsys.readouterr()
    assert main(["collect", str(master), str(folder), "--now", NOW, "-q"]) == 1
    text = capsys.readouterr().out
    assert (
        "[取り込めないファイル] 古い形式.xls" in text and "取り込めないファイル 2 件" in text.splitlines()[0]
    )


def test_a_file_without_an_extension_is_refused_by_name(
    distributed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = distributed
    bare = tmp_path / "人事課の返送"
    shutil.copy2(department_file(out, DEPT), bare)
    capsys.readouterr()
    code = main(["collect", str(master), str(bare), "--now", NOW, "-q"])
    text = capsys.readouterr().out
    assert code == 1 and "人事課の返送: 拡張子がありません" in text


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_what_is_not_a_regular_file_is_refused_without_hanging(
    distributed: tuple[Path, Path], tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    master, _ = distributed
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this system")
        path = tmp_path / "pipe.xlsx"
        os.mkfifo(path)
    elif kind == "device":
        if not Path("/dev/zero").exists():
            pytest.skip("no /dev/zero on this system")
        path = Path("/dev/zero")
    else:
        path = tmp_path / "回収" / "フォルダ.xlsx"
        path.mkdir(parents=True)
        path = path.parent  # a folder in the folder
    result: list[int] = []
    worker = threading.Thread(
        target=lambda: result.append(main(["collect", str(master), str(path), "--now", NOW, "-q"])),
        daemon=True,
    )
    worker.start()
    worker.join(120)
    assert not worker.is_alive(), "collect hung"
    out = capsys.readouterr().out
    if kind == "folder":
        assert result == [0] and "フォルダ.xlsx: フォルダーです" in out
    else:
        assert result == [1] and "通常のファイルではありません" in out and path.name in out


def test_a_renamed_year_heading_is_an_error_naming_file_sheet_and_column(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = distributed
    path = department_file(out, DEPT)
    fill_as_personnel_section(path)
    wb = load_workbook(path)
    ws = wb["実績"]
    ws.cell(row=3, column=col_of(ws, f"{YEAR}年度"), value=str(YEAR))  # 「2026年度」 retyped 「2026」
    wb.save(path)
    code, report = run_json(capsys, "collect", str(master), str(path), "--now", NOW)
    assert code == 1 and report["applied"] == []
    (refused,) = report["refused"]
    assert refused["file"] == path.name and refused["sheet"] == "実績"
    assert f"列「{YEAR}年度」がありません" in refused["reason"] and f"「{YEAR}」" in refused["reason"]
    assert _status(capsys, master)[DEPT]["collected"] is False  # not shown as 回収


def test_a_cell_far_below_the_tables_is_named_and_costs_nothing(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    master, out = distributed
    path = department_file(out, DEPT)
    fill_as_personnel_section(path)
    wb = load_workbook(path)
    wb["実績"].cell(row=1_048_576, column=1, value="x")
    wb.save(path)
    started = time.monotonic()
    code, report = run_json(capsys, "collect", str(master), str(path), "--now", NOW)
    assert time.monotonic() - started < 20  # 60 s and 2.1 GB before the read was bounded
    assert code == 1 and len(report["applied"]) == 5
    far = [r for r in report["refused"] if r["cell"] == "A1048576"]
    assert far and far[0]["sheet"] == "実績" and "表の外" in far[0]["reason"]


def _replace_in_package(path: Path, old: bytes, new: bytes) -> None:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    (part,) = [n for n, data in parts.items() if old in data]
    parts[part] = parts[part].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_a_narrative_longer_than_a_cell_holds_is_cut_and_reported(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = distributed
    path = department_file(out, DEPT)
    wb = load_workbook(path)
    ws = wb[c.STATUS.sheet]
    cell = ws.cell(row=row_of(ws, No=1, 年度=YEAR), column=col_of(ws, "取組実績"))
    cell.value = "LONG-TEXT"  # openpyxl cuts what it is given at 32,767: the long text goes into the XML
    wb.save(path)
    _replace_in_package(path, b"LONG-TEXT", ("あ" * 40_000).encode())
    code, report = run_json(capsys, "collect", str(master), str(path), "--now", NOW)
    warned = [p for p in report["problems"] if p["cell"] == cell.coordinate and "切り詰め" in p["message"]]
    assert warned and warned[0]["sheet"] == c.STATUS.sheet and "40,000" in warned[0]["message"]
    ms = load_workbook(master, data_only=True)[c.STATUS.sheet]
    kept = ms.cell(row=row_of(ms, No=1, 年度=YEAR), column=col_of(ms, "取組実績")).value
    assert len(kept) == EXCEL_MAX_CHARS and kept.endswith("…")


def test_an_ods_without_libreoffice_is_refused_with_what_to_do(
    distributed: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    master, out = distributed
    ods = tmp_path / "人事課.ods"
    shutil.copy2(department_file(out, DEPT), ods)
    monkeypatch.setattr(inbox, "soffice", lambda: None)
    code, report = run_json(capsys, "collect", str(master), str(ods), "--now", NOW)
    assert code == 1 and report["refused"][0]["file"] == ods.name
    assert "Excel 2007-365 (.xlsx)" in report["refused"][0]["reason"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_an_ods_saved_by_libreoffice_is_read(
    distributed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master, out = distributed
    filled = department_file(out, DEPT)
    fill_as_personnel_section(filled)
    ods = soffice_convert(filled, "ods", tmp_path / "lo", tmp_path / "profile")
    code, report = run_json(capsys, "collect", str(master), str(ods), "--now", NOW)
    assert report["files"] == [ods.name] and len(report["applied"]) == 5, report
    assert actual_in(master, 2, "人件費（会計年度任用職員以外）") == 4012345678
    assert all(a["file"] == ods.name for a in report["applied"])


def test_a_collected_narrative_grows_its_row_in_the_master(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 7: collect writes text into wrapped cells; the row gets the height of its lines (Excel and LibreOffice
    keep a row's height as the file gives it)."""
    from kaikaku_xl.textfit import wrapped_lines

    master, out = distributed
    path = department_file(out, DEPT)
    wb = load_workbook(path)
    ws = wb[c.STATUS.sheet]
    text = "定員適正化計画の改定に着手し、各課へのヒアリングを実施した。" * 8
    ws.cell(row=row_of(ws, No=1, 年度=YEAR), column=col_of(ws, "取組実績"), value=text)
    wb.save(path)
    code, report = run_json(capsys, "collect", str(master), str(path), "--now", NOW)
    assert len(report["applied"]) == 1
    ms = load_workbook(master)[c.STATUS.sheet]
    row = row_of(ms, No=1, 年度=YEAR)
    cell = ms.cell(row=row, column=col_of(ms, "取組実績"))
    assert cell.alignment.wrap_text is True
    width = ms.column_dimensions[cell.column_letter].width
    lines = wrapped_lines(text, width)
    assert lines >= 5
    assert ms.row_dimensions[row].height >= 14 * lines  # every line shows, not one line of it


def test_messages_show_values_as_the_sheets_do(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Low items: a value typed in a row without No and 指標名 is named without 「None」, and a jump warning names
    the previous value with 桁区切り (not 4.03172e+09)."""
    master, out = distributed
    path = department_file(out, DEPT)
    wb = load_workbook(path)
    ws = wb["実績"]
    year_col = col_of(ws, f"{YEAR}年度")
    ws.cell(
        row=row_of(ws, No=2, 指標名="人件費（会計年度任用職員以外）"), column=year_col, value=403_172_000_000
    )
    ws.cell(row=ws.max_row + 1, column=year_col, value=5)  # below the table, no No, no 指標名
    wb.save(path)
    capsys.readouterr()
    assert main(["collect", str(master), str(path), "--now", NOW, "-q"]) == 1
    text = capsys.readouterr().out
    assert "None" not in text and "e+" not in text
    assert "No「未入力」「未入力」" in text
    jump = next(line for line in text.splitlines() if "前の値" in line)
    assert "前の値 4,0" in jump and "403,172,000,000" in text


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for LibreOffice")
def test_a_conversion_that_hangs_is_stopped_and_the_file_refused(
    distributed: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    master, out = distributed
    ods = tmp_path / "人事課.ods"
    shutil.copy2(department_file(out, DEPT), ods)
    stuck = tmp_path / "soffice"
    stuck.write_text("#!/bin/sh\nsleep 60 &\nwait\n")
    stuck.chmod(0o755)
    monkeypatch.setattr(inbox, "soffice", lambda: str(stuck))
    monkeypatch.setattr(inbox, "CONVERT_SECONDS", 1)
    code, report = run_json(capsys, "collect", str(master), str(ods), "--now", NOW)
    assert code == 1 and report["refused"][0]["file"] == ods.name
    assert "変換できませんでした" in report["refused"][0]["reason"]
