"""Benchmark: refresh of the city master and of synthetic plans, beside a bare openpyxl load+save of the file.

Prints seconds and ratios (machines here are noisy: compare the ratios of one run, not seconds across runs).
    python bench/refresh.py            # city, 1,000 and 50,000 measures
    python bench/refresh.py --quick    # city and 1,000 only
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from kaikaku_xl.metrics import evaluate
from kaikaku_xl.plan import load_plan, plan_from_dict
from kaikaku_xl.rounding import round_half_away
from kaikaku_xl.settings import Settings
from kaikaku_xl.workbook.builder import build_workbook, input_rows, layout_of
from kaikaku_xl.workbook.headless import FileEngine
from kaikaku_xl.workbook.sample import sample_rows
from kaikaku_xl.workflows.load import load
from kaikaku_xl.workflows.refresh import refresh

NOW = datetime(2026, 4, 1, 9, 0)
DIRECTIONS = ("増加", "減少")
KINDS = ("歳出削減", "歳入増加", "", "")


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
            measures.append({"name": f"指標{k}", "unit": "円", "direction": direction, "baseline": baseline,
                             "target": round_half_away(target), "effect_kind": kind})
        items.append({"no": i, "policy": 1 + i % 3, "title": f"取組{i}", "lead": f"課{i % 40}",
                      "departments": [f"課{i % 40}"], "measures": measures})
    return plan_from_dict({
        "plan": {"name": "合成計画", "city": "合成市", "city_code": "000000", "start_year": 2026, "end_year": 2030,
                 "baseline_year": 2024},
        "policies": [{"no": p, "name": f"方針{p}"} for p in (1, 2, 3)],
        "items": items,
    })


def filled_master(plan, folder: Path) -> Path:  # noqa: ANN001
    """A master with six years of actuals for every measure (2025–2030)."""
    settings = Settings(evaluation_year=2028)
    layout = layout_of(plan)
    rows = sample_rows(plan, input_rows(plan, layout, settings), layout)
    for row, m in zip(rows["Actuals"], plan.measures, strict=True):
        for y in range(len(layout.years)):
            row[3 + y] = round_half_away(m.baseline + (m.target - m.baseline) * (0.1 + 0.17 * y) * (1 + (m.item % 5 - 2) / 10))
    rows["Settings"] = [r if r[0] != "evaluation_year" else [*r[:2], 2028, r[3]] for r in rows["Settings"]]
    path = folder / f"master_{len(plan.measures)}.xlsx"
    build_workbook(plan, settings, rows).save(path)
    refresh(FileEngine(path, backups=0), now=NOW)  # outputs full size, as after a normal refresh
    return path


def best(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_load_save(path: Path, out: Path) -> None:
    load_workbook(path).save(out)


def compute_only(path: Path) -> None:
    engine = FileEngine(path)
    loaded = load(engine)
    engine.close()
    evaluate(loaded.inputs, loaded.settings)


def measure(label: str, plan, folder: Path, runs: int) -> None:  # noqa: ANN001
    build_start = time.perf_counter()
    master = filled_master(plan, folder)
    build = time.perf_counter() - build_start
    work = folder / "work.xlsx"
    shutil.copy(master, work)
    bare = best(runs, lambda: bare_load_save(master, folder / "bare.xlsx"))
    compute = best(runs, lambda: compute_only(work))
    full = best(runs, lambda: refresh(FileEngine(work, backups=0), now=NOW))
    size = master.stat().st_size / 1e6
    print(f"{label:<22}{len(plan.measures):>8,}{size:>9.1f}{build:>9.2f}{bare:>10.2f}{compute:>10.2f}{full:>10.2f}"
          f"{full / bare:>10.2f}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip the 50,000-measure workbook")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'workbook':<22}{'measures':>8}{'MB':>9}{'build s':>9}{'bare s':>10}{'compute s':>10}{'refresh s':>10}"
          f"{'ratio':>10}")
    print("  bare = openpyxl load+save; compute = read inputs + metrics; refresh = read + metrics + write;"
          " ratio = refresh / bare")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        measure("小美玉市（サンプル）", load_plan(), folder, args.runs)
        measure("合成 1,000", synthetic_plan(1_000), folder, args.runs)
        if not args.quick:
            measure("合成 50,000", synthetic_plan(50_000), folder, 1)


if __name__ == "__main__":
    main()
