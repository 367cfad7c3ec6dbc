"""Helpers for the yearly-cycle tests: find and fill department files as staff would (openpyxl)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from kaikaku_xl.cli import main
from kaikaku_xl.workbook import contract as c

NOW = "2026-06-01T10:00:00"


def run_json(capsys: Any, *args: str) -> tuple[int, Any]:
    capsys.readouterr()
    code = main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def department_file(folder: Path, department: str) -> Path:
    found = [p for p in folder.glob("*.xlsx") if department in p.name]
    assert len(found) == 1, (department, sorted(p.name for p in folder.glob("*.xlsx")))
    return found[0]


def row_of(ws: Any, **match: Any) -> int:
    """Row number of the first row below the header (row 3) whose columns (by header) match."""
    headers = [cell.value for cell in ws[3]]
    for row in range(4, ws.max_row + 1):
        if all(ws.cell(row=row, column=headers.index(h) + 1).value == v for h, v in match.items()):
            return row
    raise AssertionError(f"no row {match} in {ws.title}")


def col_of(ws: Any, header: str) -> int:
    return [cell.value for cell in ws[3]].index(header) + 1


def master_values(path: Path, sheet: str) -> list[list[Any]]:
    wb = load_workbook(path, data_only=True)
    return [list(r) for r in wb[sheet].iter_rows(min_row=4, values_only=True)]


def change_log(path: Path) -> list[dict[str, Any]]:
    wb = load_workbook(path, data_only=True)
    ws = wb[c.CHANGE_LOG.sheet]
    headers = [cell.value for cell in ws[c.CHANGE_LOG.anchor_row]]
    rows = ws.iter_rows(min_row=c.CHANGE_LOG.anchor_row + 1, values_only=True)
    return [dict(zip(headers, r, strict=False)) for r in rows if any(v is not None for v in r)]
