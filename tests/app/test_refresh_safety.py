"""Refresh keeps what it does not own, writes atomically, keeps backups, respects locks, and is idempotent."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from helpers.workbook import FIXED_NOW, add_user_content, make_master, parts
from openpyxl import Workbook, load_workbook

from kaikaku_xl.app.refresh import refresh
from kaikaku_xl.cli.program import main
from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.builder import layout_of
from kaikaku_xl.plan import load_plan
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.package import inspect

NOW = datetime.fromisoformat(FIXED_NOW)


def owned_parts(path: Path) -> set[str]:
    """The parts refresh may rewrite: output sheets, output tables, workbook.xml (recalc flag)."""
    package = inspect(path)
    layout = layout_of(load_plan())
    sheets = {package.sheets[s] for s in layout.output_sheets}
    tables = {package.tables[t.name].part for t in layout.outputs}
    return sheets | tables | {"xl/workbook.xml"}


@pytest.fixture()
def user_master(tmp_path: Path) -> Path:
    return add_user_content(make_master(tmp_path))


def test_refresh_keeps_every_part_it_does_not_own(user_master: Path) -> None:
    before = parts(user_master)
    refresh(FileEngine(user_master, backups=0), now=NOW)
    after = parts(user_master)
    assert set(after) == set(before)
    owned = owned_parts(user_master)
    untouched = [name for name in before if name not in owned]
    assert any("media/" in n for n in untouched) and any("charts/" in n for n in untouched)
    assert any("comments" in n for n in untouched)
    for name in untouched:
        assert after[name] == before[name], name


def test_user_content_survives_when_reopened(user_master: Path) -> None:
    refresh(FileEngine(user_master, backups=0), now=NOW)
    wb = load_workbook(user_master)
    memo = wb["メモ（担当者用）"]
    assert [r for r in memo.iter_rows(values_only=True)][:4] == [
        ("年度", "件数"),
        (2025, 3),
        (2026, 5),
        (2027, 8),
    ]
    assert len(memo._images) == 1 and len(memo._charts) == 1
    assert wb["実績"]["E4"].comment.text == "人事課に確認済み"
    assert "my_total" in wb.defined_names
    assert wb["評価結果"]["A4"].value == "2-1"  # and the outputs were written


def test_input_sheets_unchanged_cell_for_cell(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    layout = layout_of(load_plan())

    def inputs() -> dict[str, list[tuple]]:
        wb = load_workbook(path)
        return {s.sheet: list(wb[s.sheet].iter_rows(values_only=True)) for s in layout.inputs}

    before = inputs()
    refresh(FileEngine(path, backups=0), now=NOW)
    assert inputs() == before


def test_refresh_twice_equals_refresh_once_except_the_log(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    refresh(FileEngine(path, backups=0), now=NOW)
    once = parts(path)
    refresh(FileEngine(path, backups=0), now=NOW)
    twice = parts(path)
    package = inspect(path)
    log_parts = {package.sheets[c.REFRESH_LOG.sheet], package.tables[c.REFRESH_LOG.name].part}
    changed = {name for name in once if once[name] != twice[name]}
    assert changed == log_parts
    log = load_workbook(path)[c.REFRESH_LOG.sheet]
    assert sum(1 for r in log.iter_rows(min_row=4, values_only=True) if r[0]) == 3  # init + 2 refreshes


def test_interrupted_write_leaves_the_original_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_master(tmp_path)
    before = path.read_bytes()
    calls = {"n": 0}
    real_writestr = zipfile.ZipFile.writestr

    def failing_writestr(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls["n"] += 1
        if calls["n"] == 10:
            raise OSError(28, "No space left on device")
        return real_writestr(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing_writestr)
    with pytest.raises(WorkbookError, match="元のファイルは変更されていません"):
        refresh(FileEngine(path, backups=3), now=NOW)
    assert path.read_bytes() == before
    # no temp file, no backup (the writer lock's file may stay: it is empty and only the OS lock on it counts)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".kaikaku-lock")) == [
        "master.xlsx"
    ]


def test_a_killed_process_leaves_the_original_intact(tmp_path: Path) -> None:
    """A crash with no chance to clean up (os._exit mid-write): the master is still the old, valid file."""
    path = make_master(tmp_path)
    before = path.read_bytes()
    script = (
        "import os, sys\n"
        "from kaikaku_xl.xlsx import zipcopy\n"
        "from kaikaku_xl.xlsx.file_engine import FileEngine\n"
        "from kaikaku_xl.app.refresh import refresh\n"
        "real = zipcopy.copy_raw\n"  # every unchanged part is copied by it: crash at the 20th
        "n = [0]\n"
        "def crash(*a, **k):\n"
        "    n[0] += 1\n"
        "    if n[0] == 20: os._exit(9)\n"
        "    return real(*a, **k)\n"
        "zipcopy.copy_raw = crash\n"
        "refresh(FileEngine(sys.argv[1], backups=2))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, timeout=120)
    assert result.returncode == 9
    assert path.read_bytes() == before
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
    # the half-written file it left is removed by a later refresh once it is stale
    [leftover] = tmp_path.glob(".kaikaku-master-*.xlsx")
    os.utime(leftover, (0, 0))
    refresh(FileEngine(path, backups=0), now=NOW)
    assert not leftover.exists()


def test_backups_are_kept_up_to_the_setting(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    for _ in range(4):
        refresh(FileEngine(path, backups=2), now=NOW)
    backups = sorted((tmp_path / "backup").iterdir())
    assert len(backups) == 3  # the newest two and the day's first (kept by day as well, issue #20)
    assert all(zipfile.is_zipfile(b) for b in backups)


@pytest.mark.parametrize("lock_name", [".~lock.master.xlsx#", "~$master.xlsx", "~$ster.xlsx"])
def test_a_workbook_open_elsewhere_is_reported_not_overwritten(
    tmp_path: Path, lock_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_master(tmp_path)
    (tmp_path / lock_name).write_text("someone")
    before = path.read_bytes()
    assert main(["refresh", str(path)]) == 2
    assert "開かれています" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_master_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.xlsx"
    wb = Workbook()
    wb.active["A1"] = "別のブック"
    wb.save(other)
    before = other.read_bytes()
    assert main(["refresh", str(other)]) == 2
    assert "必要な表がありません" in capsys.readouterr().err
    assert other.read_bytes() == before
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    assert main(["refresh", str(broken)]) == 2
    assert "読めません" in capsys.readouterr().err


def test_a_missing_output_table_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_master(tmp_path)
    wb = load_workbook(path)
    del wb["担当課別"].tables["DepartmentSummary"]
    wb.save(path)
    before = path.read_bytes()
    assert main(["refresh", str(path)]) == 2
    assert "DepartmentSummary" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert not any(p.name.startswith(".kaikaku-") for p in tmp_path.iterdir())


def test_refresh_of_a_read_only_file_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write read-only files")
    path = make_master(tmp_path)
    path.chmod(0o444)
    assert main(["refresh", str(path)]) == 2
    assert "書き込めません" in capsys.readouterr().err


def test_refresh_keeps_the_file_mode(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    path.chmod(0o640)
    refresh(FileEngine(path, backups=0), now=NOW)
    assert path.stat().st_mode & 0o777 == 0o640


def _with_calc_chain(path: Path, entries: list[tuple[str, str]]) -> None:
    """Add Excel's calculation chain (cell, sheetId) as Excel writes it, with its relationship and content type."""
    chain = "".join(f'<c r="{ref}" i="{sheet_id}"/>' for ref, sheet_id in entries)
    files = parts(path)
    files["xl/calcChain.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{chain}</calcChain>'
    ).encode()
    files["xl/_rels/workbook.xml.rels"] = files["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdChain" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'calcChain" Target="calcChain.xml"/></Relationships>',
    )
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.calcChain+xml"/></Types>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)


