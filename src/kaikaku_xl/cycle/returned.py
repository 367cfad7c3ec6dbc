"""Reading a returned department workbook, whatever program saved it (Excel, LibreOffice, openpyxl).

A returned file is found by its sheet names and column headers, not by table parts (a save by another program
may drop or rename those), and its identity is a plain key/value range on a hidden sheet for the same reason.
A returned file is anyone's: only a bounded window around each table is read (a department's tables are a few
hundred rows), so a small file claiming a cell on row 1,048,576 costs nothing; a value past the window is
reported by cell, not read. The 記入者 / 電話・内線 / 課長確認 fields are found by their labels on the 記入方法
sheet (any row; the value is the cell right of its label); a file distributed before they existed has none.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl.cycle.clerk_guide import SIGNATURE_FIELDS
from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.text import cell_text, match_key
from kaikaku_xl.xlsx.a1 import column_letter
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.fastread import uncalculated_cells, uncalculated_message, value_cells_beyond
from kaikaku_xl.xlsx.limits import fit_cell_text
from kaikaku_xl.xlsx.package import inspect
from kaikaku_xl.xlsx.safezip import check_package, not_a_regular_file
from kaikaku_xl.xlsx.tablespec import TableSpec

ROW_WINDOW = 5_000  # data rows read below a header: a department's tables hold a few hundred
COLUMN_WINDOW = 200  # columns searched for headers: 3 key columns and one per plan year
HEADER_SCAN = 30  # rows searched for a table's headers
IDENTITY_ROWS = 50  # rows of the identity sheet read
# the 記入方法 sheet searched for the signature labels (it has about 40 rows and 2 columns)
GUIDE_ROWS, GUIDE_COLUMNS = 200, 10
# The signature's keys (as collected and shown by status) and their labels, in the guide's order.
SIGNATURE_KEYS = dict(zip(("name", "phone", "approved_by"), SIGNATURE_FIELDS, strict=True))


@dataclass(frozen=True)
class Signature:
    """The 記入方法 sheet's 記入者 / 電話・内線 / 課長確認 as the clerk filled them ("" where blank), and the cell
    of each value (where the clerk types it; a label not found has no cell)."""

    values: dict[str, str]
    cells: dict[str, str]

    @property
    def filled(self) -> bool:
        return any(self.values.values())


@dataclass
class Returned:
    path: Path
    identity: dict[str, str]
    tables: dict[str, RawTable]
    name: str = ""  # the file as the department returned it (a .ods converted for reading keeps its name)
    beyond: list[tuple[str, str]] = field(default_factory=list)  # (sheet, cell) of values past the window
    signature: Signature | None = None  # None: a file without the fields (distributed before they existed)

    def __post_init__(self) -> None:
        self.name = self.name or self.path.name


def find_header(ws: Worksheet, headers: list[str]) -> tuple[int, int] | None:
    """(row, column) of the header row of a table: the first cell run matching the contract's first headers."""
    needed = headers[:2]
    last_row, last_col = min(HEADER_SCAN, ws.max_row), min(COLUMN_WINDOW, ws.max_column)
    for number, row in enumerate(ws.iter_rows(min_row=1, max_row=last_row, max_col=last_col), start=1):
        texts = [cell_text(cell.value) for cell in row]
        for j in range(len(texts) - 1):
            if texts[j : j + len(needed)] == needed:
                return number, j + 1
    return None


