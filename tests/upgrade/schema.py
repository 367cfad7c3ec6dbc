"""What a master's schema is, as the upgrade tests compare it: its sheets (and which are hidden), its tables (sheet
and headers), the data validations of its sheets, its workbook names, and every cell value (the inputs kept)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from kaikaku_xl.master.contract.cycle import SCHEMA_RELEASE_KEY, SCHEMA_VERSION_KEY


def schema(path: Path) -> dict[str, Any]:
    wb = load_workbook(path)
    sheets = {ws.title: ws.sheet_state for ws in wb.worksheets}
    tables = {
        t.displayName: (ws.title, [col.name for col in t.tableColumns])
        for ws in wb.worksheets
        for t in ws.tables.values()
    }
    validations = {
        ws.title: sorted(
            (
                str(dv.sqref),
                dv.type or "",
                dv.formula1 or "",
                dv.formula2 or "",
                dv.prompt or "",
                dv.error or "",
            )
            for dv in ws.data_validations.dataValidation
        )
        for ws in wb.worksheets
    }
    names = {name: wb.defined_names[name].attr_text for name in wb.defined_names}
    return {"sheets": sheets, "tables": tables, "validations": validations, "names": names}


def lacking(upgraded: dict[str, Any], fresh: dict[str, Any], outputs: set[str]) -> list[str]:
    """What the upgraded master lacks against a new one (empty: nothing); the headers of output tables (refresh
    writes them) are compared only where `outputs` is empty."""
    found = [
        f"シート {s}（{state}）" for s, state in fresh["sheets"].items() if upgraded["sheets"].get(s) != state
    ]
    for name, (sheet, headers) in fresh["tables"].items():
        have = upgraded["tables"].get(name)
        if have is None or have[0] != sheet:
            found.append(f"表 {name}（{sheet}）")
        elif name not in outputs and have[1] != headers:
            found.append(
                f"表 {name} の列 {[h for h in headers if h not in have[1]]} / 順序 {have[1]} != {headers}"
            )
    for sheet, rules in fresh["validations"].items():
        if upgraded["validations"].get(sheet) != rules:
            found.append(f"シート {sheet} の入力規則 {upgraded['validations'].get(sheet)} != {rules}")
    found += [f"名前 {n}" for n, v in fresh["names"].items() if upgraded["names"].get(n) != v]
    return found


def values(path: Path) -> dict[str, dict[str, Any]]:
    """Every non-blank cell value of every sheet."""
    wb = load_workbook(path, read_only=True)
    found = {}
    for ws in wb.worksheets:
        found[ws.title] = {
            cell.coordinate: cell.value
            for row in ws.iter_rows()
            for cell in row
            if getattr(cell, "value", None) not in (None, "")
        }
    wb.close()
    return found


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def recorded(path: Path) -> dict[str, Any]:
    """The 管理情報 key/value rows."""
    wb = load_workbook(path, read_only=True)
    rows = {r[0]: r[1] for r in wb["管理情報"].iter_rows(min_row=2, values_only=True) if r and r[0]}
    wb.close()
    return {k: rows.get(k) for k in (SCHEMA_VERSION_KEY, SCHEMA_RELEASE_KEY)}
