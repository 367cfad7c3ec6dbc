"""Benchmark: what the hostile-package check (xlsx/safezip.py) adds to reading a master.

The check inflates every part once (1 MB steps) before any parser runs. Printed beside it: one in-process refresh
of the same file (which includes one check, cached for the second open). Compare the ratio of one run.
    python bench/safezip.py            # city and 10,000 measures
    python bench/safezip.py --quick    # city and 1,000
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from refresh import NOW, filled_master, synthetic_plan  # bench/refresh.py (this folder is on sys.path)

from kaikaku_xl.app.refresh import refresh
from kaikaku_xl.plan import load_plan
from kaikaku_xl.xlsx import safezip
from kaikaku_xl.xlsx.file_engine import FileEngine


def seconds(action, runs: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        safezip._checked.clear()  # the check caches files it found safe: measure it uncached
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'workbook':<12}{'MB':>7}{'check s':>10}{'refresh s':>11}{'check/refresh':>15}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for label, plan in (
            ("city", load_plan()),
            ("synthetic", synthetic_plan(1_000 if args.quick else 10_000)),
        ):
            master = filled_master(plan, folder)
            work = folder / "work.xlsx"
            shutil.copy(master, work)
            check = seconds(lambda m=master: safezip.check_package(m), args.runs)
            full = seconds(lambda w=work: refresh(FileEngine(w, backups=0), now=NOW), args.runs)
            print(
                f"{label:<12}{master.stat().st_size / 1e6:>7.1f}{check:>10.3f}{full:>11.3f}{check / full:>15.2%}"
            )


if __name__ == "__main__":
    main()
