"""`kaikaku init`: a new master workbook of a plan (.xlsx, or the macro-enabled .xlsm), optionally with sample
inputs, refreshed once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.plan import Plan
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.workbook.builder import new_master
from kaikaku_xl.workbook.headless import FileEngine
from kaikaku_xl.workflows.refresh import RefreshOutcome, refresh


def create_master(
    plan: Plan,
    path: Path,
    *,
    sample: bool = False,
    force: bool = False,
    now: datetime | None = None,
    protect: bool = True,
    progress: Progress = SILENT,
    xlsm: bool = False,
) -> RefreshOutcome:
    """Build the master at `path` and refresh it, so every output sheet is filled from the start.

    progress: the 作成 line, then the refresh's 読み込み / 計算 / 書き込み.
    xlsm: the macro-enabled master (excel/xlsm.py) with its `<name>.py` beside it, written after the refresh.
    """
    path = Path(path)
    if xlsm:
        from kaikaku_xl.excel import xlsm as macro

        macro.check_name(path)
    elif path.suffix.lower() != ".xlsx":
        raise WorkbookError("kaikaku init は .xlsx を作成します（マクロ付きは --xlsm を使います）。")
    module = path.with_suffix(".py")
    existing = [p for p in (path, *([module] if xlsm else [])) if p.exists()]
    if existing and not force:
        raise WorkbookError(
            f"{existing[0]} は既にあります。上書きする場合は --force を付けてください（元のファイルは残りません）。"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with progress.phase("作成") as phase:
        if xlsm:
            wb = macro.save_xlsm(plan, path, sample=sample, protect=protect)
        else:
            wb = new_master(plan, sample=sample, protect=protect)
            wb.save(path)
        phase.count("シート", len(wb.sheetnames))
    outcome = refresh(FileEngine(path, backups=0), now=now, progress=progress)
    if xlsm:
        module.write_text(macro.macro_module(path.stem), encoding="utf-8")
    return outcome
