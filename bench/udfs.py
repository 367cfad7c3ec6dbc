"""Benchmark: the worksheet functions over a 10,000-row column, in-process and through xlwings Server.

In-process: the functions as Excel's classic xlwings calls them (2-D lists in, lists out), median of runs.
Server: the same calls as Office.js sends them (POST /xlwings/custom-functions-call), through FastAPI's
TestClient in a process of its own (xlwings must be configured for the server before it is first imported).
Machines here are noisy: read the milliseconds of one run against the goals, not across runs.
    python bench/udfs.py            # 10,000 rows, 7 runs
    python bench/udfs.py --quick    # 3 runs
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

ROWS = 10_000
GOAL_IN_PROCESS_MS = 50
GOAL_SERVER_S = 0.2


def columns(n: int) -> dict[str, list[list[Any]]]:
    """Columns as Excel hands them over: numbers, a few texts and blanks among them."""
    rnd = random.Random(1)
    base = [[float(rnd.randint(100, 1_000_000))] for _ in range(n)]
    return {
        "base": base,
        "target": [[round(b[0] * (1.3 if i % 2 else 0.8))] for i, b in enumerate(base)],
        "actual": [[b[0] * 1.1] if i % 11 else (["未定"] if i % 2 else [None]) for i, b in enumerate(base)],
        "direction": [["増加" if i % 2 else "減少"] for i in range(n)],
        "kind": [[("歳出削減", "歳入増加", "参考", "")[i % 4]] for i in range(n)],
        "unit": [[("円", "円", "時間", "件")[i % 4]] for i in range(n)],
        "groups": [[f"課{i % 40}"] for i in range(n)],
        "grades": [[("S", "A", "B", "C", "D", "−")[i % 6]] for i in range(n)],
        "effects": [[float(i * 1000)] for i in range(n)],
        "items": [[i + 1] for i in range(n)],
    }


def calls(c: dict[str, list[list[Any]]]) -> dict[str, list[Any]]:
    """Each function's arguments (positional, as in the workbook's formulas)."""
    return {
        "KK_PLANNED": [c["base"], c["target"], 2026],
        "KK_PROGRESS": [c["actual"], c["base"], c["target"]],
        "KK_ATTAINMENT": [c["actual"], c["target"], c["direction"]],
        "KK_GRADE": [c["actual"], c["base"], c["target"], c["direction"], 2026],
        "KK_EFFECT": [c["actual"], c["base"], c["kind"], c["unit"], c["direction"]],
        "KK_ROLLUP": [c["groups"], c["grades"], c["effects"], c["items"]],
    }


def median_seconds(runs: int, action: Callable[[], Any]) -> float:
    action()  # first call: imports and caches, as Excel's first recalculation pays once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process(runs: int) -> dict[str, float]:
    import kaikaku_udfs as udfs

    out = {}
    for name, args in calls(columns(ROWS)).items():
        function = getattr(udfs, name.lower())
        result = function(*args)
        assert not isinstance(result, str), result  # a formula mistake would be one text cell
        out[name] = median_seconds(runs, lambda f=function, a=args: f(*a))
    return out


def through_server(runs: int) -> dict[str, float]:
    from kaikaku_xl.excel import server

    application = server.app()  # configures xlwings for the server before it is imported
    import xlwings
    from fastapi.testclient import TestClient

    client = TestClient(application)
    out = {}
    for name, args in calls(columns(ROWS)).items():
        office_js = [
            [["" if v is None else v for v in row] for row in a] if isinstance(a, list) else a for a in args
        ]
        body = {
            "client": "Office.js",
            "func_name": name.lower(),
            "args": office_js,
            "caller_address": "[m.xlsx]計算!A1",
            "culture_info_name": "ja-JP",
            "date_format": "yyyy/m/d",
            "version": xlwings.__version__,
            "runtime": "1.4",
            "session_id": "bench",
        }

        def post(body: dict[str, Any] = body) -> None:
            response = client.post("/xlwings/custom-functions-call", json=body)
            assert response.status_code == 200, response.text

        out[name] = median_seconds(runs, post)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 7")
    parser.add_argument("--server-only", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    if args.server_only:
        print(json.dumps(through_server(runs)))
        return
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"machine: {os.cpu_count()} cores{load}; {ROWS:,} rows, median of {runs} runs")
    local = in_process(runs)
    child = subprocess.run(
        [sys.executable, __file__, "--server-only", *(["--quick"] if args.quick else [])],
        capture_output=True,
        text=True,
        check=False,
    )
    served = json.loads(child.stdout) if child.returncode == 0 else {}
    if child.returncode != 0:
        print(f"server: not measured ({child.stderr.strip().splitlines()[-1] if child.stderr else 'failed'})")
    print(f"{'function':<15}{'in-process ms':>14}{'goal':>6}   {'server s':>9}{'goal':>6}")
    for name, seconds in local.items():
        ms = seconds * 1000
        server_s = served.get(name, float("nan"))
        print(
            f"{name:<15}{ms:>14.1f}{GOAL_IN_PROCESS_MS:>6} {'ok' if ms <= GOAL_IN_PROCESS_MS else 'NO'}"
            f"{server_s:>9.3f}{GOAL_SERVER_S:>6} {'ok' if server_s <= GOAL_SERVER_S else 'NO'}"
        )


if __name__ == "__main__":
    main()
