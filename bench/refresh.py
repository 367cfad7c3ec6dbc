"""Benchmark: `kaikaku refresh` as users run it, beside a bare openpyxl load+save of the same file.

Whole processes, as a user starts them: `kaikaku refresh -q MASTER` against
`python -c "import pandas, openpyxl; openpyxl.load_workbook(p).save(q)"`, alternating (so a noisy neighbour hits
both alike), medians of the seconds and the ratio of the medians; peak memory (max RSS) of each process.
Machines here are noisy: compare the ratios of one run, not seconds across runs.
    python bench/refresh.py                 # city, 10,000 and 50,000 measures
    python bench/refresh.py --quick         # city and 1,000 only
    python bench/refresh.py --only 10000    # city and 10,000 only
Every process runs with its bytecode cached (as an installed package has it): a PYTHONDONTWRITEBYTECODE in the
environment would make every refresh compile kaikaku-xl's modules again while pandas and openpyxl come compiled.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from kaikaku_xl.app.refresh import refresh
from kaikaku_xl.master.builder import build_workbook, input_rows, layout_of
from kaikaku_xl.master.sample import sample_rows
from kaikaku_xl.plan import load_plan, plan_from_dict
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.rounding import round_half_away
from kaikaku_xl.xlsx.file_engine import FileEngine

NOW = datetime(2026, 4, 1, 9, 0)
DIRECTIONS = ("増加", "減少")
KINDS = ("歳出削減", "歳入増加", "", "")
GOALS = {"city": 0.7, 10_000: 0.35, 50_000: 0.25}
BARE = "import sys, pandas, openpyxl; openpyxl.load_workbook(sys.argv[1]).save(sys.argv[2])"


def synthetic_plan(n_measures: int, per_item: int = 10):  # noqa: ANN201
    """A plan of n_measures measures, per_item to an item, 3 policies; values spread over 6 orders of size."""
    items = []
    n_items = n_measures // per_item
    for i in range(1, n_items + 1):
        measures = []
        for j in range(per_item):
            k = i * per_item + j
            baseline = 1_000 + (k * 7919) % 1_000_000
            direction = DIRECTIONS[k % 2]
            target = baseline * (1.3 if direction == "増加" else 0.8)
            kind = KINDS[k % 4] if direction == ("減少" if KINDS[k % 4] == "歳出削減" else "増加") else ""
            measures.append(
                {
                    "name": f"指標{k}",
                    "unit": "円",
                    "direction": direction,
                    "baseline": baseline,
                    "target": round_half_away(target),
                    "effect_kind": kind,
                }
            )
        items.append(
            {
                "no": i,
                "policy": 1 + i % 3,
                "title": f"取組{i}",
                "lead": f"課{i % 40}",
                "departments": [f"課{i % 40}"],
                "measures": measures,
            }
        )
    return plan_from_dict(
        {
            "plan": {
                "name": "合成計画",
                "city": "合成市",
                "city_code": "000000",
                "start_year": 2026,
                "end_year": 2030,
                "baseline_year": 2024,
            },
            "policies": [{"no": p, "name": f"方針{p}"} for p in (1, 2, 3)],
            "items": items,
        }
    )


def filled_master(plan, folder: Path) -> Path:  # noqa: ANN001
    """A master with six years of actuals for every measure (2025–2030), refreshed once (outputs full size)."""
    settings = Settings(evaluation_year=2028)
    layout = layout_of(plan)
    rows = sample_rows(plan, input_rows(plan, layout, settings), layout)
    for row, m in zip(rows["Actuals"], plan.measures, strict=True):
        for y in range(len(layout.years)):
            row[3 + y] = round_half_away(
                m.baseline + (m.target - m.baseline) * (0.1 + 0.17 * y) * (1 + (m.item % 5 - 2) / 10)
            )
    rows["Settings"] = [r if r[0] != "evaluation_year" else [*r[:2], 2028, r[3]] for r in rows["Settings"]]
    path = folder / f"master_{len(plan.measures)}.xlsx"
    build_workbook(plan, settings, rows).save(path)
    refresh(FileEngine(path, backups=0), now=NOW)
    return path


def kaikaku_command() -> list[str]:
    """The console script next to this Python (as users start it), else the module."""
    script = Path(sys.executable).with_name("kaikaku.exe" if os.name == "nt" else "kaikaku")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kaikaku_xl.cli"]


# Started through a small launcher: a child's peak RSS starts at its parent's (Linux keeps the high-water mark
# across fork and exec), and this benchmark process is large; the launcher is small.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def cached_bytecode(folder: Path) -> dict[str, str]:
    """The environment of the measured processes: bytecode written once and read back (in `folder`)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak memory (MB, max RSS) of one whole process."""
    if not hasattr(os, "wait4"):  # Windows: no rusage per child; seconds only
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=env)
        return time.perf_counter() - start, float("nan")
    done = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCHER, *command], capture_output=True, text=True, env=env
    )
    seconds, peak, code = done.stdout.split()
    if int(code) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr}")
    return float(seconds), int(peak) / (1024 * 1024 if sys.platform == "darwin" else 1024)


def measure(label: str, goal: float, plan, folder: Path, runs: int) -> None:  # noqa: ANN001
    env = cached_bytecode(folder)
    master = filled_master(plan, folder)
    work = folder / f"work_{len(plan.measures)}.xlsx"
    shutil.copy(master, work)
    refresh_command = [*kaikaku_command(), "refresh", "-q", str(work)]
    bare_command = [sys.executable, "-c", BARE, str(master), str(folder / "bare.xlsx")]
    (
        timed(bare_command, env),
        timed(refresh_command, env),
    )  # once unmeasured: the bytecode cache, the disk cache
    shutil.copy(master, work)
    bare, full = [], []
    for _ in range(runs):  # alternate, so that load from other processes falls on both
        bare.append(timed(bare_command, env))
        full.append(timed(refresh_command, env))
    b, f = statistics.median(s for s, _ in bare), statistics.median(s for s, _ in full)
    b_mem, f_mem = max(m for _, m in bare), max(m for _, m in full)
    ratio = f / b
    print(
        f"{label:<16}{len(plan.measures):>8,}{master.stat().st_size / 1e6:>7.1f}{runs:>5}{b:>9.2f}{f:>9.2f}"
        f"{ratio:>7.2f}{goal:>6.2f} {'ok ' if ratio <= goal else 'NO '}{b_mem:>8.0f}{f_mem:>8.0f}"
        f"{f_mem / b_mem:>7.2f}"
    )
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="city and 1,000 measures only")
    parser.add_argument("--only", type=int, choices=(1_000, 10_000, 50_000), help="city and this size only")
    parser.add_argument("--runs", type=int, default=5, help="runs of each process (city, 1,000 and 10,000)")
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start"
        if hasattr(os, "getloadavg")
        else f"machine: {os.cpu_count()} cores"
    )
    print(
        f"{'workbook':<16}{'measures':>8}{'MB':>7}{'runs':>5}{'bare s':>9}{'refr. s':>9}{'ratio':>7}{'goal':>6}    "
        f"{'bare MB':>8}{'refr.MB':>8}{'mem':>7}"
    )
    print(
        "  bare = python -c 'import pandas, openpyxl; load_workbook(p).save(q)'; refr. = kaikaku refresh -q;"
        " seconds are medians, ratio = refresh / bare, MB = peak RSS"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        measure("小美玉市（サンプル）", GOALS["city"], load_plan(), folder, args.runs)
        if args.only:
            goal = GOALS[50_000] if args.only == 50_000 else GOALS[10_000]
            measure(f"合成 {args.only:,}", goal, synthetic_plan(args.only), folder, max(3, args.runs // 2))
        elif args.quick:
            measure("合成 1,000", GOALS[10_000], synthetic_plan(1_000), folder, args.runs)
        else:
            measure("合成 10,000", GOALS[10_000], synthetic_plan(10_000), folder, max(3, args.runs // 2))
            measure("合成 50,000", GOALS[50_000], synthetic_plan(50_000), folder, 2)
    if hasattr(os, "getloadavg"):
        print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
