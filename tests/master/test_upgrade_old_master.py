"""A master built before the yearly cycle's tables existed (made here by removing them, as an older commit's
contract built it): refresh/distribute add the missing hidden tables and the output sheets of the cycle (提出状況,
年度推移), nothing else changes, a backup is taken and a message says so; the cycle then works. (The masters the
earlier releases really built: tests/upgrade.)"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from helpers.cycle import NOW
from helpers.workbook import make_master, soffice_convert
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c
from kaikaku_xl.xlsx.file_engine import FileEngine

LISTS = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}


def _old_master(folder: Path) -> Path:
    path = make_master(folder)
    wb = load_workbook(path)
    for spec in c.CYCLE_TABLES:
        if spec.sheet in wb.sheetnames:
            wb.remove(wb[spec.sheet])
    for name in (
        c.SUBMISSIONS.sheet,
        c.SHEET_TREND,
    ):  # output sheets of the cycle, also newer than the contract
        wb.remove(wb[name])
    wb.save(path)
    engine = FileEngine(path)
    assert not any(engine.has_table(t.name) for t in c.CYCLE_TABLES)
    engine.close()
    return path


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_refresh_adds_the_cycle_tables_and_changes_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = _old_master(tmp_path)
    before = _parts(master)
    values_before = {
        ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in load_workbook(master).worksheets
    }
    from kaikaku_xl.master.upgrade import upgrade_master

    done = upgrade_master(master)
    message = done.message(master.name) if done else ""
    assert "更新しました" in message and "backup" in message and c.CHANGE_LOG.sheet in message
    after = _parts(master)
    assert all(after[name] == data for name, data in before.items() if name not in LISTS), (
        "an existing part changed"
    )
    added = set(after) - set(before)
    new_tables = (*c.CYCLE_TABLES, c.SUBMISSIONS.name, c.TREND_ITEMS_TABLE, c.TREND_MEASURES_TABLE)
    assert len([n for n in added if n.startswith("xl/tables/")]) == len(new_tables)
    assert list((tmp_path / "backup").glob("*.xlsx")), "no backup taken"
    wb = load_workbook(master)
    assert {
        ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
        for ws in wb.worksheets
        if ws.title in values_before
    } == values_before
    for spec in c.CYCLE_TABLES:
        ws = wb[spec.sheet]
        assert spec.name in ws.tables
        assert ws.sheet_state == ("hidden" if spec.sheet in c.HIDDEN_CYCLE_SHEETS else "visible")
    assert upgrade_master(master) is None  # nothing missing the second time

    # the commands work on it: refresh, distribute, revise, close-year
    assert main(["refresh", str(master), "-q", "--now", NOW]) == 0
    assert "更新しました（元の版" not in capsys.readouterr().err
    assert main(["distribute", str(master), "--out", str(tmp_path / "out"), "--now", NOW]) == 0
    assert list((tmp_path / "out").glob("*.xlsx"))
    assert (
        main(
            [
                "revise",
                str(master),
                "--measure",
                "6-1",
                "--target",
                "5000",
                "--from-year",
                "2028",
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
    # distributed and never returned, so not accepted (issue 23): the close records why
    why = ["--reason", "回収前に締める"]
    assert main(["close-year", str(master), "--year", "2026", "--now", NOW, *why]) == 0


def test_distribute_on_an_old_master_upgrades_it_first_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = _old_master(tmp_path)
    capsys.readouterr()
    assert main(["distribute", str(master), "--out", str(tmp_path / "out"), "--now", NOW]) == 0
    assert "更新しました（元の版" in capsys.readouterr().err
    assert list((tmp_path / "out").glob("*.xlsx"))
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed (./dev test installs it)")
    saved = soffice_convert(
        master, "xlsx", tmp_path / "lo", tmp_path / "profile"
    )  # the package opens elsewhere
    engine = FileEngine(saved)
    assert all(engine.has_table(t.name) for t in c.CYCLE_TABLES)
    engine.close()
