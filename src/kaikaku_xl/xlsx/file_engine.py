"""The file engine: a workbook file read with calamine (openpyxl as the reference it is tested against, and the
way out where calamine cannot read) and written part by part, atomically; number formats come from the sheet's
XML only when a reader asks (a % cell)."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.textfit import table_row_height
from kaikaku_xl.xlsx.a1 import column_index, column_letter, range_bounds, range_ref, split_cell
from kaikaku_xl.xlsx.calcchain import holds_formulas, prune_calc_chain, with_full_calc_on_load
from kaikaku_xl.xlsx.cellformats import range_formats
from kaikaku_xl.xlsx.engine import LockingEngine, RawTable
from kaikaku_xl.xlsx.limits import check_row_limit
from kaikaku_xl.xlsx.lock import writer_lock
from kaikaku_xl.xlsx.package import inspect
from kaikaku_xl.xlsx.patch import cell_styles, is_protected, locked_styles, patch_sheet
from kaikaku_xl.xlsx.saving import save_atomically
from kaikaku_xl.xlsx.sheetxml import SheetWrite, render_sheet, render_table
from kaikaku_xl.xlsx.stylebook import StyleBook
from kaikaku_xl.xlsx.tablespec import TableSpec

if TYPE_CHECKING:  # openpyxl and calamine are imported only when first read with (importing them is slow)
    from openpyxl.workbook.workbook import Workbook

    from kaikaku_xl.xlsx.fastread import FastBook

READERS = ("calamine", "openpyxl")  # openpyxl: the reference the fast reader is tested against
STYLES = "xl/styles.xml"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


class UncalculatedFormulas(WorkbookError):
    """Cells of a table read holding formulas whose result was never calculated (the file untouched)."""


class FileReader:
    """Reads the tables of a workbook file."""

    def __init__(self, path: str | Path, reader: str = "calamine") -> None:
        """reader: "calamine" (fast) or "openpyxl" (the reference, and the way out where calamine cannot read)."""
        if reader not in READERS:
            raise ValueError(f"reader must be one of {READERS}")
        self.path = Path(path)
        if self.path.suffix.lower() not in WORKBOOK_SUFFIXES:
            raise WorkbookError(
                f"{self.path.name} は Excel ブックの名前ではありません（拡張子 .xlsx / .xlsm がありません）。"
                "Excel ブックのファイル（.xlsx または .xlsm）を指定してください。"
            )
        self.reader = reader
        self.package = inspect(self.path)
        self._book: Workbook | None = None
        self._fast: FastBook | None = None
        # The file's package, opened once (a workbook of 10,000 charts has 10,000 parts: every ZipFile() reads
        # the whole central directory).
        self._zip: zipfile.ZipFile | None = None

    def _unreadable(self, exc: Exception) -> WorkbookError:
        return WorkbookError(f"{self.path.name} を読み込めません: {exc}")

    # -- reading ----------------------------------------------------------------------------------------
    def _workbook(self) -> Workbook:
        """openpyxl's read-only workbook of the file (the reference reader), loaded on first use."""
        if self._book is None:
            from openpyxl import load_workbook  # only for the reference reader: importing it is slow

            try:
                self._book = load_workbook(self.path, read_only=True, data_only=True)
            except (OSError, zipfile.BadZipFile, KeyError) as exc:
                raise self._unreadable(exc) from None
        return self._book

    def _package_zip(self) -> zipfile.ZipFile:
        """The file's zip, opened on first use and kept until close() (before every replace of the file)."""
        if self._zip is None:
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (OSError, zipfile.BadZipFile) as exc:
                raise self._unreadable(exc) from None
        return self._zip

    def _fast_rows(self, sheet: str, bounds: tuple[int, int, int, int]) -> list[list[Any]] | None:
        """The range read by calamine; None where only the reference reader can read it."""
        from kaikaku_xl.xlsx.fastread import FallBack, FastBook

        try:
            if self._fast is None:
                self._fast = FastBook(self.path, self.package.sheets, self._package_zip())
            return self._fast.rows(sheet, bounds)
        except FallBack:
            return None
        except Exception as exc:  # calamine's own errors (a broken part): say which file, as openpyxl would
            raise self._unreadable(exc) from None

    def _reference_range(
        self, sheet: str, bounds: tuple[int, int, int, int], formats: bool = False
    ) -> list[list[Any]]:
        """The range as openpyxl reads it: values ("" as None), or number formats ("General" where none)."""
        min_col, min_row, max_col, max_row = bounds
        ws = self._workbook()[sheet]
        place = {"min_row": min_row, "max_row": max_row, "min_col": min_col, "max_col": max_col}
        blank = "General" if formats else None
        if formats:
            cells = ws.iter_rows(**place, values_only=False)
            rows: list[list[Any]] = [[c.number_format or blank for c in r] for r in cells]
        else:
            values = ws.iter_rows(**place, values_only=True)
            rows = [[None if v == "" else v for v in r] for r in values]
        return [r + [blank] * (max_col - min_col + 1 - len(r)) for r in rows]

    def close(self) -> None:
        self.close_readers()
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def close_readers(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None
        if self._fast is not None:
            self._fast.close()
            self._fast = None

    def has_table(self, name: str) -> bool:
        return name in self.package.tables

    def read_table(self, spec: TableSpec) -> RawTable:
        part = self.package.tables.get(spec.name)
        if part is None:
            raise WorkbookError(f"表「{spec.name}」（シート「{spec.sheet}」）が見つかりません。")
        min_col, min_row, max_col, max_row = part.bounds
        rows = self._fast_rows(part.sheet, part.bounds) if self.reader == "calamine" else None
        if rows is None:
            rows = self._reference_range(part.sheet, part.bounds)
        self._refuse_uncalculated(part.sheet, part.bounds)
        if not rows:
            raise WorkbookError(f"表「{spec.name}」（シート「{part.sheet}」）に見出し行がありません。")
        headers = ["" if h is None else str(h).strip() for h in rows[0]]
        kept = [i for i, r in enumerate(rows[1:], start=1) if any(v is not None and v != "" for v in r)]
        table = RawTable(part.sheet, headers, [rows[i] for i in kept], min_row, min_col, kept)
        # Number formats only when the reader asks (RawTable.is_percent): calamine cannot tell them, the sheet's
        # XML can (cellformats.py); the openpyxl reference reads them from its cells.
        sheet, bounds = part.sheet, part.bounds

        def formats() -> list[list[str | None]]:
            below_header = self._cell_formats(sheet, bounds)
            return [below_header[i - 1] for i in kept]

        table.formats_loader = formats
        return table

    def _refuse_uncalculated(self, sheet: str, bounds: tuple[int, int, int, int]) -> None:
        """Formula cells without a saved result (a script wrote them; Excel never calculated them) are refused by
        name: every reader gives them as blank, which would pass for a cell nobody filled in."""
        from kaikaku_xl.xlsx.fastread import uncalculated_cells, uncalculated_message

        if self._fast is not None and sheet in self._fast.uncalculated:
            cells = self._fast.uncalculated[sheet]
        else:
            cells = uncalculated_cells(self._package_zip().read(self.package.sheets[sheet]))
        min_col, min_row, max_col, max_row = bounds
        inside = sorted((r, col) for r, col in cells if min_row < r <= max_row and min_col <= col <= max_col)
        if inside:
            raise UncalculatedFormulas(uncalculated_message(sheet, inside))

    def _cell_formats(self, sheet: str, bounds: tuple[int, int, int, int]) -> list[list[str | None]]:
        """The number format of each cell of a range (rows 1:, the data rows), "General" where none."""
        if self.reader == "openpyxl":
            return self._reference_range(sheet, bounds, formats=True)[1:]
        zf = self._package_zip()
        styles = zf.read(STYLES) if STYLES in zf.NameToInfo else None
        found = range_formats(zf.read(self.package.sheets[sheet]), StyleBook(styles), bounds)
        return [list(row) for row in found[1:]]


logger = logging.getLogger(__name__)


class FileEngine(FileReader):
    """Reads the tables of a workbook file, replaces the sheets it writes and patches the cells it sets, all
    at once on commit() (an atomic replace of the file)."""

    door = "コマンド"

    def __init__(self, path: str | Path, backups: int | None = None, reader: str = "calamine") -> None:
        """backups: how many earlier versions to keep; None = as use_backups() is told (5 if never).
        reader: see FileReader."""
        super().__init__(path, reader)
        self.backups = backups
        self._sheet_writes: dict[str, SheetWrite] = {}
        self._table_refs: dict[str, tuple[str, list[str] | None]] = {}
        self._patches: dict[str, dict[tuple[int, int], Any]] = {}
        self._restyles: dict[str, dict[tuple[int, int], int]] = {}
        self._protect: dict[str, str | None] = {}  # sheet -> password (None: protection removed)
        self._parts: dict[str, bytes] = {}
        self._sole_writer = False
        self.notes: list[str] = []  # what the last commit wants the user to know (Japanese)

    @contextmanager
    def writing(self, action: str = "更新") -> Iterator[None]:
        """Hold the file's writer lock from before the read to after the atomic replace (no lost rows)."""
        with writer_lock(self.path, action=action):
            self.close()
            self.package = inspect(self.path)  # what an earlier writer committed while we waited
            self._sole_writer = True
            try:
                yield
            finally:
                self._sole_writer = False

    def use_backups(self, count: int) -> None:
        """The workbook's own count of backups, unless the engine was made with its own count."""
        if self.backups is None:
            self.backups = count

    # -- writing ----------------------------------------------------------------------------------------
    def _write(self, sheet: str) -> SheetWrite:
        return self._sheet_writes.setdefault(sheet, SheetWrite())

    def write_table(
        self, spec: TableSpec, rows: list[list[Any]], formats: dict[str, list[str]] | None = None
    ) -> None:
        if spec.name not in self.package.tables:
            raise WorkbookError(f"出力表「{spec.name}」（シート「{spec.sheet}」）が見つかりません。")
        sheet = self.package.tables[spec.name].sheet
        top, left = spec.anchor_row, spec.anchor_col
        body = rows or [[None] * len(spec.columns)]
        check_row_limit(f"シート「{sheet}」の表「{spec.name}」", top + len(body))
        write = self._write(sheet)
        write.put_run(top, left, spec.headers)
        by_column = [formats.get(col.key) for col in spec.columns] if formats else None
        for i, row in enumerate(body, start=1):
            fmts = [f[i - 1] if f and i <= len(f) else None for f in by_column] if by_column else None
            write.put_run(top + i, left, row, template_row=top + 1, fmts=fmts)
            height = table_row_height(((col.width, col.wrap) for col in spec.columns), row)
            if height:
                write.heights[top + i] = height
        ref = range_ref(left, top, left + len(spec.columns) - 1, top + len(body))
        self._table_refs[spec.name] = (ref, spec.headers)

    def write_cells(self, sheet: str, cells: dict[str, Any]) -> None:
        write = self._write(sheet)
        for address, value in cells.items():
            letter, row = split_cell(address)
            write.put(row, column_index(letter), value)

    def patch_cells(self, sheet: str, cells: dict[tuple[int, int], Any]) -> None:
        """Set single cells (row, col) of a sheet people type into; everything else on it is kept."""
        if sheet not in self.package.sheets:
            raise WorkbookError(f"シート「{sheet}」が見つかりません。")
        check_row_limit(f"シート「{sheet}」", max((row for row, _ in cells), default=0))
        self._patches.setdefault(sheet, {}).update(cells)

    def table_bounds(self, name: str) -> tuple[int, int, int, int]:
        """(min_col, min_row, max_col, max_row) of a table as the file has it."""
        return self.package.tables[name].bounds

    def resize_table(self, name: str, ref: str) -> None:
        """A new range for a table whose sheet is patched (rows added below it)."""
        check_row_limit(f"シート「{self.package.tables[name].sheet}」の表「{name}」", range_bounds(ref)[3])
        self._table_refs[name] = (ref, None)

    def _part(self, name: str) -> bytes:
        if name not in self._parts:
            self._parts[name] = self._package_zip().read(name)
        return self._parts[name]

    def styles_of(self, sheet: str, cells: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
        return cell_styles(self._part(self.package.sheets[sheet]), cells)

    def is_protected(self, sheet: str) -> bool:
        return is_protected(self._part(self.package.sheets[sheet]))

    def lock_cells(
        self, sheet: str, cells: set[tuple[int, int]], fill_rgb: str
    ) -> dict[tuple[int, int], int]:
        """Give cells a locked, grey copy of their style; returns their previous style indices (to restore)."""
        before = self.styles_of(sheet, cells)
        styles_xml, mapping = locked_styles(self._part(STYLES), set(before.values()), fill_rgb)
        self._parts[STYLES] = styles_xml
        self._restyles.setdefault(sheet, {}).update({cell: mapping[s] for cell, s in before.items()})
        return before

    def restyle_cells(self, sheet: str, styles: dict[tuple[int, int], int]) -> None:
        self._restyles.setdefault(sheet, {}).update(styles)

    def protect_sheet(self, sheet: str, password: str | None) -> None:
        """Protect the sheet with `password` on commit; None removes its protection."""
        self._protect[sheet] = password

    def commit(self) -> None:
        zf = self._package_zip()
        try:
            self._commit(zf)
        finally:
            self.close()

    def _commit(self, zf: zipfile.ZipFile) -> None:
        replaced: dict[str, bytes | Iterable[bytes]] = {}
        overlap = set(self._patches) & set(self._sheet_writes)
        if overlap:
            raise WorkbookError(f"内部エラー: シート {sorted(overlap)} を二通りに書こうとしました。")
        style_book = StyleBook(zf.read(STYLES) if STYLES in zf.NameToInfo else None)
        for sheet, write in self._sheet_writes.items():
            part = self.package.sheets[sheet]
            replaced[part] = self._rendered(zf, part, write, style_book)
        for sheet in set(self._patches) | set(self._restyles) | set(self._protect):
            part = self.package.sheets[sheet]
            replaced[part] = patch_sheet(
                zf.read(part),
                self._patches.get(sheet, {}),
                self._restyles.get(sheet),
                (self._protect[sheet] is not None) if sheet in self._protect else None,
                self._protect.get(sheet) or "",
            )
        if STYLES in self._parts:
            replaced[STYLES] = self._parts[STYLES]
        for name, (ref, headers) in self._table_refs.items():
            part = self.package.tables[name].part
            replaced[part] = render_table(zf.read(part), ref, headers)
        # The engine writes values only; recalculation on open is needed only where formulas (people's own, in
        # sheets the engine does not write) may use them.
        formulas = any(
            holds_formulas(zf.read(part))
            for sheet, part in self.package.sheets.items()
            if sheet not in self._sheet_writes and part in zf.NameToInfo
        )
        replaced["xl/workbook.xml"] = with_full_calc_on_load(zf.read("xl/workbook.xml"), formulas)
        owned_ids = {self.package.sheet_ids[sheet] for sheet in self._sheet_writes}
        owned_cells = {
            (self.package.sheet_ids[sheet], f"{column_letter(col)}{row}")
            for sheet, cells in self._patches.items()
            for row, col in cells
        }
        replaced.update(prune_calc_chain(zf, owned_ids, owned_cells))
        self.close_readers()  # calamine/openpyxl: only the zip is read from here on
        self.notes = save_atomically(
            self.path,
            replaced,
            5 if self.backups is None else self.backups,
            sole_writer=self._sole_writer,
            source=zf,
        )
        self._zip = None  # save_atomically closed it before replacing the file

    @staticmethod
    def _rendered(
        zf: zipfile.ZipFile, part: str, write: SheetWrite, style_book: StyleBook
    ) -> Iterable[bytes]:
        """An owned sheet's new XML, read and rendered only while the package is written: one at a time."""
        yield from render_sheet(zf.read(part), write, style_book)


if TYPE_CHECKING:  # the type checker holds the file engine to every engine protocol (engine.py)
    _file_engine: type[LockingEngine] = FileEngine
