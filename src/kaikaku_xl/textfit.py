"""How many lines a wrapped text takes in a column, and the row height that shows all of them: one estimate for
the council xlsx/PDF and for every wrapped cell of the master (builder and refresh).

Neither Excel nor LibreOffice fits the height of wrapped rows of a file it opens (a row keeps the height the
file gives it), so the product writes the heights itself.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from kaikaku_xl.rounding import round_half_away

BODY_SIZE = 10  # the font size the metrics below are measured for


@dataclass(frozen=True)
class TextMetrics:
    """How wide a 10pt character is in column-width units and how tall a line is, for one renderer.

    Neither Excel nor LibreOffice fits the height of wrapped rows of a file it opens, so row heights are set from
    these estimates. Excel's width unit is the '0' of the default font (Calibri 11, 7 px), a 10pt full-width
    glyph is about 13 px: 1.9 units. LibreOffice draws the same widths wider (measured here: about 20 full-width
    characters of Noto Sans CJK JP in a column 30 wide).
    """

    wide: float
    narrow: float
    line: float  # points per line of 10pt text
    margin: float


EXCEL = TextMetrics(wide=1.9, narrow=1.0, line=13.5, margin=1.0)
LIBREOFFICE = TextMetrics(wide=1.5, narrow=0.85, line=14.5, margin=0.6)


def text_width(value: str, metrics: TextMetrics = EXCEL) -> float:
    """Approximate width of a line of 10pt text in column-width units."""
    return sum(metrics.wide if unicodedata.east_asian_width(ch) in "WFA" else metrics.narrow for ch in value)


def line_count(value: str, width: float, metrics: TextMetrics = EXCEL) -> int:
    if not value:
        return 1
    usable = max(width - metrics.margin, 1.0)
    return sum(max(1, math.ceil(text_width(part, metrics) / usable)) for part in value.split("\n"))


def wrapped_lines(value: str, width: float, size: float = BODY_SIZE) -> int:
    """Lines of `value` in a column `width` wide at font `size`, the larger of Excel's and LibreOffice's count
    (the master is opened in both)."""
    scaled = width * BODY_SIZE / size  # a larger font fits fewer characters in the same column
    return max(line_count(value, scaled, EXCEL), line_count(value, scaled, LIBREOFFICE))


def table_row_height(
    columns: Iterable[tuple[float, bool]], values: Iterable[object], size: float = 11
) -> float | None:
    """The height of one table row: (width, wrap) per column and the row's values; only wrapped text counts."""
    return row_height(
        (str(v), width)
        for (width, wrap), v in zip(columns, values, strict=False)
        if wrap and isinstance(v, str)
    )


def row_height(cells: Iterable[tuple[str, float]], size: float = 11) -> float | None:
    """Points for a row whose wrapped cells hold these (text, column width) pairs; None = one line (default).

    The line height is LibreOffice's (the taller of the two) scaled to the font size, plus a little padding.
    """
    lines = max((wrapped_lines(text, width, size) for text, width in cells if text), default=1)
    if lines <= 1:
        return None
    return round_half_away(LIBREOFFICE.line * size / BODY_SIZE * lines + 4, 1)
