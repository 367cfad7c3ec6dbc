"""A1 addresses without openpyxl: importing openpyxl costs a short run more than reading a large workbook."""

from __future__ import annotations

import re
from functools import lru_cache

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


@lru_cache(maxsize=4096)
def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA (as openpyxl.utils.get_column_letter)."""
    if not 1 <= index <= 18278:
        raise ValueError(f"column index out of range: {index}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 1, AA -> 27."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index


def split_cell(address: str) -> tuple[str, int]:
    """ "B12" -> ("B", 12)."""
    match = _CELL.match(address.strip())
    if match is None:
        raise ValueError(f"not a cell address: {address!r}")
    return match.group(1).upper(), int(match.group(2))


def range_bounds(ref: str) -> tuple[int, int, int, int]:
    """ "A3:I20" -> (min_col, min_row, max_col, max_row), 1-based (as openpyxl's range_boundaries for cells)."""
    first, _, last = ref.partition(":")
    c1, r1 = split_cell(first)
    c2, r2 = split_cell(last or first)
    return column_index(c1), r1, column_index(c2), r2


def range_ref(min_col: int, min_row: int, max_col: int, max_row: int) -> str:
    """(1, 3, 9, 20) -> "A3:I20": the inverse of range_bounds."""
    return f"{column_letter(min_col)}{min_row}:{column_letter(max_col)}{max_row}"
