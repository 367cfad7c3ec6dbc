"""What distribute refuses before it writes anything (issue 20: a due date in the past or before the year's
actuals exist; issue 21.5: two departments that would share one file), and what a kill -9 during it leaves
(issue 21.9: no department file without its record in the master)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from helpers.cycle import NOW
from helpers.plan_workbook import fill_plan, run
from helpers.workbook import edit_cells, make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.errors import PlanError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.records import Distribution, read_records
from kaikaku_xl.plan import BUNDLED_PLAN, plan_from_dict
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.years import fiscal_year_end, wareki_day


def _distribute(master: Path, out: Path, *extra: str) -> int:
    return main(["distribute", str(master), "--out", str(out), *extra])


@pytest.mark.parametrize(
    ("due", "now", "said"),
    [
        ("2026-05-31", "2026-06-01T10:00:00", "過ぎた日付"),  # the README's old example, a day late
        ("2027-03-31", "2026-06-01T10:00:00", "年度）の終わり"),  # FY2026 ends on 2027-03-31: not after it
        ("2026-12-01", "2026-06-01T10:00:00", "令和9年3月31日（水）"),
        ("2027-05-30", "2027-05-31T09:00:00", "過ぎた日付"),
    ],
)
def test_due_date_refused_in_the_past_or_within_the_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], due: str, now: str, said: str
) -> None:
    master = make_master(tmp_path, sample=False)
    before = master.read_bytes()
    out = tmp_path / "配布"
    assert _distribute(master, out, "--due", due, "--now", now) == 2
    err = capsys.readouterr().err
    assert said in err and due in err and "Traceback" not in err
    assert master.read_bytes() == before and not (out.exists() and any(out.iterdir()))


def test_due_date_after_the_year_is_taken_and_printed_as_people_write_it(tmp_path: Path) -> None:
    master = make_master(tmp_path, sample=False)
    assert _distribute(master, tmp_path / "配布", "--due", "2027-05-31", "--now", NOW) == 0
    assert wareki_day(fiscal_year_end(2026)) == "令和9年3月31日（水）"
    records = _records(master)
    assert records and {r.due for r in records} == {"2027-05-31"}  # the machine's form kept in the record


def _records(master: Path) -> list[Distribution]:
    engine = FileEngine(master)
    try:
        return read_records(engine, Distribution)
    finally:
        engine.close()


# ---- 21.5: names that make the same file name -------------------------------------------------------------
def test_plan_refuses_leads_that_clean_to_one_file_name() -> None:
    raw = tomllib.loads(resources.files("kaikaku_xl.data").joinpath(BUNDLED_PLAN).read_text(encoding="utf-8"))
    raw["items"][0]["lead"], raw["items"][1]["lead"] = "総務 課", "総務　課"
    with pytest.raises(PlanError) as caught:
        plan_from_dict(raw)
    message = str(caught.value)
    assert "「総務 課」" in message and "「総務　課」" in message and "総務_課" in message
    raw["items"][0]["lead"], raw["items"][1]["lead"] = "企画/財政課", "企画:財政課"
    with pytest.raises(PlanError, match="企画_財政課"):
        plan_from_dict(raw)


def test_plan_workbook_names_both_cells(tmp_path: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    head = {
        "name": "架空町プラン",
        "city": "架空町",
        "baseline_year": 2025,
        "start_year": 2026,
        "end_year": 2028,
    }
    leads = {1: "企画/財政課", 2: "総務課", 3: "企画:財政課"}
    fill_plan(
        plan,
        head,
        {
            "PlanPolicies": [{"no": 1, "name": "行政運営"}],
            "PlanItems": [
                {"no": n, "policy": 1, "title": f"取組{n}", "lead": lead} for n, lead in leads.items()
            ],
        },
    )
    done = run("init", str(tmp_path / "master.xlsx"), "--plan", str(plan))
    assert done.returncode == 2 and not (tmp_path / "master.xlsx").exists()
    ws = load_workbook(plan)["取組項目"]
    cells = [
        cell.coordinate
        for row in ws.iter_rows()
        for cell in row
        if cell.value in ("企画/財政課", "企画:財政課")
    ]
    assert len(cells) == 2
    assert all(cell in done.stderr for cell in cells), done.stderr  # both cells named


def test_distribute_refuses_departments_sharing_a_file_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The master's 取組項目 sheet edited by hand (the plan check does not see it)."""
    master = make_master(tmp_path, sample=False)
    ws = load_workbook(master)[c.ITEMS.sheet]
    lead = [cell.value for cell in ws[c.ITEMS.anchor_row]].index(c.ITEMS.column("lead").header) + 1
    first = c.ITEMS.anchor_row + 1
    edit_cells(
        master,
        {
            c.ITEMS.sheet: {
                ws.cell(row=first, column=lead).coordinate: "総務 課",
                ws.cell(row=first + 1, column=lead).coordinate: "総務　課",
            }
        },
    )
    before = master.read_bytes()
    out = tmp_path / "配布"
    assert _distribute(master, out, "--now", NOW) == 2
    err = capsys.readouterr().err
    assert "「総務 課」" in err and "「総務　課」" in err
    assert master.read_bytes() == before and (not out.exists() or not any(out.iterdir()))


