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


# Kinsoku (禁則): characters a line must not start with (closing brackets, 。、 and the like, small kana, ー) and
# characters it must not end with (opening brackets). LibreOffice Calc breaks a wrapped cell before 」 or 。 when
# that is where the width runs out, so the copy it renders into the PDF gets its line breaks from `kinsoku_lines`.
NO_LINE_START = frozenset(
    "）」』】〕〉》］｝)]}、。，．,.・：；？！!?ー…‥々ゝゞぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ％%"
)
NO_LINE_END = frozenset("（「『【〔〈《［｛([{")
FIT = 0.94  # of the usable width: a line made here must also fit LibreOffice's own measure, which may differ


def _tokens(value: str) -> list[str]:
    """Units never split across lines: a run of half-width letters, digits and number signs (1,234.5, eL-QR),
    else one character."""
    out: list[str] = []
    for ch in value:
        if (
            out
            and ch.isascii()
            and (ch.isalnum() or ch in ",.-%/:_")
            and out[-1][-1:].isascii()
            and (out[-1][-1].isalnum() or out[-1][-1] in ",.-%/:_")
        ):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _break(tokens: list[str], usable: float, metrics: TextMetrics) -> list[list[str]]:
    lines: list[list[str]] = [[]]
    used = 0.0
    for tok in tokens:
        w = text_width(tok, metrics)
        line = lines[-1]
        if line and used + w > usable:
            carried: list[str] = []
            # never start the next line with a closing mark, never end this one with an opening one
            while len(line) > 1 and (
                tok[0] in NO_LINE_START if not carried else carried[0][0] in NO_LINE_START
            ):
                carried.insert(0, line.pop())
            while len(line) > 1 and line[-1][-1] in NO_LINE_END:
                carried.insert(0, line.pop())
            lines.append(carried)
            used = sum(text_width(t, metrics) for t in carried)
            line = lines[-1]
        line.append(tok)
        used += w
    return lines


def kinsoku_lines(value: str, width: float, metrics: TextMetrics = EXCEL, size: float = BODY_SIZE) -> str:
    """`value` with a line break wherever it wraps in a column `width` wide at font `size`, so that no line
    starts with a closing bracket or 。 and none ends with an opening bracket (the text is otherwise unchanged)."""
    usable = max((width * BODY_SIZE / size - metrics.margin) * FIT, 1.0)
    return "\n".join(
        "\n".join("".join(line) for line in _break(_tokens(part), usable, metrics))
        for part in value.split("\n")
    )


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