def test_calc_chain_entries_of_owned_sheets_are_pruned(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    ids = inspect(path).sheet_ids
    _with_calc_chain(path, [("K5", ids["評価結果"]), ("E4", ids["実績"]), ("F4", ids["実績"])])
    refresh(FileEngine(path, backups=0), now=NOW)
    chain = parts(path)["xl/calcChain.xml"].decode()
    assert f'i="{ids["評価結果"]}"' not in chain and chain.count(f'i="{ids["実績"]}"') == 2


def test_a_calc_chain_of_owned_cells_only_is_dropped_cleanly(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    ids = inspect(path).sheet_ids
    _with_calc_chain(path, [("K5", ids["評価結果"]), ("K6", ids["評価結果"])])
    refresh(FileEngine(path, backups=0), now=NOW)
    after = parts(path)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"] + after["[Content_Types].xml"]
    assert load_workbook(path)["評価結果"]["A4"].value == "2-1"


def test_a_calc_chain_of_input_cells_is_kept_byte_for_byte(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    _with_calc_chain(path, [("E4", inspect(path).sheet_ids["実績"])])
    before = parts(path)["xl/calcChain.xml"]
    refresh(FileEngine(path, backups=0), now=NOW)
    assert parts(path)["xl/calcChain.xml"] == before
