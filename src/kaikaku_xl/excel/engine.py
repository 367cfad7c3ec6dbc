"""The xlwings engine: the workbook interface of the headless engine, over an xlwings `Book`.

One class serves classic Excel (COM, `xw.Book.caller()`) and xlwings Server (the book Office.js sends; its writes
become `book.json()["actions"]`). Like the file engine it reads input tables as typed and replaces output tables
as a whole: writes are collected and applied only in `commit()`, so a failed refresh changes nothing.

Values are read the way the file engine's openpyxl reads them (whole numbers as int, empty as None), so the
refresh log's input fingerprint is the same whichever door ran it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.xlsx.a1 import range_bounds
from kaikaku_xl.xlsx.engine import PatchingEngine, RawTable
from kaikaku_xl.xlsx.limits import check_row_limit
from kaikaku_xl.xlsx.tablespec import TableSpec
from kaikaku_xl.xlsx.textcell import typed_value

if TYPE_CHECKING:
    import xlwings as xw

DOOR_CLASSIC = "Excel"
DOOR_SERVER = "Excel(Web)"


@dataclass
class _TableRef:
    sheet: str
    table: xw.main.Table


def is_remote(book: xw.Book) -> bool:
    """True for a book of xlwings Server / Office.js (its writes are returned as actions)."""
    try:
        return book.app.engine.name == "remote"
    except AttributeError:
        return False


def plain(value: Any) -> Any:
    """A cell value as openpyxl reads it from the file: whole numbers as int, "" as None, numpy as Python."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, str) and value == "":
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _bounds(address: str) -> tuple[int, int, int, int]:
    """(min_col, min_row, max_col, max_row) of "A3:U21" / "$A$3:$U$21" / "Sheet!A3:U21"."""
    return range_bounds(address.split("!")[-1].replace("$", ""))


