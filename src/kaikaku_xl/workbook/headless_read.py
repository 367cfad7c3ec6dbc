"""Reading a master file's input tables: calamine first (fast), openpyxl as the reference it is tested against
and the way out where calamine cannot read; number formats from the sheet's XML only when a reader asks (a %
measure's cell). The file engine (headless.py) writes on top of this."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.workbook.cellformats import range_formats
from kaikaku_xl.workbook.engine import RawTable
from kaikaku_xl.workbook.package import inspect
from kaikaku_xl.workbook.stylebook import StyleBook
from kaikaku_xl.workbook.tablespec import TableSpec

READERS = ("calamine", "openpyxl")  # openpyxl: the reference the fast reader is tested against
STYLES = "xl/styles.xml"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


class UncalculatedFormulas(WorkbookError):
    """Input cells holding formulas whose result was never calculated (exit 2, the master untouched)."""


class FileReader:
    """Reads the input tables of a master file."""

    def __init__(self, path: str | Path, reader: str = "calamine") -> None:
        """reader: "calamine" (fast) or "openpyxl" (the reference, and the way out where calamine cannot read)."""
        if reader not in READERS:
            raise ValueError(f"reader must be one of {READERS}")
        self.path = Path(path)
        if self.path.suffix.lower() not in WORKBOOK_SUFFIXES:
            raise WorkbookError(
                f"{self.path.name} は Excel ブックの名前ではありません（拡張子 .xlsx / .xlsm がありません）。"
                "マスターワークブックのファイル（.xlsx または .xlsm）を指定してください。"
            )
        self.reader = reader
        self.package = inspect(self.path)
        self._book = None
        self._fast = None
        # The master's package, opened once (a 10,000-chart master has 10,000 parts: every ZipFile() reads the
        # whole central directory).
        self._zip: zipfile.ZipFile | None = None

    def _unreadable(self, exc: Exception) -> WorkbookError:
        return WorkbookError(f"{self.path.name} を読み込めません: {exc}")

    # -- reading ----------------------------------------------------------------------------------------
    def _workbook(self):  # noqa: ANN202 (openpyxl's read-only workbook)
        if self._book is None:
            from openpyxl import load_workbook  # only for the reference reader: importing it is slow

            try:
                self._book = load_workbook(self.path, read_only=True, data_only=True)
            except (OSError, zipfile.BadZipFile, KeyError) as exc:
                raise self._unreadable(exc) from None
        return self._book

    def _package_zip(self) -> zipfile.ZipFile:
        """The master's zip, opened on first use and kept until close() (before every replace of the file)."""
        if self._zip is None:
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (OSError, zipfile.BadZipFile) as exc:
                raise self._unreadable(exc) from None
        return self._zip

    def _fast_rows(self, sheet: str, bounds: tuple[int, int, int, int]) -> list[list[Any]] | None:
        """The range read by calamine; None where only the reference reader can read it."""
        from kaikaku_xl.workbook.fastread import FallBack, FastBook

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
        cells = self._workbook()[sheet].iter_rows(
            min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col, values_only=not formats
        )
        blank = "General" if formats else None
        rows = [
            [(c.number_format or blank) if formats else (None if c == "" else c) for c in r] for r in cells
        ]
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
        # Number formats only when the reader asks (a % measure's cell): calamine cannot tell them, the sheet's
        # XML can (cellformats.py); the openpyxl reference reads them from its cells.
        sheet, bounds = part.sheet, part.bounds

        def formats() -> list[list[str | None]]:
            below_header = self._cell_formats(sheet, bounds)
            return [below_header[i - 1] for i in kept]

        table.formats_loader = formats
        return table

    def _refuse_uncalculated(self, sheet: str, bounds: tuple[int, int, int, int]) -> None:
        """Formula cells without a saved result (a script wrote them; Excel never calculated them) are refused by
        name: every reader gives them as blank, which would pass for 未入力."""
        from kaikaku_xl.workbook.fastread import uncalculated_cells, uncalculated_message

        if self._fast is not None and sheet in self._fast.uncalculated:
            cells = self._fast.uncalculated[sheet]
        else:
            cells = uncalculated_cells(self._package_zip().read(self.package.sheets[sheet]))
        min_col, min_row, max_col, max_row = bounds
        inside = sorted((r, col) for r, col in cells if min_row < r <= max_row and min_col <= col <= max_col)
        if inside:
            raise UncalculatedFormulas(uncalculated_message(sheet, inside))

    def _cell_formats(self, sheet: str, bounds: tuple[int, int, int, int]) -> list[list[str]]:
        """The number format of each cell of a range (rows 1:, the data rows), "General" where none."""
        if self.reader == "openpyxl":
            return self._reference_range(sheet, bounds, formats=True)[1:]
        zf = self._package_zip()
        styles = zf.read(STYLES) if STYLES in zf.NameToInfo else None
        return range_formats(zf.read(self.package.sheets[sheet]), StyleBook(styles), bounds)[1:]
