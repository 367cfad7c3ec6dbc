"""The number format of each cell of a range, from the sheet's XML (what python-calamine cannot tell).

A cell's `s` attribute is an index into styles.xml's cellXfs, whose numFmtId names a built-in or custom format.
A reader needs it only to tell how a value was typed (0.3 in a percentage format was typed as 30%), so it is read
only when asked; a regular expression over the `<c>` tags keeps it fast and needs no full parse.
"""

from __future__ import annotations

import re

from kaikaku_xl.xlsx.a1 import column_index
from kaikaku_xl.xlsx.stylebook import StyleBook

_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*)>")
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
GENERAL = "General"


def range_formats(sheet_xml: bytes, styles: StyleBook, bounds: tuple[int, int, int, int]) -> list[list[str]]:
    """Format code of each cell of (min_col, min_row, max_col, max_row), 1-based; "General" where none."""
    min_col, min_row, max_col, max_row = bounds
    out = [[GENERAL] * (max_col - min_col + 1) for _ in range(max_row - min_row + 1)]
    for match in _CELL.finditer(sheet_xml):
        attributes = match.group(1)
        style = _STYLE.search(attributes)
        ref = _REF.search(attributes)
        if style is None or ref is None:
            continue
        row, col = int(ref.group(2)), column_index(ref.group(1).decode())
        if min_row <= row <= max_row and min_col <= col <= max_col:
            index = int(style.group(1))
            code = styles.xfs[index][1] if 0 <= index < len(styles.xfs) else ""
            out[row - min_row][col - min_col] = code or GENERAL
    return out
