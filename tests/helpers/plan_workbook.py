"""Fill a blank plan workbook (`kaikaku plan template`) the way a city clerk would: type into its sheets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c
from kaikaku_xl.plan_io.contract import PLAN_FIELDS, PLAN_GRADES, PLAN_SHEET, PLAN_TABLES


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", *args], capture_output=True, text=True, timeout=400, cwd=cwd
    )


def fill_plan(template: Path, head: dict[str, Any], tables: dict[str, list[dict[str, Any]]]) -> Path:
    """Write the plan's values into the template (below its example row), by column header."""
    wb = load_workbook(template)
    ws = wb[PLAN_SHEET.sheet]
    labels = {f.label: f.key for f in PLAN_FIELDS}
    for row in ws.iter_rows(min_row=PLAN_SHEET.anchor_row + 1):
        key = labels.get(str(row[0].value or "").rstrip("*"))
        if key in head:
            row[1].value = head[key]
    for spec in (*PLAN_TABLES, *getattr(c, "PLAN_EXTRA_TABLES", ())):
        rows = tables.get(spec.name, [])
        if not rows:
            continue
        ws = wb[spec.sheet]
        headers = {ws.cell(row=spec.anchor_row, column=j).value: j for j in range(1, ws.max_column + 1)}
        start = ws.max_row + 1
        for i, values in enumerate(rows):
            for key, value in values.items():
                ws.cell(row=start + i, column=headers[spec.column(key).header], value=value)
    wb.save(template)
    return template


def write_scale(plan: Path, rows: list[list[Any]]) -> None:
    """Replace the template's 評価区分 rows (the default S–D) with `rows`, as a clerk overtypes them."""
    wb = load_workbook(plan)
    ws = wb[PLAN_GRADES.sheet]
    top = PLAN_GRADES.anchor_row + 1
    for r in range(top, ws.max_row + 1):
        for j in range(1, len(PLAN_GRADES.columns) + 1):
            ws.cell(row=r, column=j).value = None
    for i, row in enumerate(rows):
        for j, value in enumerate(row, start=1):
            ws.cell(row=top + i, column=j, value=value)
    wb.save(plan)


# Two measures on text-numbered items (issue 9): shared by the plan and the yearly-cycle tests.
TEXT_NUMBER_MEASURES = [
    {
        "item": "2-(1)-3",
        "name": "事務処理時間",
        "unit": "時間",
        "direction": "減少",
        "baseline": 800,
        "target": 400,
    },
    {
        "item": "R1-3",
        "name": "委託料",
        "unit": "円",
        "direction": "減少",
        "baseline": 1_000_000,
        "target": 600_000,
        "effect_kind": "歳出削減",
    },
]


def text_numbered_plan(
    path: Path, head: dict[str, Any], policies: list[dict[str, Any]], items: list[dict[str, Any]]
) -> Path:
    """A plan workbook with text item numbers ("R1-3", "2-(1)-3") and TEXT_NUMBER_MEASURES, typed as a clerk would."""
    assert main(["plan", "template", str(path)]) == 0
    return fill_plan(
        path,
        head,
        {"PlanPolicies": policies, "PlanItems": items, "PlanMeasures": TEXT_NUMBER_MEASURES},
    )
