"""Fill a blank plan workbook (`kaikaku plan template`) the way a city clerk would: type into its sheets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from kaikaku_xl.workbook import contract as c


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", *args], capture_output=True, text=True, timeout=400, cwd=cwd
    )


def fill_plan(template: Path, head: dict[str, Any], tables: dict[str, list[dict[str, Any]]]) -> Path:
    """Write the plan's values into the template (below its example row), by column header."""
    wb = load_workbook(template)
    ws = wb[c.PLAN_SHEET.sheet]
    labels = {f.label: f.key for f in c.PLAN_FIELDS}
    for row in ws.iter_rows(min_row=c.PLAN_SHEET.anchor_row + 1):
        key = labels.get(str(row[0].value or "").rstrip("*"))
        if key in head:
            row[1].value = head[key]
    for spec in (*c.PLAN_TABLES, *getattr(c, "PLAN_EXTRA_TABLES", ())):
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
