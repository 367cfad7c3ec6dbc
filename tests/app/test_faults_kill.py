"""Kill -9 at random moments (seeded) of refresh and export: the master is old or new and never broken, no
更新履歴 row is lost, backups are valid, an export folder holds one run's set. Process.kill() is SIGKILL on
Linux/macOS and TerminateProcess on Windows: no chance to clean up either way."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.app.refresh import refresh
from kaikaku_xl.export.atomic import recover, sha256_of
from kaikaku_xl.master import contract as c
from kaikaku_xl.xlsx.file_engine import FileEngine

SEED = 20261126
TRIALS = 12  # per workflow; about 1–2 s each

REFRESH_CHILD = """
import sys
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.app.refresh import refresh
print("ready", flush=True)
refresh(FileEngine(sys.argv[1], backups=2))
"""

# The PDF comes from a stand-in for LibreOffice (tens of seconds per run here): a file naming its run.
EXPORT_CHILD = """
import sys
from datetime import datetime
from pathlib import Path
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.app.export import export_from_engine
def pdf(xlsx, target):
    Path(target).write_bytes(b"%PDF-1.4 run " + sys.argv[3].encode())
print("ready", flush=True)
export_from_engine(FileEngine(Path(sys.argv[1])), Path(sys.argv[2]), now=datetime(2026, 6, 1),
                   pdf_renderer=pdf)
"""


def start(script: str, *args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", proc.stderr.read()
    return proc


def timed(script: str, *args: str) -> float:
    """How long the work after "ready" takes (so kills land inside it)."""
    proc = start(script, *args)
    began = time.monotonic()
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    return time.monotonic() - began


def kill_at_random(script: str, rng: random.Random, window: float, *args: str) -> bool:
    """Run once, kill after a random fraction of the window; True when it finished before the kill."""
    proc = start(script, *args)
    time.sleep(rng.uniform(0, window))
    finished = proc.poll() is not None
    proc.kill()
    proc.wait(timeout=30)
    if finished:
        assert proc.returncode == 0, proc.stderr.read()
    return finished


def intact(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        return zf.testzip() is None


def log_count(path: Path) -> int:
    ws = load_workbook(path, read_only=True)[c.REFRESH_LOG.sheet]
    return sum(1 for r in ws.iter_rows(min_row=c.REFRESH_LOG.anchor_row + 1, values_only=True) if r[0])


@pytest.mark.slow
def test_refresh_killed_at_random_moments(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    path = make_master(tmp_path)
    window = timed(REFRESH_CHILD, str(path)) * 1.2
    rows = log_count(path)
    outcomes = []
    for _ in range(TRIALS):
        before = path.read_bytes()
        kill_at_random(REFRESH_CHILD, rng, window, str(path))
        assert intact(path)
        now = log_count(path)
        if path.read_bytes() == before:
            assert now == rows
            outcomes.append("old")
        else:
            assert now == rows + 1  # the new file: every earlier row kept, this run's added
            rows = now
            outcomes.append("new")
        assert all(intact(b) for b in (tmp_path / "backup").glob("*.xlsx"))
    refresh(FileEngine(path, backups=2))  # the next run cleans up what the killed ones left
    assert log_count(path) == rows + 1
    assert not list(tmp_path.glob(".kaikaku-master-*"))
    assert not list((tmp_path / "backup").glob(".partial-*"))
    assert 2 <= len(list((tmp_path / "backup").glob("*.xlsx"))) <= 3  # the newest 2, and the day's first
    print("refresh kills:", outcomes)


def consistent_set(out: Path) -> str:
    """The folder's 2026 set equals its manifest (names and SHA-256); returns the run that made the PDF."""
    manifest = json.loads((out / "kaikaku_2026_manifest.json").read_text(encoding="utf-8"))
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    present = {p.name for p in out.iterdir() if p.name.startswith("kaikaku_2026_")}
    assert present - {"kaikaku_2026_manifest.json"} == set(listed)
    for name, digest in listed.items():
        assert sha256_of(out / name) == digest, f"{name} is not the manifest's"
    return (out / "kaikaku_2026_report.pdf").read_bytes().split(b"run ")[1].decode()


@pytest.mark.slow
def test_export_killed_at_random_moments(tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    master = make_master(tmp_path)
    out = tmp_path / "出力"
    (tmp_path / "出力").mkdir()
    (out / "メモ.txt").write_text("職員のメモ", encoding="utf-8")
    window = timed(EXPORT_CHILD, str(master), str(out), "0") * 1.2
    current = consistent_set(out)
    assert current == "0"
    for trial in range(1, TRIALS + 1):
        finished = kill_at_random(EXPORT_CHILD, rng, window, str(master), str(out), str(trial))
        if not out.exists():  # killed between the two renames: the previous set is parked beside it
            recover(out)
        run = consistent_set(out)
        assert run in (current, str(trial)), (run, current, trial)  # old or new, never another
        if finished:
            assert run == str(trial)
        current = run
        assert (out / "メモ.txt").read_text(encoding="utf-8") == "職員のメモ"
    subprocess.run(
        [sys.executable, "-c", EXPORT_CHILD, str(master), str(out), "last"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert consistent_set(out) == "last"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == [
        "出力"
    ]  # nothing parked or staged left
