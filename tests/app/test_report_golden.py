"""`kaikaku report --json` pinned byte for byte: refactors must not change a single figure, key or space.

The golden files were written by the commands below (run from the repository root). An issue that changes the
figures ON PURPOSE regenerates them the same way and says so in its commit message:

    kaikaku init --sample --now 2027-04-01T09:00:00 /tmp/sample.xlsx
    kaikaku report --json /tmp/sample.xlsx > tests/app/golden/report_sample.json
    kaikaku report --json xlsx/omitama_master.xlsx > tests/app/golden/report_committed_master.json

The sample master has graded measures, effects and roll-ups; the committed (empty) master has the problems list.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"
REPO = Path(__file__).resolve().parents[2]
REGENERATE = "regenerate with the commands in the docstring of tests/app/test_report_golden.py if the change is intended"


def _kaikaku(*args: str) -> bytes:
    result = subprocess.run([sys.executable, "-m", "kaikaku_xl.cli", *args], capture_output=True, check=True)
    return result.stdout


def _assert_same(actual: bytes, golden: Path) -> None:
    expected = golden.read_bytes()
    if actual != expected:
        a, e = actual.decode().splitlines(), expected.decode().splitlines()
        first = next((i for i, (x, y) in enumerate(zip(a, e, strict=False)) if x != y), min(len(a), len(e)))
        raise AssertionError(
            f"{golden.name} differs from line {first + 1}: "
            f"{a[first] if first < len(a) else '<end>'!r} != {e[first] if first < len(e) else '<end>'!r}; "
            f"{REGENERATE}"
        )


def test_report_json_of_the_sample_master_is_pinned(tmp_path: Path) -> None:
    master = tmp_path / "sample.xlsx"
    _kaikaku("init", "--sample", "--now", "2027-04-01T09:00:00", str(master))
    _assert_same(_kaikaku("report", "--json", str(master)), GOLDEN / "report_sample.json")


def test_report_json_of_the_committed_master_is_pinned() -> None:
    _assert_same(
        _kaikaku("report", "--json", str(REPO / "xlsx" / "omitama_master.xlsx")),
        GOLDEN / "report_committed_master.json",
    )
