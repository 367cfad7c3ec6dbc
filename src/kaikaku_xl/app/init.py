"""`kaikaku init`: a new master workbook of a plan, optionally with sample inputs, refreshed once.

The plain master is an .xlsx built here; another kind (the macro-enabled .xlsm of the Excel door) comes with its
own packer, which the door hands in: this layer never reaches up to a door.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Protocol

from openpyxl.workbook.workbook import Workbook

from kaikaku_xl.app.refresh import RefreshOutcome, refresh
from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master.builder import new_master
from kaikaku_xl.plan import Plan
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.lock import lock_path


class MasterPacker(Protocol):
    """A kind of master other than the plain .xlsx: its file name rule, its workbook, and the file beside it."""

    def check_name(self, path: Path) -> None:
        """Raise WorkbookError when the master cannot have this name."""

    def save(self, plan: Plan, path: Path, *, sample: bool, protect: bool) -> Workbook:
        """Write the (not yet refreshed) workbook to `path`; returns it."""

    def companion(self, path: Path) -> tuple[Path, str]:
        """The file written beside the master after its first refresh, and its text."""


def create_master(
    plan: Plan,
    path: Path,
    *,
    sample: bool = False,
    force: bool = False,
    now: datetime | None = None,
    protect: bool = True,
    progress: Progress = SILENT,
    packer: MasterPacker | None = None,
) -> RefreshOutcome:
    """Build the master at `path` and refresh it, so every output sheet is filled from the start.

    progress: the 作成 line, then the refresh's 読み込み / 計算 / 書き込み.
    packer: another kind of master (excel/xlsm.py: the macro-enabled one, with `<name>.py` beside it).
    """
    path = Path(path)
    if packer is not None:
        packer.check_name(path)
    elif path.suffix.lower() != ".xlsx":
        raise WorkbookError("kaikaku init は .xlsx を作成します（マクロ付きは --xlsm を使います）。")
    companion = packer.companion(path) if packer is not None else None
    existing = [p for p in (path, *([companion[0]] if companion else [])) if p.exists()]
    if existing and not force:
        raise WorkbookError(
            f"{existing[0]} は既にあります。上書きする場合は --force を付けてください（元のファイルは残りません）。"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Built and refreshed under a temporary name beside the target, which it replaces only once all went well: a
    # failed init leaves no file behind (and an existing file it was to overwrite with --force as it was).
    staged = path.with_name(f".{path.stem}.init-{os.getpid()}{path.suffix}")
    try:
        with progress.phase("作成") as phase:
            if packer is not None:
                wb = packer.save(plan, staged, sample=sample, protect=protect)
            else:
                wb = new_master(plan, sample=sample, protect=protect)
                wb.save(staged)
            phase.count("シート", len(wb.sheetnames))
        outcome = refresh(FileEngine(staged, backups=0), now=now, progress=progress)
        os.replace(staged, path)
    finally:
        staged.unlink(missing_ok=True)
        lock_path(staged).unlink(missing_ok=True)
    if companion is not None:
        companion[0].write_text(companion[1], encoding="utf-8")
    return outcome