# ---- 21.9: kill -9 during distribute --------------------------------------------------------------------
CHILD = """
import os, signal, sys
from datetime import datetime
from pathlib import Path
from openpyxl.workbook.workbook import Workbook
from kaikaku_xl.cycle import distribute as d
from kaikaku_xl.xlsx.file_engine import FileEngine

point = sys.argv[3]
state = {"saves": 0, "committed": False, "moves": 0}

def die():
    os.kill(os.getpid(), signal.SIGKILL)

save = Workbook.save
def counted_save(self, filename):
    save(self, filename)
    state["saves"] += 1
    if point == "after 2 files" and state["saves"] == 2:
        die()
Workbook.save = counted_save

commit = FileEngine.commit
def killed_commit(self):
    if point == "before commit":
        die()
    commit(self)
    state["committed"] = True
    if point == "after commit":
        die()
FileEngine.commit = killed_commit

replace = os.replace
def counted_replace(src, dst):
    replace(src, dst)
    if state["committed"]:
        state["moves"] += 1
        if point == "after 2 moves" and state["moves"] == 2:
            die()
d.os.replace = counted_replace

d.distribute(Path(sys.argv[1]), Path(sys.argv[2]), now=datetime.fromisoformat("2026-06-01T10:00:00"))
"""


def _identity(path: Path) -> dict[str, str]:
    return {str(k): str(v) for k, v, *_ in load_workbook(path)[c.IDENTITY.sheet].iter_rows(values_only=True)}


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
@pytest.mark.parametrize("point", ["after 2 files", "before commit", "after commit", "after 2 moves"])
def test_no_department_file_without_its_record_after_kill_9(tmp_path: Path, point: str) -> None:
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(["src", "udfs", os.environ.get("PYTHONPATH", "")])}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(master), str(out), point], capture_output=True, text=True, env=env
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    recorded = {str(r.distribution_id): r for r in _records(master)}
    files = sorted(out.glob("*.xlsx")) if out.exists() else []
    for path in files:  # every file a department could receive is one the master knows
        identity = _identity(path)
        assert identity["distribution_id"] in recorded, (point, path.name)
        assert recorded[identity["distribution_id"]].file == path.name
    if point in ("after 2 files", "before commit"):
        assert not recorded and not files
    else:
        assert len(recorded) == 6 and len(files) == (2 if point == "after 2 moves" else 0)
    # the next run starts clean: no --force needed for files never delivered, the killed run's staging gone
    assert _distribute(master, out, "--force", "--now", NOW) == 0
    assert len(list(out.glob("*.xlsx"))) == 6 and not list(out.glob(".kaikaku-*"))
    latest = {str(r.department): str(r.distribution_id) for r in _records(master)}
    assert {_identity(p)["distribution_id"] for p in out.glob("*.xlsx")} == set(latest.values())


RANDOM_CHILD = """
import sys
from datetime import datetime
from pathlib import Path
from kaikaku_xl.cycle.distribute import distribute
print("ready", flush=True)
distribute(Path(sys.argv[1]), Path(sys.argv[2]), now=datetime.fromisoformat("2026-06-01T10:00:00"), force=True)
"""


@pytest.mark.slow
def test_distribute_killed_at_random_moments(tmp_path: Path) -> None:
    """A real process killed (Popen.kill: SIGKILL, TerminateProcess on Windows) at seeded random moments of a whole
    run: whatever it leaves, every department file in the folder has its record in the master."""
    import random
    import shutil
    import time

    rng = random.Random(20261207)
    master = make_master(tmp_path, sample=False)
    clean = tmp_path / "clean.xlsx"
    shutil.copy(master, clean)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(["src", "udfs", os.environ.get("PYTHONPATH", "")])}

    def start(out: Path) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", RANDOM_CHILD, str(master), str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        return proc

    began = time.monotonic()
    assert start(tmp_path / "whole").wait(timeout=120) == 0
    window = (time.monotonic() - began) * 1.2
    outcomes = []
    for trial in range(8):
        shutil.copy(clean, master)
        out = tmp_path / f"out{trial}"
        proc = start(out)
        time.sleep(rng.uniform(0, window))
        proc.kill()
        proc.wait(timeout=30)
        recorded = {str(r.distribution_id) for r in _records(master)}
        files = sorted(out.glob("*.xlsx")) if out.exists() else []
        assert all(_identity(path)["distribution_id"] in recorded for path in files), trial
        outcomes.append((len(recorded), len(files)))
    print("distribute kills (records, files):", outcomes)
