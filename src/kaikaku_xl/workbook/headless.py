"""The headless engine: a master workbook file, read with openpyxl and written part by part, atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from .contract import TableSpec
from .engine import RawTable, WorkbookError
from .package import (
    SheetWrite,
    StyleBook,
    inspect,
    prune_calc_chain,
    render_sheet,
    render_table,
    rewrite_package,
    with_full_calc_on_load,
)

BACKUP_DIR = "backup"


def lock_holder(path: Path) -> str | None:
    """The lock file another program keeps beside an open workbook (Excel ~$, LibreOffice .~lock), if any."""
    name = path.name
    candidates = [f"~${name}", f"~${name[2:]}", f".~lock.{name}#"]
    for candidate in candidates:
        if (path.parent / candidate).exists():
            return candidate
    return None


class FileEngine:
    """Reads input tables of a master file and replaces its output sheets on commit()."""

    door = "コマンド"

    def __init__(self, path: str | Path, backups: int | None = None) -> None:
        """backups: how many earlier versions to keep; None = the workbook's own setting (read by refresh)."""
        self.path = Path(path)
        self.backups = backups
        self.package = inspect(self.path)
        self._book = None
        self._sheet_writes: dict[str, SheetWrite] = {}
        self._table_refs: dict[str, tuple[str, list[str]]] = {}

    # -- reading ----------------------------------------------------------------------------------------
    def _workbook(self):  # noqa: ANN202 (openpyxl's read-only workbook)
        if self._book is None:
            try:
                self._book = load_workbook(self.path, read_only=True, data_only=True)
            except (OSError, zipfile.BadZipFile, KeyError) as exc:
                raise WorkbookError(f"{self.path.name} を読み込めません: {exc}") from None
        return self._book

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None

    def has_table(self, name: str) -> bool:
        return name in self.package.tables

    def read_table(self, spec: TableSpec) -> RawTable:
        part = self.package.tables.get(spec.name)
        if part is None:
            raise WorkbookError(f"表「{spec.name}」（シート「{spec.sheet}」）が見つかりません。")
        min_col, min_row, max_col, max_row = part.bounds
        ws = self._workbook()[part.sheet]
        rows = [list(r) for r in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col,
                                               max_col=max_col, values_only=True)]
        if not rows:
            raise WorkbookError(f"表「{spec.name}」（シート「{part.sheet}」）に見出し行がありません。")
        width = max_col - min_col + 1
        rows = [r + [None] * (width - len(r)) for r in rows]
        headers = ["" if h is None else str(h).strip() for h in rows[0]]
        kept = [(i, r) for i, r in enumerate(rows[1:], start=1) if any(v is not None and v != "" for v in r)]
        return RawTable(part.sheet, headers, [r for _, r in kept], min_row, min_col, [i for i, _ in kept])

    # -- writing ----------------------------------------------------------------------------------------
    def _write(self, sheet: str) -> SheetWrite:
        return self._sheet_writes.setdefault(sheet, SheetWrite())

    def write_table(self, spec: TableSpec, rows: list[list[Any]],
                    formats: dict[str, list[str]] | None = None) -> None:
        if spec.name not in self.package.tables:
            raise WorkbookError(f"出力表「{spec.name}」（シート「{spec.sheet}」）が見つかりません。")
        sheet = self.package.tables[spec.name].sheet
        write = self._write(sheet)
        top, left = spec.anchor_row, spec.anchor_col
        for j, header in enumerate(spec.headers):
            write.put(top, left + j, header)
        body = rows or [[None] * len(spec.columns)]
        keys = [col.key for col in spec.columns]
        for i, row in enumerate(body, start=1):
            for j, value in enumerate(row):
                column_formats = (formats or {}).get(keys[j]) if j < len(keys) else None
                fmt = column_formats[i - 1] if column_formats and i <= len(column_formats) else None
                write.put(top + i, left + j, value, template_row=top + 1, fmt=fmt)
        ref = f"{get_column_letter(left)}{top}:{get_column_letter(left + len(spec.columns) - 1)}{top + len(body)}"
        self._table_refs[spec.name] = (ref, spec.headers)

    def write_cells(self, sheet: str, cells: dict[str, Any]) -> None:
        write = self._write(sheet)
        for address, value in cells.items():
            letter, row = coordinate_from_string(address)
            write.put(row, column_index_from_string(letter), value)

    def commit(self) -> None:
        self.close()
        replaced: dict[str, bytes] = {}
        with zipfile.ZipFile(self.path) as zf:
            style_book = StyleBook(zf.read("xl/styles.xml") if "xl/styles.xml" in zf.namelist() else None)
            for sheet, write in self._sheet_writes.items():
                part = self.package.sheets[sheet]
                replaced[part] = render_sheet(zf.read(part), write, style_book)
            for name, (ref, headers) in self._table_refs.items():
                part = self.package.tables[name].part
                replaced[part] = render_table(zf.read(part), ref, headers)
            replaced["xl/workbook.xml"] = with_full_calc_on_load(zf.read("xl/workbook.xml"))
            owned_ids = {self.package.sheet_ids[sheet] for sheet in self._sheet_writes}
            replaced.update(prune_calc_chain(zf, owned_ids))
        save_atomically(self.path, replaced, 5 if self.backups is None else self.backups)


def save_atomically(path: Path, replaced: dict[str, bytes], backups: int) -> None:
    """Write the new package beside the master, keep a backup, then swap it in with one rename."""
    holder = lock_holder(path)
    if holder:
        raise WorkbookError(
            f"{path.name} は他のプログラム（Excel など）で開かれています（{holder}）。閉じてからもう一度実行してください。"
        )
    try:
        with open(path, "r+b"):
            pass
    except PermissionError:
        raise WorkbookError(f"{path.name} に書き込めません（開かれているか、読み取り専用です）。") from None
    prefix = f".kaikaku-{path.stem}-"
    remove_stale_temps(path.parent, prefix)
    fd, temp_name = tempfile.mkstemp(prefix=prefix, suffix=path.suffix, dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            rewrite_package(path, handle, replaced)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, path.stat().st_mode & 0o7777)  # mkstemp makes 0600; the master keeps its own mode
        keep_backup(path, backups)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise WorkbookError(
            f"{path.name} を保存できませんでした（{exc.strerror or exc}）。元のファイルは変更されていません。"
            "ディスクの空き容量や書き込み権限を確認してください。"
        ) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


STALE_SECONDS = 3600


def remove_stale_temps(folder: Path, prefix: str) -> None:
    """Half-written files left by a refresh that was killed (power cut, task manager): never the master itself."""
    now = time.time()
    for leftover in folder.glob(prefix + "*"):
        try:
            if now - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()
        except OSError:
            pass  # another process holds it: leave it


def keep_backup(path: Path, backups: int) -> None:
    if backups <= 0:
        return
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    shutil.copy2(path, folder / f"{path.stem}.{stamp}{path.suffix}")
    old = sorted(folder.glob(f"{path.stem}.*{path.suffix}"))
    for stale in old[:-backups]:
        stale.unlink()
