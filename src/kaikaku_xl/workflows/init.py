"""`kaikaku init`: a new master workbook of a plan, optionally with sample inputs, refreshed once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..plan import Plan
from ..progress import SILENT, Progress
from ..settings import Settings
from ..workbook.builder import build_workbook, input_rows, layout_of
from ..workbook.engine import WorkbookError
from ..workbook.headless import FileEngine
from ..workbook.sample import sample_rows
from .refresh import RefreshOutcome, refresh


def create_master(
    plan: Plan,
    path: Path,
    *,
    sample: bool = False,
    force: bool = False,
    now: datetime | None = None,
    protect: bool = True,
    progress: Progress = SILENT,
) -> RefreshOutcome:
    """Build the master at `path` and refresh it, so every output sheet is filled from the start.
    progress: the 作成 line, then the refresh's 読み込み / 計算 / 書き込み."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise WorkbookError("kaikaku init は .xlsx を作成します（マクロ付きは --xlsm を使います）。")
    if path.exists() and not force:
        raise WorkbookError(
            f"{path} は既にあります。上書きする場合は --force を付けてください（元のファイルは残りません）。"
        )
    with progress.phase("作成") as phase:
        settings = Settings(evaluation_year=plan.start_year)
        layout = layout_of(plan)
        rows = input_rows(plan, layout, settings)
        if sample:
            rows = sample_rows(plan, rows, layout)
        path.parent.mkdir(parents=True, exist_ok=True)
        wb = build_workbook(plan, settings, rows, sample=sample, protect=protect)
        wb.save(path)
        phase.count("シート", len(wb.sheetnames))
    return refresh(FileEngine(path, backups=0), now=now, progress=progress)
