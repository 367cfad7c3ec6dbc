"""Mutation check for the metrics/rounding tests: does each deliberately wrong rule make a test fail?

Not collected by pytest (the name does not start with test_). Run from anywhere:

    python tests/mutation_check.py            # all mutations
    python tests/mutation_check.py -k grade   # only those whose name contains "grade"

For each mutation, src/ and tests/ are copied to a fresh temporary directory, one source line is changed
there (the working tree is never touched), and the metrics tests are run against the copy with PYTHONPATH
pointing at it.
A mutation is "killed" when the tests fail, "SURVIVED" when they pass. Exit status 1 if any survived.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = "kaikaku_xl"
TESTS = [
    "tests/metrics/test_exact_grades.py",
    "tests/metrics/test_metrics_rates.py",
    "tests/metrics/test_metrics_effects.py",
    "tests/metrics/test_metrics_rollups.py",
    "tests/test_rounding.py",
]

# (name, file under src/kaikaku_xl, exact original text (must occur once), replacement)
MUTATIONS: list[tuple[str, str, str, str]] = [
    (
        "attainment: 減少 treated as 増加",
        "metrics/rates.py",
        'lower_is_better = d == "減少"',
        'lower_is_better = d == "増加"',
    ),
    (
        "progress: no NaN when target = baseline",
        "metrics/rates.py",
        "ok = np.isfinite(a) & np.isfinite(span) & (span != 0)",
        "ok = np.isfinite(a) & np.isfinite(span)",
    ),
    (
        "planned path: off by one year",
        "metrics/rates.py",
        "(y - baseline_year) / (target_year",
        "(y - baseline_year - 1) / (target_year",
    ),
    (
        "grade: a value on a line gets the lower grade",
        "plan/scale.py",
        "if line is not None and rate >= line:",
        "if line is not None and rate > line:",
    ),
    (
        "grade: decided on floats, not on the typed decimal",
        "plan/exact.py",
        "    return Fraction(Decimal(repr(value)))",
        "    return Fraction(value)",
    ),
    (
        "settings: B ratio 0.6 -> 0.5",
        "plan/settings.py",
        "grade_b_ratio: float = 0.6",
        "grade_b_ratio: float = 0.5",
    ),
    (
        "grade: 維持 planned progress = elapsed, not 1",
        "metrics/measures.py",
        "np.where(flat, 1.0, np.where(",
        "np.where(flat, elapsed, np.where(",
    ),
    ("yearly targets ignored", "metrics/evaluate.py", "    if len(custom):", "    if False:"),
    (
        "item grade: last measure instead of primary",
        "metrics/items.py",
        'g, source = own[0], "主指標"',
        'g, source = own[-1], "主指標"',
    ),
    (
        "最低評価: best instead of worst",
        "metrics/grades.py",
        "return max(graded, key=labels.index)",
        "return min(graded, key=labels.index)",
    ),
    (
        "effects: 歳出削減 = actual − baseline",
        "metrics/effects.py",
        "[b - v, revenue, improved * price],",
        "[v - b, revenue, improved * price],",
    ),
    (
        "effects: 歳入増加 = baseline − actual",
        "metrics/effects.py",
        "[b - v, revenue, improved * price],",
        "[b - v, -revenue, improved * price],",
    ),
    (
        "effects: include flag dropped",
        "metrics/effects.py",
        'out["counted"] = out["include_in_effect"].astype(bool) & (',
        'out["counted"] = (',
    ),
    (
        "effects: include_reference ignored",
        "metrics/effects.py",
        "((kind == REFERENCE) & settings.include_reference)",
        "(kind == REFERENCE)",
    ),
    (
        "effects: 参考 ignores direction",
        "metrics/effects.py",
        "[b - v, revenue, improved * price],",
        "[b - v, revenue, revenue * price],",
    ),
    (
        "totals: cumulative = last single year",
        "metrics/effects.py",
        'frame["cumulative"] = running_total(frame["single_year"])',
        'frame["cumulative"] = frame["single_year"]',
    ),
    (
        "totals: ledger not in 単年度",
        "metrics/effects.py",
        'frame["single_year"] = frame[["measures", "ledger"]].sum(axis=1, min_count=1)',
        'frame["single_year"] = frame[["measures"]].sum(axis=1, min_count=1)',
    ),
    (
        "初年度のみ: no chaining (= 継続)",
        "metrics/effects.py",
        "                previous = value",
        "                pass",
    ),
    (
        "初年度のみ: measured from the FY2025 level",
        "metrics/effects.py",
        "if start_year is not None and year < start_year:",
        "if False:",
    ),
    (
        "roll-up: shares over all items",
        "metrics/rollups.py",
        'row[f"share_{g}"] = counts[g] / n_graded if n_graded',
        'row[f"share_{g}"] = counts[g] / len(members) if n_graded',
    ),
    (
        "rounding: percent_points uses round()",
        "rounding.py",
        "    scaled = _decimal(rate) * 100",
        "    return round(rate * 100, ndigits)",
    ),
    (
        "rounding: round_half_away uses round()",
        "rounding.py",
        "    step = Decimal(1).scaleb(-ndigits)",
        "    return float(round(x, ndigits))",
    ),
    (
        "rounding: half-even in Decimal",
        "rounding.py",
        "return float(_decimal(x).quantize(step, rounding=ROUND_HALF_UP",
        "return float(_decimal(x).quantize(step, rounding='ROUND_HALF_EVEN'",
    ),
    (
        "rounding: 17 digits instead of 15",
        "rounding.py",
        'format(float(x), ".15g")',
        'format(float(x), ".17g")',
    ),
    ("format_amount: △ on a value that rounds to 0", "rounding.py", "    if value < 0:", "    if yen < 0:"),
]


def _pad(text: str, width: int) -> str:
    """Left-justify to a display width (Japanese characters take two columns)."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - shown, 0)


