"""Nothing lost: backups of the right master only, verified; a full disk at every step; one writer at a time;
stale temp files of a killed run; a master missing an input table is refused."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from helpers.workbook import FIXED_NOW, make_master
from openpyxl import load_workbook

from kaikaku_xl.app.refresh import refresh
from kaikaku_xl.cli.program import main
from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.xlsx import zipcopy
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.lock import lock_path, writer_lock

NOW = datetime.fromisoformat(FIXED_NOW)


def valid_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.testzip() is None
    except (zipfile.BadZipFile, OSError):
        return False


def log_rows(path: Path) -> list[tuple]:
    ws = load_workbook(path, read_only=True)[c.REFRESH_LOG.sheet]
    return [r for r in ws.iter_rows(min_row=c.REFRESH_LOG.anchor_row + 1, values_only=True) if r[0]]


# ---- backups ------------------------------------------------------------------------------------------------
def test_refreshing_one_master_keeps_the_backups_of_another(tmp_path: Path) -> None:
    plan = make_master(tmp_path, "計画.xlsx")
    r8 = make_master(tmp_path, "計画.R8.xlsx")
    for _ in range(3):
        refresh(FileEngine(r8, backups=5), now=NOW)
    refresh(FileEngine(plan, backups=1), now=NOW)
    names = sorted(p.name for p in (tmp_path / "backup").iterdir())
    assert sum(n.startswith("計画.R8.") for n in names) == 3
    assert sum(not n.startswith("計画.R8.") for n in names) == 1
    assert all(valid_zip(tmp_path / "backup" / n) for n in names)


def test_a_truncated_backup_is_removed_reported_and_never_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_master(tmp_path)
    refresh(FileEngine(path, backups=2), now=NOW)  # one good backup
    [good] = (tmp_path / "backup").iterdir()
    real_copy = shutil.copyfileobj

    def half_copy(src, dst, length=0):  # noqa: ANN001, ANN202 (a disk that fills up silently: half a file)
        data = src.read()
        dst.write(data[: len(data) // 2])

    monkeypatch.setattr(shutil, "copyfileobj", half_copy)
    for _ in range(5):
        before = path.read_bytes()
        with pytest.raises(WorkbookError, match="バックアップ"):
            refresh(FileEngine(path, backups=2), now=NOW)
        assert path.read_bytes() == before
    assert [p.name for p in (tmp_path / "backup").iterdir()] == [good.name]
    monkeypatch.setattr(shutil, "copyfileobj", real_copy)
    refresh(FileEngine(path, backups=2), now=NOW)
    kept = sorted((tmp_path / "backup").iterdir())
    assert len(kept) == 2 and good in kept and all(valid_zip(p) for p in kept)


def test_an_old_corrupt_backup_is_dropped_not_counted(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    folder = tmp_path / "backup"
    folder.mkdir()
    corrupt = folder / "master.20990101-000000-000000.xlsx"  # newest by name: would push out the good ones
    corrupt.write_bytes(path.read_bytes()[:1000])
    stranger = folder / "master.メモ.xlsx"  # not our name form: never touched
    stranger.write_bytes(b"staff's own file")
    for _ in range(3):
        refresh(FileEngine(path, backups=2), now=NOW)
    kept = sorted(p for p in folder.iterdir() if p != stranger)
    assert not corrupt.exists()
    assert len(kept) == 3 and all(valid_zip(p) for p in kept)  # the newest two and the day's first
    assert stranger.read_bytes() == b"staff's own file"


# ---- a full disk at each step -------------------------------------------------------------------------------
def _enospc(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
    raise OSError(errno.ENOSPC, "No space left on device")


# The new package is written by writestr (the parts refresh replaces) and copy_raw (every unchanged part, as its
# compressed bytes): a full disk during either.
STEPS = (
    [("zipfile.ZipFile.writestr", n) for n in (1, 5, 10)]
    + [(f"{zipcopy.__name__}.copy_raw", n) for n in (1, 20, 40)]
    + [
        ("os.fsync", 1),
        ("os.fsync", 2),
        ("os.chmod", 1),
        ("os.mkdir", 1),
        ("shutil.copyfileobj", 1),
        ("os.replace", 1),
        ("os.replace", 2),
    ]
)


@pytest.mark.parametrize(("target", "nth"), STEPS, ids=[f"{t}#{n}" for t, n in STEPS])
def test_a_full_disk_at_any_step_leaves_old_file_and_valid_backups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, nth: int
) -> None:
    path = make_master(tmp_path)
    refresh(FileEngine(path, backups=3), now=NOW)
    if target == "os.mkdir":
        shutil.rmtree(tmp_path / "backup")
    before = path.read_bytes()
    backups_before = (
        sorted(p.name for p in (tmp_path / "backup").glob("*")) if (tmp_path / "backup").exists() else []
    )
    module_name, _, attr = target.rpartition(".")
    owner = {"zipfile.ZipFile": zipfile.ZipFile, "os": os, "shutil": shutil, zipcopy.__name__: zipcopy}[
        module_name
    ]
    real = getattr(owner, attr)
    calls = {"n": 0}

    def failing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls["n"] += 1
        if calls["n"] == nth:
            _enospc()
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, attr, failing)
    try:
        refresh(FileEngine(path, backups=3), now=NOW)
    except WorkbookError as exc:
        assert "空き容量" in str(exc) or "バックアップ" in str(exc)
        assert path.read_bytes() == before
    monkeypatch.setattr(owner, attr, real)
    assert calls["n"] >= nth, f"{target} was called only {calls['n']} times"
    assert valid_zip(path)
    assert not list(tmp_path.glob(".kaikaku-*")), "a temp file was left"
    backups = sorted((tmp_path / "backup").glob("*")) if (tmp_path / "backup").exists() else []
    assert all(valid_zip(b) for b in backups), [b.name for b in backups if not valid_zip(b)]
    assert len(backups) >= min(len(backups_before), 3)
    if path.read_bytes() != before:  # the refresh went through after the failing step: a new valid file
        assert len(log_rows(path)) == 3


# ---- one writer at a time -----------------------------------------------------------------------------------
REFRESH_SCRIPT = "import sys\nfrom kaikaku_xl.cli import main\nsys.exit(main(['refresh', sys.argv[1]]))\n"


def test_concurrent_refreshes_lose_no_log_row(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    env = {**os.environ, "KAIKAKU_LOCK_WAIT": "120"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", REFRESH_SCRIPT, str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    results = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [r[1].decode() for r in results]
    assert len(log_rows(path)) == 1 + 4  # init + every refresh
    assert valid_zip(path)


def test_a_second_writer_waits_then_stops_with_a_clear_message(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    before = path.read_bytes()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\nfrom kaikaku_xl.xlsx.lock import writer_lock\n"
            "with writer_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)\n",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "kaikaku_xl.cli", "refresh", str(path)],
            env={**os.environ, "KAIKAKU_LOCK_WAIT": "1.5"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert "別の処理" in result.stderr and "もう一度" in result.stderr and "Traceback" not in result.stderr
    assert waited >= 1.5
    assert path.read_bytes() == before
    assert main(["refresh", str(path)]) == 0  # the holder died: the OS released its lock


def test_the_lock_is_per_master(tmp_path: Path) -> None:
    a, b = make_master(tmp_path, "a.xlsx"), make_master(tmp_path, "b.xlsx")
    assert lock_path(a) != lock_path(b)
    with writer_lock(a):
        refresh(FileEngine(b, backups=0), now=NOW)  # b is free while a is held
        with pytest.raises(WorkbookError, match="別の処理"):
            with writer_lock(a, wait=0.2):
                pass


# ---- temp files a killed run left ---------------------------------------------------------------------------
def test_fresh_leftovers_of_a_dead_run_are_removed_when_no_writer_holds_the_lock(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    leftover = tmp_path / ".kaikaku-master-abc12_xy.xlsx"
    leftover.write_bytes(b"PK half written")  # seconds old, not an hour: but nobody holds the lock
    other = tmp_path / ".kaikaku-other-abc12_xy.xlsx"  # another master's: not ours to judge
    other.write_bytes(b"PK")
    (tmp_path / "backup").mkdir()
    partial = (
        tmp_path / "backup" / ".partial-master.20260401-090000-000000.xlsx"
    )  # a killed run's half backup
    partial.write_bytes(b"PK half")
    others_partial = tmp_path / "backup" / ".partial-other.20260401-090000-000000.xlsx"
    others_partial.write_bytes(b"PK half")
    refresh(FileEngine(path, backups=0), now=NOW)
    assert not leftover.exists() and not partial.exists()
    assert other.exists() and others_partial.exists()


# ---- a deleted or renamed input table -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sheet", "table"),
    [
        ("実績", "Actuals"),
        ("年度目標", "Targets"),
        ("進捗状況", "Status"),
        ("効果額台帳", "EffectLedger"),
        ("計画情報", "History"),
    ],
)
def test_a_missing_input_table_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sheet: str, table: str
) -> None:
    path = make_master(tmp_path)
    wb = load_workbook(path)
    del wb[sheet].tables[table]  # what Excel's 「範囲に変換」 does
    wb.save(path)
    before = path.read_bytes()
    assert main(["refresh", str(path)]) == 2
    err = capsys.readouterr().err
    assert table in err and sheet in err and "テーブル" in err and "Traceback" not in err
    assert path.read_bytes() == before
    assert not (tmp_path / "backup").exists()
