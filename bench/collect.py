"""Benchmark: `kaikaku collect` of every department's returned file on a large master, as a whole process.

The synthetic master of bench/refresh.py (10,000 measures by default, 40 departments) is distributed, each file
gets one changed value, and all files are collected in one command (a fresh copy of the master per run).
Machines here are noisy: compare runs of one invocation, not seconds across days.
    python bench/collect.py                 # 10,000 measures, 3 runs
    python bench/collect.py --measures 2000 --runs 1
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from refresh import filled_master, kaikaku_command, synthetic_plan  # noqa: E402

YEAR = 2028  # the evaluation year of bench/refresh.py's filled master: the year distribute sends


def change_one_value(path: Path) -> None:
    """What a department does at the least: one actual of the distributed year changed."""
    wb = load_workbook(path)
    ws = wb["実績"]
    headers = [cell.value for cell in ws[3]]
    year_col = headers.index(f"{YEAR}年度") + 1
    for row in range(4, ws.max_row + 1):
        if isinstance(ws.cell(row=row, column=year_col).value, int | float):
            ws.cell(row=row, column=year_col).value += 1
            break
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        master = filled_master(synthetic_plan(args.measures), folder)
        out = folder / "out"
        start = time.perf_counter()
        subprocess.run(
            [*kaikaku_command(), "distribute", "-q", str(master), "--out", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        distributed = time.perf_counter() - start
        files = sorted(out.glob("*.xlsx"))
        for path in files:
            change_one_value(path)
        seconds = []
        for _ in range(args.runs):
            work = folder / "work.xlsx"
            shutil.copy2(master, work)
            start = time.perf_counter()
            subprocess.run(
                [*kaikaku_command(), "collect", "-q", str(work), *map(str, files)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            seconds.append(time.perf_counter() - start)
        print(f"{args.measures:,} measures, {len(files)} returned files")
        print(
            f"distribute: {distributed:.1f} s; collect: median {statistics.median(seconds):.1f} s of {seconds}"
        )


if __name__ == "__main__":
    main()
