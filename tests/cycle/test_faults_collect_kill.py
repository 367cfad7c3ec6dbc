"""Kill -9 at random moments (seeded) of collect: the master is the old file or the new one, never broken, and
its change log agrees with its values (a collected value has its 反映 row; no row without the value).
Popen.kill() is SIGKILL on Linux/macOS and TerminateProcess on Windows."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from helpers.cycle import NOW, change_log, col_of, department_file, row_of
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c

SEED = 20261127
TRIALS = 20
DEPT, YEAR, VALUE = "人事課", 2026, 777_777_777

CHILD = """
import sys
from kaikaku_xl.cycle.collect import collect
from datetime import datetime
from pathlib import Path
print("ready", flush=True)
collect(Path(sys.argv[1]), [Path(sys.argv[2])], now=datetime.fromisoformat(sys.argv[3]))
"""


def start(*args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", proc.stderr.read()
    return proc


def intact(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        return zf.testzip() is None


def collected_value(master: Path) -> object:
    ws = load_workbook(master, data_only=True)["実績"]
    return ws.cell(
        row=row_of(ws, No=2, 指標名="人件費（会計年度任用職員以外）"), column=col_of(ws, f"{YEAR}年度")
    ).value


def applied_rows(master: Path) -> list[dict]:
    # 変更後 as the sheet shows the value (issue #20: 桁区切り)
    return [r for r in change_log(master) if r["種別"] == c.LOG_APPLIED and r["変更後"] == f"{VALUE:,}"]


@pytest.mark.slow
def test_collect_killed_at_random_moments(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    assert main(["distribute", str(master), "--out", str(out), "--now", NOW]) == 0
    returned = department_file(out, DEPT)
    wb = load_workbook(returned)
    ws = wb["実績"]
    ws.cell(
        row=row_of(ws, No=2, 指標名="人件費（会計年度任用職員以外）"),
        column=col_of(ws, f"{YEAR}年度"),
        value=VALUE,
    )
    wb.save(returned)
    sent = returned.read_bytes()
    old = tmp_path / "old.xlsx"
    shutil.copy(master, old)
    assert collected_value(old) is None and applied_rows(old) == []

    proc = start(str(master), str(returned), NOW)  # one whole run: how long the work takes, and the new file
    began = time.monotonic()
    assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    window = (time.monotonic() - began) * 1.2
    assert collected_value(master) == VALUE and len(applied_rows(master)) == 1
    new = master.read_bytes()

    outcomes = []
    for _ in range(TRIALS):
        shutil.copy(old, master)
        proc = start(str(master), str(returned), NOW)
        time.sleep(rng.uniform(0, window))
        finished = proc.poll() is not None
        proc.kill()
        proc.wait(timeout=30)
        if finished:
            assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
        assert intact(master)
        value, rows = collected_value(master), applied_rows(master)
        if master.read_bytes() == old.read_bytes():
            assert value is None and rows == []
            outcomes.append("old")
        else:
            assert value == VALUE and len(rows) == 1  # the value and its log row together, never one alone
            assert master.read_bytes() == new  # the whole new file, as an uninterrupted run writes it
            outcomes.append("new")
        assert returned.read_bytes() == sent  # collect never writes the returned file
        assert all(intact(b) for b in (tmp_path / "backup").glob("*.xlsx"))
    print("collect kills:", outcomes)
    shutil.copy(old, master)
    assert main(["collect", str(master), str(returned), "--now", NOW]) in (0, 1)  # the next run cleans up
    assert collected_value(master) == VALUE and len(applied_rows(master)) == 1
    assert not list(tmp_path.glob(".kaikaku-master-*"))
    assert not list((tmp_path / "backup").glob(".partial-*"))
