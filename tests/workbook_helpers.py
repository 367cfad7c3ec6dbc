"""Shared helpers for the workbook tests: make masters, edit their inputs like staff do, read parts."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from kaikaku_xl.plan import load_plan
from kaikaku_xl.workflows.init import create_master

FIXED_NOW = "2026-04-01T09:00:00"


def make_master(folder: Path, name: str = "master.xlsx", sample: bool = True) -> Path:
    from datetime import datetime

    path = folder / name
    create_master(load_plan(), path, sample=sample, now=datetime.fromisoformat(FIXED_NOW))
    return path


def edit_cells(path: Path, edits: dict[str, dict[str, Any]]) -> None:
    """Type values into cells, as staff would (openpyxl: fine for input tests, it drops the dashboard charts)."""
    wb = load_workbook(path)
    for sheet, cells in edits.items():
        for address, value in cells.items():
            wb[sheet][address] = value
    wb.save(path)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def soffice_convert(path: Path, fmt: str, out_dir: Path, profile: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
         "--outdir", str(out_dir), str(path)],
        check=True, capture_output=True, timeout=240,
    )
    produced = out_dir / (path.stem + "." + fmt.split(":")[0])
    assert produced.exists(), f"LibreOffice did not write {produced}"
    return produced


def copy(path: Path, target: Path) -> Path:
    shutil.copy2(path, target)
    return target