def _copy_tree(dest: Path) -> None:
    shutil.copytree(ROOT / "src" / PKG, dest / PKG, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        ROOT / "tests", dest / "tests", ignore=shutil.ignore_patterns("__pycache__", "mutation_check.py")
    )
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")


def _env(dest: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(dest) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_one(mutation: tuple[str, str, str, str] | None) -> tuple[str, str, float]:
    """Apply one mutation in a temporary copy and run the tests there. Returns (name, verdict, seconds)."""
    name = mutation[0] if mutation else "(no mutation)"
    with tempfile.TemporaryDirectory(prefix="kaikaku-mut-") as tmp:
        dest = Path(tmp)
        _copy_tree(dest)
        if mutation:
            _, rel, old, new = mutation
            path = dest / PKG / rel
            text = path.read_text(encoding="utf-8")
            if text.count(old) != 1:
                return name, f"ERROR: text found {text.count(old)} times in {rel}", 0.0
            path.write_text(text.replace(old, new), encoding="utf-8")
        env = _env(dest)
        where = subprocess.run(
            [sys.executable, "-c", f"import {PKG}; print({PKG}.__file__)"],
            env=env,
            cwd=dest,
            capture_output=True,
            text=True,
        )
        if not where.stdout.strip().startswith(str(dest)):
            return name, f"ERROR: imported {where.stdout.strip() or where.stderr.strip()}", 0.0
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *TESTS],
            env=env,
            cwd=dest,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
    if proc.returncode == 0:
        return name, "passed" if mutation is None else "SURVIVED", seconds
    if proc.returncode == 1:
        failed = next((ln for ln in proc.stdout.splitlines() if ln.startswith("FAILED")), "")
        return name, ("killed  " + failed.removeprefix("FAILED ").split(" - ")[0]).rstrip(), seconds
    tail = proc.stdout.strip().splitlines()[-1:] or proc.stderr.strip().splitlines()[-1:]
    return name, f"ERROR (pytest exit {proc.returncode}): {' '.join(tail)}", seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="only mutations whose name contains this text")
    parser.add_argument("-j", type=int, default=os.cpu_count() or 1, help="parallel runs")
    args = parser.parse_args()
    chosen = [m for m in MUTATIONS if args.k in m[0]]

    name, verdict, seconds = run_one(None)
    print(f"{_pad(name, 50)}{verdict} ({seconds:.1f}s)")
    if verdict != "passed":
        print("the unmutated tests must pass first")
        return 2
    with ThreadPoolExecutor(max_workers=args.j) as pool:
        results = list(pool.map(run_one, chosen))
    for name, verdict, seconds in results:
        print(f"{_pad(name, 50)}{verdict} ({seconds:.1f}s)")
    killed = sum(v.startswith("killed") for _, v, _ in results)
    print(f"{killed}/{len(results)} killed")
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
