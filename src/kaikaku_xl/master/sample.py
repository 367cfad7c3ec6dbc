"""`kaikaku init --sample`: clearly labelled fictional inputs (サンプル), so a new user sees every output filled.

Nothing here is real data of any city. The values are made from the plan by fixed fractions of the way from
baseline to target, so the sample is the same on every machine.
"""

from __future__ import annotations

from typing import Any

from kaikaku_xl.master import contract as c
from kaikaku_xl.plan import Plan

SAMPLE_MARK = "【サンプル（架空のデータ）】"

# Fraction of the way from baseline to target reached in 2025 and 2026, cycled over the measures:
# a spread that yields every grade (S, A, B, C, D) in the sample.
_PATH = ((0.10, 0.45), (0.05, 0.30), (0.10, 0.20), (0.00, 0.05), (0.05, -0.10), (0.40, 1.05), (0.20, 0.34))
_STATUS = ("実施中", "実施中", "完了", "未着手", "実施中")
_GRADES = ("A", "B", "S", "C", "B")


def _round(x: float, unit: str) -> int | float:
    return int(x + 0.5) if unit != "%" else float(f"{x:.1f}")


def sample_rows(plan: Plan, rows: dict[str, list[list[Any]]], layout: c.Layout) -> dict[str, list[list[Any]]]:
    """The input rows of a new master with fictional actuals, statuses and ledger entries filled in."""
    rows = {k: [list(r) for r in v] for k, v in rows.items()}
    first_year = layout.years.index(plan.start_year - 1) if plan.start_year - 1 in layout.years else 0
    for i, (row, m) in enumerate(zip(rows[c.ACTUALS_TABLE], plan.measures, strict=True)):
        for k, fraction in enumerate(_PATH[i % len(_PATH)]):
            if m.baseline == m.target:
                value = m.target * (1.0 if k == 0 else 0.97)
            else:
                value = m.baseline + (m.target - m.baseline) * fraction
            row[3 + first_year + k] = _round(value, m.unit)
    measured = {m.item for m in plan.measures}
    for _j, row in enumerate(rows[c.STATUS.name]):
        item, year = row[0], row[2]
        if year != plan.start_year:
            continue
        row[3] = _STATUS[item % len(_STATUS)]
        if item not in measured:
            row[4] = _GRADES[item % len(_GRADES)]
        row[5] = f"{SAMPLE_MARK}{year}年度の取組実績の記入例です。"
        row[6] = f"{SAMPLE_MARK}課題の記入例です。"
        row[7] = f"{SAMPLE_MARK}今後の方向性の記入例です。"
    rows[c.LEDGER.name] = [
        [
            15,
            plan.start_year,
            "歳出削減",
            3_200_000,
            f"{SAMPLE_MARK}包括的民間委託による維持管理費の削減",
            "委託前後の維持管理費の差額（架空）",
        ],
        [
            20,
            plan.start_year,
            "歳入増加",
            1_150_000,
            f"{SAMPLE_MARK}施設使用料の改定による増収",
            "改定後の使用料収入 − 改定前（架空）",
        ],
    ]
    rows[c.SETTINGS.name] = [
        r if r[0] != "evaluation_year" else [*r[:2], plan.start_year, r[3]] for r in rows[c.SETTINGS.name]
    ]
    return rows
