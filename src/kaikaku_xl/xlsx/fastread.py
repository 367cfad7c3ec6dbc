"""Cell values of a workbook's tables, read with python-calamine (Rust): about six times faster than openpyxl.

The engine promises the values openpyxl's read-only, data_only reader gives (the reference; tests compare the
two on every test workbook), so what calamine reports differently is put right here:
- numbers: calamine gives every number as float; openpyxl gives int when the file wrote a whole number ("3").
  Excel, LibreOffice and openpyxl write whole numbers without a decimal point, so a whole float below 1e16
  (where Python's repr would switch to an exponent) is given back as int.
- dates: calamine gives datetime.date for a whole day; openpyxl gives datetime.
- error cells (#N/A, #DIV/0! ...): calamine gives "" like a blank; openpyxl gives the error's text. The sheet's
  XML is searched for error cells (t="e"), which are rare, and their text put back.
- blank cells and empty text are both None (RawTable's rule for every reader).
What calamine cannot tell at all (number formats of cells) comes from `cellformats.py`, only when asked.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kaikaku_xl.xlsx.a1 import column_index

WHOLE_LIMIT = 1e16
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>/]*\bt="e"[^>/]*)>(.*?)</(?:\w+:)?c>', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START = re.compile(rb"<(?:\w+:)?c\s")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_TEXT_TYPE = re.compile(rb'\bt="str"')


def uncalculated_cells(xml: bytes) -> list[tuple[int, int]]:
    """(row, col) of formula cells without a cached value (1-based): written by a script, never calculated.

    Every reader (calamine, openpyxl) gives them as blank, which would read as a cell nobody filled in. Only
    sheets with a formula are searched, from each <f> to its cell's bounds."""
    found: list[tuple[int, int]] = []
    for formula in _FORMULA.finditer(xml):
        starts = [
            m.start() for m in _CELL_START.finditer(xml, max(0, formula.start() - 400), formula.start())
        ]
        end = _CELL_END.search(xml, formula.end())
        if not starts or end is None:
            continue
        cell = xml[starts[-1] : end.start()]
        value = _VALUE.search(cell)
        # openpyxl writes <v></v> (or nothing) for a formula it cannot calculate; Excel caches an empty text
        # result as t="str" with an empty <v>
        if value is None or not (value.group(1).strip() or _TEXT_TYPE.search(cell)):
            ref = _REF.search(cell)
            if ref is not None:
                found.append((int(ref.group(2)), column_index(ref.group(1).decode())))
    return found


_ANY_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>")
_CELL_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)\b")


def value_cells_beyond(xml: bytes, last_row: int, limit: int = 10) -> list[tuple[int, int]]:
    """(row, col) of the first `limit` cells holding a value below `last_row` (1-based): what a bounded read of
    a sheet leaves out, found in its XML without building the cells in between."""
    found: list[tuple[int, int]] = []
    for match in _ANY_CELL.finditer(xml):
        ref = _REF.search(match.group(1))
        if ref is None or int(ref.group(2)) <= last_row or match.group(2):
            continue  # no address, above the window, or an empty (self-closed) cell
        end = _CELL_END.search(xml, match.end())
        if end is not None and _CELL_VALUE.search(xml, match.end(), end.start()):
            found.append((int(ref.group(2)), column_index(ref.group(1).decode())))
            if len(found) >= limit:
                break
    return found


def uncalculated_message(sheet: str, cells: list[tuple[int, int]]) -> str:
    """Why formula cells without a result are refused, naming them (at most 10)."""
    from kaikaku_xl.xlsx.a1 import column_letter

    names = "、".join(f"{column_letter(col)}{r}" for r, col in cells[:10]) + (
        " ほか" if len(cells) > 10 else ""
    )
    return (
        f"シート「{sheet}」のセル {names} は数式の計算結果が保存されていません（スクリプトなどで書き込まれ、"
        "Excel で一度も計算されていない数式です。このままでは未入力と区別できません）。"
        "Excel で開いて保存してから、もう一度実行してください。ファイルは変更されていません。"
    )


class FallBack(Exception):
    """This sheet needs the reference reader (a cell the fast reader cannot place)."""


def openpyxl_value(value: Any) -> Any:
    """One calamine value as openpyxl gives it (see the module docstring)."""
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() and abs(value) < WHOLE_LIMIT else value
    if kind is str:
        return value if value else None
    if kind is date:
        return datetime(value.year, value.month, value.day)
    return value


def error_cells(xml: bytes) -> dict[tuple[int, int], str]:
    """(row, col) -> error text of every error cell of a sheet part (1-based)."""
    if b't="e"' not in xml:
        return {}
    found: dict[tuple[int, int], str] = {}
    for match in _ERROR_CELL.finditer(xml):
        ref = _REF.search(match.group(1))
        if ref is None:
            raise FallBack("error cell without an address")
        value = _VALUE.search(match.group(2))
        if value is not None:
            found[(int(ref.group(2)), column_index(ref.group(1).decode()))] = value.group(1).decode("utf-8")
    return found


class FastBook:
    """One workbook file opened with calamine; sheets are parsed once and kept while the engine reads."""

    def __init__(
        self, path: Path, sheet_parts: dict[str, str], package: zipfile.ZipFile | None = None
    ) -> None:
        """package: the caller's open zip of the same file (for the error cells), kept open by the caller."""
        from python_calamine import CalamineWorkbook

        self.path = path
        self.sheet_parts = sheet_parts
        self._book = CalamineWorkbook.from_path(str(path))
        self._own_zip = package is None
        self._zip = zipfile.ZipFile(path) if package is None else package  # opened once, not per sheet
        self._sheets: dict[str, tuple[list[list[Any]], dict[tuple[int, int], str]]] = {}
        self.uncalculated: dict[str, list[tuple[int, int]]] = {}  # sheet -> formula cells without a value

    def close(self) -> None:
        self._book.close()
        if self._own_zip:
            self._zip.close()
        self._sheets.clear()

    def _sheet(self, name: str) -> tuple[list[list[Any]], dict[tuple[int, int], str]]:
        if name not in self._sheets:
            rows = self._book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            xml = self._zip.read(self.sheet_parts[name])
            self._sheets[name] = (rows, error_cells(xml))
            self.uncalculated[name] = uncalculated_cells(xml)
        return self._sheets[name]

    def rows(self, sheet: str, bounds: tuple[int, int, int, int]) -> list[list[Any]]:
        """The cells of a range (min_col, min_row, max_col, max_row; 1-based) as openpyxl's reader gives them."""
        min_col, min_row, max_col, max_row = bounds
        grid, errors = self._sheet(sheet)
        width = max_col - min_col + 1
        out = []
        for r in range(min_row, max_row + 1):
            source = grid[r - 1] if r - 1 < len(grid) else ()
            row = [openpyxl_value(v) for v in source[min_col - 1 : max_col]]
            row += [None] * (width - len(row))
            out.append(row)
        for (r, col), text in errors.items():
            if min_row <= r <= max_row and min_col <= col <= max_col:
                out[r - min_row][col - min_col] = text
        return out
