"""What a fresh master says on day one (only what needs action now: issue #20), and how the master and the
exports land on a shared drive: a master reached through a symbolic link is written through to its target
(issue #21, 10), backups are kept by day as well as by count, the export folder gets the default mode."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from helpers.cycle import NOW
from helpers.workbook import make_master

from kaikaku_xl.app.refresh import refresh
from kaikaku_xl.cli.program import main
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.saving import kept_backups


def _problems(master: Path, capsys: pytest.CaptureFixture[str], now: str | None = None) -> list[dict]:
    capsys.readouterr()
    main(["validate", str(master), "--json", "-q", *(["--now", now] if now else [])])
    return json.loads(capsys.readouterr().out)


def test_a_fresh_master_warns_of_nothing_on_day_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = make_master(tmp_path, sample=False)
    problems = _problems(master, capsys)
    assert problems and not [p for p in problems if p["severity"] != "情報"]  # listed, not warnings
    capsys.readouterr()
    assert main(["validate", str(master), "-q"]) == 0
    assert "警告 0 件" in capsys.readouterr().out
    # distributed with a due date that has passed and nothing returned: now the gaps are warnings
    out = tmp_path / "配布"
    assert (
        main(["distribute", str(master), "--out", str(out), "--due", "2027-05-31", "--now", NOW, "-q"]) == 0
    )
    problems = _problems(master, capsys, "2027-06-01T09:00:00")  # the day after the due date
    assert [p for p in problems if p["severity"] == "警告" and "実績が未入力" in p["message"]]


def test_a_due_date_not_reached_keeps_the_gaps_information(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kaikaku_xl.app.validate import validate

    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    assert (
        main(["distribute", str(master), "--out", str(out), "--due", "2099-05-31", "--now", NOW, "-q"]) == 0
    )
    engine = FileEngine(master)
    try:
        problems = validate(engine)[1]
    finally:
        engine.close()
    assert problems and all(p.severity == "情報" for p in problems)


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_a_master_reached_through_a_symlink_is_written_through(tmp_path: Path) -> None:
    shared = tmp_path / "共有"
    shared.mkdir()
    target = make_master(shared)
    mine = tmp_path / "自分"
    mine.mkdir()
    link = mine / "master.xlsx"
    link.symlink_to(target)
    before = target.read_bytes()
    refresh(FileEngine(link), now=None)
    assert link.is_symlink() and link.resolve() == target.resolve()  # the link is kept
    assert target.read_bytes() != before  # the shared master itself was updated
    assert not [
        p for p in mine.iterdir() if p.name != "master.xlsx"
    ]  # no private copy, no backup beside the link
    assert (shared / "backup").is_dir()


def test_backups_keep_the_first_of_each_day_as_well_as_the_newest(tmp_path: Path) -> None:
    names = [
        tmp_path / f"master.{day}-{hour}0000-000000.xlsx"
        for day in ("20260601", "20260602", "20260603")
        for hour in ("09", "13", "17")
    ]
    kept = kept_backups(names, backups=2, days=2)
    assert kept == {names[-1], names[-2], names[3], names[6]}  # newest two, first of the last two days


def test_a_busy_afternoon_keeps_the_days_first_backup(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    for _ in range(4):
        refresh(FileEngine(master, backups=2), now=None)
    kept = sorted((tmp_path / "backup").iterdir())
    assert len(kept) == 3  # the two newest and the first of the day (the state before today's work)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_the_export_folder_gets_the_default_mode(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    old = os.umask(0o022)
    try:
        assert main(["export", str(master), "--out", str(tmp_path / "資料"), "--now", NOW, "-q"]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "資料").stat().st_mode & 0o777 == 0o755
