"""Shared helpers for the workbook tests: make masters, edit their inputs like staff do, read parts."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from kaikaku_xl.app.init import create_master
from kaikaku_xl.plan import load_plan

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
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out_dir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    produced = out_dir / (path.stem + "." + fmt.split(":")[0])
    assert produced.exists(), f"LibreOffice did not write {produced}"
    return produced


def copy(path: Path, target: Path) -> Path:
    shutil.copy2(path, target)
    return target


def add_user_content(path: Path) -> Path:
    """What staff add to a master: a sheet of their own with a chart and an image, a comment, a defined name."""
    from openpyxl.chart import LineChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image
    from openpyxl.workbook.defined_name import DefinedName
    from PIL import Image as PILImage

    wb = load_workbook(path)
    memo = wb.create_sheet("メモ（担当者用）")
    memo.append(["年度", "件数"])
    for year, n in ((2025, 3), (2026, 5), (2027, 8)):
        memo.append([year, n])
    chart = LineChart()
    chart.add_data(Reference(memo, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    memo.add_chart(chart, "D2")
    picture = path.parent / "logo.png"
    PILImage.new("RGB", (40, 20), (200, 30, 30)).save(picture)
    memo.add_image(Image(str(picture)), "D20")
    wb["実績"]["E4"].comment = Comment("人事課に確認済み", "担当者")
    wb.defined_names["my_total"] = DefinedName("my_total", attr_text="'メモ（担当者用）'!$B$2:$B$4")
    wb.save(path)
    picture.unlink()
    return path