class XlwingsEngine:
    """Reads input tables of an open workbook and replaces its output tables on commit()."""

    def __init__(self, book: xw.Book, door: str | None = None) -> None:
        self.book = book
        self.remote = is_remote(book)
        self.door = door or (DOOR_SERVER if self.remote else DOOR_CLASSIC)
        self._tables: dict[str, _TableRef] | None = None
        self._table_writes: list[tuple[TableSpec, list[list[Any]], dict[str, list[str]]]] = []
        self._cell_writes: list[tuple[str, dict[str, Any]]] = []
        self._patches: list[tuple[str, dict[tuple[int, int], Any]]] = []  # collect: single input cells
        self._resizes: list[tuple[str, str]] = []

    # -- reading ----------------------------------------------------------------------------------------
    def tables(self) -> dict[str, _TableRef]:
        if self._tables is None:
            found: dict[str, _TableRef] = {}
            for sheet in self.book.sheets:
                for table in sheet.tables:
                    found[table.name] = _TableRef(sheet.name, table)
            self._tables = found
        return self._tables

    def has_table(self, name: str) -> bool:
        return name in self.tables()

    def read_table(self, spec: TableSpec) -> RawTable:
        ref = self.tables().get(spec.name)
        if ref is None:
            raise WorkbookError(f"表「{spec.name}」（シート「{spec.sheet}」）が見つかりません。")
        rng = ref.table.range
        rows = [[plain(v) for v in row] for row in rng.options(ndim=2).value]
        if not rows:
            raise WorkbookError(f"表「{spec.name}」（シート「{ref.sheet}」）に見出し行がありません。")
        headers = ["" if h is None else str(h).strip() for h in rows[0]]
        kept = [i for i, r in enumerate(rows[1:], start=1) if any(v is not None and v != "" for v in r)]
        formats = None if self.remote else self._number_formats(ref, len(rows), len(headers))
        return RawTable(
            ref.sheet,
            headers,
            [rows[i] for i in kept],
            rng.row,
            rng.column,
            kept,
            None if formats is None else [formats[i] for i in kept],
        )

    def _number_formats(self, ref: _TableRef, n_rows: int, n_cols: int) -> list[list[str | None]]:
        """Each cell's number format (Range.number_format), one COM call per column: Excel answers None for a
        column of mixed formats, and only then is each cell of that column asked. xlwings Server cannot read
        formats synchronously, so the remote engine leaves RawTable.number_formats None."""
        sheet = self.book.sheets[ref.sheet]
        top, left = ref.table.range.row, ref.table.range.column
        out: list[list[str | None]] = [["General"] * n_cols for _ in range(n_rows)]
        if n_rows < 2:
            return out
        for j in range(n_cols):
            fmt = sheet.range((top + 1, left + j), (top + n_rows - 1, left + j)).number_format
            for i in range(1, n_rows):
                out[i][j] = (
                    fmt
                    if fmt is not None
                    else sheet.range((top + i, left + j), (top + i, left + j)).number_format
                )
        return out

    def named_cell(self, name: str) -> tuple[str, str] | None:
        """(sheet, A1 address) of a workbook-scoped defined name that refers to a cell, or None."""
        try:
            target = self.book.names[name].refers_to_range
        except Exception:  # absent name, or a name that is not a range
            return None
        if target is None:
            return None
        return target.sheet.name, target.address.replace("$", "").split(":")[0]

    def read_named(self, name: str) -> Any:
        place = self.named_cell(name)
        return None if place is None else plain(self.book.sheets[place[0]][place[1]].value)

    # -- writing ----------------------------------------------------------------------------------------
    def write_table(
        self, spec: TableSpec, rows: list[list[Any]], formats: dict[str, list[str]] | None = None
    ) -> None:
        if spec.name not in self.tables():
            raise WorkbookError(f"出力表「{spec.name}」（シート「{spec.sheet}」）が見つかりません。")
        check_row_limit(f"シート「{spec.sheet}」の表「{spec.name}」", spec.anchor_row + max(len(rows), 1))
        self._table_writes.append((spec, [list(r) for r in rows], dict(formats or {})))

    def write_cells(self, sheet: str, cells: dict[str, Any]) -> None:
        self._cell_writes.append((sheet, dict(cells)))

    def patch_cells(self, sheet: str, cells: dict[tuple[int, int], Any]) -> None:
        """Set single cells (row, col) of a sheet staff own (collect writes the values it merged)."""
        check_row_limit(f"シート「{sheet}」", max((row for row, _ in cells), default=0))
        self._patches.append((sheet, dict(cells)))

    def resize_table(self, name: str, ref: str) -> None:
        check_row_limit(f"表「{name}」", _bounds(ref)[3])
        self._resizes.append((name, ref))

    def table_bounds(self, name: str) -> tuple[int, int, int, int]:
        return _bounds(self.tables()[name].table.range.address)

    @contextmanager
    def writing(self, action: str = "更新") -> Iterator[None]:
        """Excel holds the open book itself: no file lock to take (the file engine's writing() takes one)."""
        yield

    def use_backups(self, count: int) -> None:
        """Excel saves the open book itself: no backup to keep."""

    def discard(self) -> None:
        """Forget every write not yet committed (used when a workflow fails half-way)."""
        self._table_writes.clear()
        self._cell_writes.clear()
        self._patches.clear()
        self._resizes.clear()

    def commit(self) -> None:
        sheets = list(
            dict.fromkeys(
                [self.tables()[s.name].sheet for s, _, _ in self._table_writes]
                + [name for name, _ in self._cell_writes]
                + [name for name, _ in self._patches]
            )
        )
        with self._quiet(), self._unprotected(sheets):
            for spec, rows, formats in self._table_writes:
                self._replace_table(spec, rows, formats)
            for sheet, cells in self._cell_writes:
                target = self.book.sheets[sheet]
                for address, value in cells.items():
                    target[address].value = typed_value(plain(value))
            for sheet, patch in self._patches:
                target = self.book.sheets[sheet]
                for (row, col), value in patch.items():
                    target.range((row, col), (row, col)).value = typed_value(plain(value))
            for name, ref in self._resizes:
                table = self.tables()[name]
                table.table.resize(self.book.sheets[table.sheet][ref])
        self.discard()

    def _replace_table(self, spec: TableSpec, rows: list[list[Any]], formats: dict[str, list[str]]) -> None:
        """Header and rows at the contract's anchor, table resized, rows left over from last time cleared."""
        ref = self.tables()[spec.name]
        sheet = self.book.sheets[ref.sheet]
        width = len(spec.columns)
        body = [[typed_value(plain(v)) for v in (list(r) + [None] * width)[:width]] for r in rows] or [
            [None] * width
        ]
        top, left = spec.anchor_row, spec.anchor_col
        bottom, right = top + len(body), left + width - 1
        _, _, _, old_bottom = _bounds(ref.table.range.address)
        sheet.range((top, left), (bottom, right)).value = [spec.headers, *body]
        ref.table.resize(sheet.range((top, left), (bottom, right)))
        for j, col in enumerate(spec.columns):
            sheet.range((top + 1, left + j), (bottom, left + j)).number_format = col.fmt
            for i, fmt in enumerate(formats.get(col.key, [])[: len(body)]):
                if fmt != col.fmt:  # a measure with decimals: only those cells
                    sheet.range((top + 1 + i, left + j), (top + 1 + i, left + j)).number_format = fmt
        if old_bottom > bottom:
            sheet.range((bottom + 1, left), (old_bottom, right)).clear_contents()
        if not self.remote and any(col.wrap for col in spec.columns):
            # Excel fits the height of wrapped rows itself (the file engine estimates it, textfit.py)
            sheet.range((top, left), (bottom, right)).api.Rows.AutoFit()

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Classic Excel: no screen flicker while writing (Office.js batches the writes anyway)."""
        if self.remote:
            yield
            return
        app = self.book.app
        before = app.screen_updating
        app.screen_updating = False
        try:
            yield
        finally:
            app.screen_updating = before

    @contextmanager
    def _unprotected(self, sheets: list[str]) -> Iterator[None]:
        """Classic Excel: output sheets are protected (password in the contract); lift it while writing.

        Office.js has no sheet protection in xlwings' API: there the output sheets must be unprotected
        (docs/office_js_ja.md), or Excel refuses the writes and shows its own message.
        """
        if self.remote:
            yield
            return
        lifted = []
        try:
            for name in sheets:
                api = self.book.sheets[name].api
                if getattr(api, "ProtectContents", False):
                    api.Unprotect(c.PASSWORD_NOTE)
                    lifted.append(api)
            yield
        finally:
            for api in lifted:
                api.Protect(
                    Password=c.PASSWORD_NOTE,
                    DrawingObjects=True,
                    Contents=True,
                    Scenarios=True,
                    AllowSorting=True,
                    AllowFiltering=True,
                )


# The type checker holds the xlwings engine to the engine protocols it serves (xlsx/engine.py).
if TYPE_CHECKING:
    _xlwings_engine: type[PatchingEngine] = XlwingsEngine
