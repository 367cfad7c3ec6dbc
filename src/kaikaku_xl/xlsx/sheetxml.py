"""New XML for an owned sheet: the cells the file engine writes (SheetWrite), rendered as a sheetData streamed
row by row into the sheet part, every other byte of the part kept; and a table part with its new range.

The styles of the cells come from the template rows already in the part (styled when the workbook was built), so
the writer never adds styles; a row's own number format picks an existing style variant from the StyleBook.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.xlsx.a1 import column_letter, range_bounds
from kaikaku_xl.xlsx.limits import fit_cell_text
from kaikaku_xl.xlsx.package import NS_MAIN, part_bytes
from kaikaku_xl.xlsx.stylebook import StyleBook

ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    """XML text escaping (as xml.sax.saxutils.escape, whose import pulls in urllib, http and ssl)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell_xml(ref: str, value: Any, style: int) -> str:
    s = f' s="{style}"' if style else ""
    kind = type(value)  # the common cases first: a 50,000-row table is a million calls
    if kind is str:
        text = escape(fit_cell_text(ILLEGAL_XML.sub("", value))) if value else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if kind is int:
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        number = (
            repr(float(value))
            if isinstance(value, float) and not float(value).is_integer()
            else str(int(value))
        )
        return f'<c r="{ref}"{s}><v>{number}</v></c>'
    text = escape(fit_cell_text(ILLEGAL_XML.sub("", str(value))))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


_SHEETDATA = re.compile(
    rb"<sheetData\s*/>|<sheetData>.*?</sheetData>|<sheetData\s[^>]*>.*?</sheetData>", re.S
)
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_ROWS_PER_CHUNK = 2_000  # rows rendered into one piece of bytes: the new sheetData never exists whole


def existing_styles(xml: bytes, max_row: int) -> dict[tuple[int, int], int]:
    """Style index of each cell in rows 1..max_row of a sheet part (rows beyond are not read)."""
    styles: dict[tuple[int, int], int] = {}
    for _, cell in etree.iterparse(io.BytesIO(xml), events=("end",), tag=f"{{{NS_MAIN}}}c"):
        min_col, row, _, _ = range_bounds(cell.get("r"))
        if row > max_row:
            break
        styles[(row, min_col)] = int(cell.get("s", "0"))
        cell.clear()
    return styles


@dataclass
class SheetWrite:
    """The new content of one owned sheet: runs of values per row, which rows repeat a template row's styles,
    and cells that take their template's style with another number format (a row's own decimals).

    Runs, not a dict per cell: a 50,000-row table is 50,000 references to the caller's rows, not a million
    (row, col) keys. A later run overwrites an earlier one where they overlap.
    """

    runs: dict[int, list[tuple[int, Sequence[Any]]]] = field(
        default_factory=dict
    )  # row -> [(first col, values)]
    template_rows: dict[int, int] = field(default_factory=dict)  # row -> row whose styles it takes
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)  # row -> points, for rows of wrapped text

    def put(
        self, row: int, col: int, value: Any, template_row: int | None = None, fmt: str | None = None
    ) -> None:
        self.put_run(row, col, (value,), template_row, None if fmt is None else (fmt,))

    def put_run(
        self,
        row: int,
        col: int,
        values: Sequence[Any],
        template_row: int | None = None,
        fmts: Sequence[str | None] | None = None,
    ) -> None:
        """Values from column `col` on; fmts: a number format per value (None = the template's)."""
        self.runs.setdefault(row, []).append((col, values))
        if fmts is not None:
            for j, fmt in enumerate(fmts):
                if fmt is not None:
                    self.formats[(row, col + j)] = fmt
        if template_row is not None:
            self.template_rows[row] = template_row

    def row_cells(self, row: int) -> dict[int, Any]:
        cells: dict[int, Any] = {}
        for col, values in self.runs[row]:
            for j, value in enumerate(values):
                cells[col + j] = value
        return cells


def _rows_xml(
    write: SheetWrite, styles: dict[tuple[int, int], int], style_book: StyleBook | None
) -> Iterator[bytes]:
    """The new sheetData in pieces of _ROWS_PER_CHUNK rows."""
    yield b"<sheetData>"
    piece: list[str] = []
    formats = write.formats
    for r in sorted(write.runs):
        source = write.template_rows.get(r, r)
        cells = write.row_cells(r)
        height = write.heights.get(r)
        piece.append(f'<row r="{r}" ht="{height}" customHeight="1">' if height else f'<row r="{r}">')
        for col in sorted(cells):
            style = styles.get((source, col), 0)
            fmt = formats.get((r, col)) if formats else None
            if fmt is not None and style_book is not None:
                style = style_book.with_format(style, fmt)
            piece.append(_cell_xml(f"{column_letter(col)}{r}", cells[col], style))
        piece.append("</row>")
        if len(piece) > _ROWS_PER_CHUNK * 3:
            yield "".join(piece).encode("utf-8")
            piece = []
    piece.append("</sheetData>")
    yield "".join(piece).encode("utf-8")


def render_sheet(xml: bytes, write: SheetWrite, style_book: StyleBook | None = None) -> Iterator[bytes]:
    """The sheet part with its sheetData (and dimension) replaced, as pieces of bytes; every other byte is kept.

    The old part is read once; the new one is produced row by row while the package is written.
    """
    match = _SHEETDATA.search(xml)
    if match is None:
        raise WorkbookError("シートの形式が想定と異なります（sheetData がありません）。")
    fixed_rows = max(
        [*write.template_rows.values(), *(r for r in write.runs if r not in write.template_rows), 1]
    )
    styles = existing_styles(xml, fixed_rows)
    max_row = max(write.runs) if write.runs else 1
    max_col = max((col + len(values) - 1 for runs in write.runs.values() for col, values in runs), default=1)
    dimension = f'<dimension ref="A1:{column_letter(max_col)}{max_row}"/>'.encode()

    def pieces() -> Iterator[bytes]:
        yield _DIMENSION.sub(lambda _: dimension, xml[: match.start()], count=1)
        yield from _rows_xml(write, styles, style_book)
        yield xml[match.end() :]

    return pieces()


def render_table(xml: bytes, ref: str, headers: list[str] | None) -> bytes:
    """A table part with a new range; its columns are rewritten when the headers changed (None: kept)."""
    root = etree.fromstring(xml)
    root.set("ref", ref)
    auto = root.find(f"{{{NS_MAIN}}}autoFilter")
    if auto is not None:
        auto.set("ref", ref)
    columns = root.find(f"{{{NS_MAIN}}}tableColumns")
    if headers is not None and columns is not None and [c.get("name") for c in columns] != headers:
        for child in list(columns):
            columns.remove(child)
        for i, header in enumerate(headers, start=1):
            etree.SubElement(columns, f"{{{NS_MAIN}}}tableColumn", id=str(i), name=header)
        columns.set("count", str(len(headers)))
    return part_bytes(root)