def read_range(ws: Worksheet, sheet: str, header_row: int, first_col: int) -> RawTable:
    """The table below a header row, at most ROW_WINDOW rows, its columns as far as the headers go."""
    last_col = min(ws.max_column, first_col + COLUMN_WINDOW - 1)
    header_cells = next(
        ws.iter_rows(
            min_row=header_row, max_row=header_row, min_col=first_col, max_col=last_col, values_only=True
        )
    )
    headers = [cell_text(h) for h in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    rows, offsets, formats = [], [], []
    # cells, not values only: the reader needs each cell's number format (95% typed in Excel is 0.95 in a
    # percent-formatted cell, and is 95 points; RawTable.number_formats)
    for offset, cells in enumerate(
        ws.iter_rows(
            min_row=header_row + 1,
            max_row=max(min(ws.max_row, header_row + ROW_WINDOW), header_row),
            min_col=first_col,
            max_col=first_col + width - 1,
        ),
        start=1,
    ):
        padding = [None] * (width - len(cells))
        values = [cell.value for cell in cells] + padding
        if any(v is not None and cell_text(v) != "" for v in values):
            rows.append(values)
            offsets.append(offset)
            formats.append([cell.number_format for cell in cells] + padding)
    return RawTable(sheet, headers, rows, header_row, first_col, offsets, number_formats=formats)


def candidate_sheets(wb: Workbook, spec: TableSpec) -> Iterable[Worksheet]:
    if spec.sheet in wb.sheetnames:
        yield wb[spec.sheet]
    for ws in wb.worksheets:
        if ws.title != spec.sheet:
            yield ws


def refuse_uncalculated(xml: bytes, sheet: str, header_row: int, first_col: int, width: int) -> None:
    """A formula a script wrote into the file (no saved result) would read as blank: refuse the file by cell."""
    cells = uncalculated_cells(xml)
    inside = sorted((r, col) for r, col in cells if r > header_row and first_col <= col < first_col + width)
    if inside:
        raise WorkbookError(uncalculated_message(sheet, inside))


def _identity(wb: Workbook) -> dict[str, str]:
    identity: dict[str, str] = {}
    if c.IDENTITY.sheet in wb.sheetnames:
        ws = wb[c.IDENTITY.sheet]
        rows = ws.iter_rows(min_col=1, max_col=2, max_row=min(ws.max_row, IDENTITY_ROWS), values_only=True)
        for key, value, *_ in rows:
            if cell_text(key) in c.IDENTITY_KEYS:
                identity[cell_text(key)] = cell_text(value)
    return identity


def _field_text(value: Any) -> str:
    """A field's value as text: a date typed alone (課長確認の日付) as the date, never its midnight."""
    if isinstance(value, datetime) and value == datetime.combine(value.date(), datetime.min.time()):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return fit_cell_text(cell_text(value))


def _signature(wb: Workbook) -> Signature | None:
    """The signature fields found by their labels on the 記入方法 sheet (None: the file has none of them)."""
    if c.SHEET_DEPARTMENT_GUIDE not in wb.sheetnames:
        return None
    ws = wb[c.SHEET_DEPARTMENT_GUIDE]
    wanted = {match_key(label): key for key, label in SIGNATURE_KEYS.items()}
    values: dict[str, str] = {}
    cells: dict[str, str] = {}
    rows = ws.iter_rows(max_row=min(ws.max_row, GUIDE_ROWS), max_col=min(ws.max_column, GUIDE_COLUMNS) + 1)
    for row in rows:
        for label, value in zip(row, row[1:], strict=False):
            key = wanted.get(match_key(label.value)) if isinstance(label.value, str) else None
            if key and key not in cells:
                values[key] = _field_text(value.value)
                cells[key] = value.coordinate
    if not cells:
        return None
    return Signature({key: values.get(key, "") for key in SIGNATURE_KEYS}, cells)


def _open(path: Path, name: str) -> tuple[Workbook, dict[str, str]]:
    why = not_a_regular_file(path)
    if why:
        raise WorkbookError(f"{name} は読み込めません（{why}）。")
    try:
        check_package(path)  # a returned file is anyone's: no DOCTYPE, no zip bomb reaches openpyxl
        parts = inspect(path).sheets
        with open(path, "rb") as stream:  # a stream: openpyxl then does not judge the file by its extension
            wb = load_workbook(stream, data_only=True)
    except (  # whatever a malformed package makes openpyxl raise: the file is refused by name, never a traceback
        OSError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        KeyError,
        IndexError,
        ValueError,
        TypeError,
        AttributeError,
        SyntaxError,  # (lxml's XMLSyntaxError)
        InvalidFileException,
    ) as exc:
        raise WorkbookError(f"{name} は Excel ブックとして読めません（{exc}）。") from None
    return wb, parts


def read_returned(path: Path, specs: list[TableSpec], name: str = "") -> Returned:
    """The identity and the tables of a returned department file (name: as the department returned it, where
    `path` is a converted copy). Raises WorkbookError if it is no workbook."""
    name = name or path.name
    wb, parts = _open(path, name)
    tables: dict[str, RawTable] = {}
    beyond: list[tuple[str, str]] = []
    with zipfile.ZipFile(path) as zf:
        for spec in specs:
            for ws in candidate_sheets(wb, spec):
                found = find_header(ws, spec.headers)
                if found:
                    table = tables[spec.name] = read_range(ws, ws.title, *found)
                    xml = zf.read(parts[ws.title])
                    refuse_uncalculated(xml, ws.title, *found, len(table.headers))
                    if ws.max_row > found[0] + ROW_WINDOW:
                        far = value_cells_beyond(xml, found[0] + ROW_WINDOW)
                        beyond.extend((ws.title, f"{column_letter(col)}{r}") for r, col in far)
                    break
    identity, signature = _identity(wb), _signature(wb)
    wb.close()
    return Returned(
        path=path, identity=identity, tables=tables, name=name, beyond=beyond, signature=signature
    )
