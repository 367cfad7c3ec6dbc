"""Benchmark: metrics.evaluate on a plan where half the measures are 累計 beside the same plan with none.

One process, alternating runs, medians and the ratio of the medians (compare ratios, not seconds across runs):
    python bench/cumulative.py            # 2,000 and 10,000 measures
"""

from __future__ import annotations

import statistics
import time
from dataclasses import replace

import numpy as np
import pandas as pd

from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.metrics.frames import Inputs, items_frame, measures_frame
from kaikaku_xl.plan import plan_from_dict
from kaikaku_xl.plan.settings import Settings

RUNS = 5


def inputs(n: int, share: float) -> Inputs:
    items = []
    for i in range(1, n + 1):
        cumulative = i <= n * share
        items.append(
            {
                "no": i,
                "policy": 1 + i % 3,
                "title": "取組",
                "lead": f"課{i % 20}",
                "measures": [
                    {
                        "name": "指標",
                        "unit": "件",
                        "direction": "増加",
                        "baseline": 0 if cumulative else 100,
                        "target": 500,
                        **({"aggregation": "累計"} if cumulative else {}),
                    }
                ],
            }
        )
    plan = plan_from_dict(
        {
            "plan": {
                "name": "ベンチ",
                "city": "架空市",
                "baseline_year": 2024,
                "start_year": 2026,
                "end_year": 2030,
            },
            "policies": [{"no": k, "name": "方針"} for k in (1, 2, 3)],
            "items": items,
        }
    )
    rng = np.random.default_rng(1)
    actuals = pd.DataFrame(
        [
            {"measure_id": f"{i}-1", "year": y, "actual": float(rng.integers(1, 200))}
            for i in range(1, n + 1)
            for y in (2026, 2027, 2028)
        ]
    )
    return Inputs(
        measures=measures_frame(plan),
        items=items_frame(plan),
        baseline_year=2024,
        start_year=2026,
        end_year=2030,
        actuals=actuals,
    )


def seconds(data: Inputs) -> float:
    start = time.perf_counter()
    evaluate(data, replace(Settings(), evaluation_year=2028))
    return time.perf_counter() - start


def main() -> None:
    for n in (2_000, 10_000):
        plain, half = inputs(n, 0.0), inputs(n, 0.5)
        a, b = [], []
        for _ in range(RUNS):
            a.append(seconds(plain))
            b.append(seconds(half))
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{n:>6} measures: none 累計 {ma:.3f} s, half 累計 {mb:.3f} s, ratio {mb / ma:.2f}")


if __name__ == "__main__":
    main()
