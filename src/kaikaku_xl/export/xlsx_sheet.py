"""Writing the view's tables onto a worksheet row by row (fonts, fills, borders, heights from the text's lines)
and the A4 page setup: the building blocks of the report workbook (xlsx.py)."""

from __future__ import annotations

import math
from dataclasses import replace

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl.export.cells import Cell, Table, date_label
from kaikaku_xl.export.view import Document
from kaikaku_xl.palette import BORDER_GREY, DARK_GREY, GROUP_FILL, HEADER_FILL, HEADER_TEXT
from kaikaku_xl.rounding import round_half_away
from kaikaku_xl.textfit import EXCEL, LIBREOFFICE, TextMetrics, kinsoku_lines, line_count, text_width
from kaikaku_xl.xlsx.textcell import put_value

BODY_SIZE = 10
THIN = Side(style="thin", color=BORDER_GREY)
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _clean(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def sheet_widths(tables: list[Table], metrics: TextMetrics) -> list[float]:
    """Column widths for tables stacked on one sheet: the widest wanted, and never too narrow for a number."""
    n = max(len(t.columns) for t in tables)
    widths = [0.0] * n
    for t in tables:
        for i, c in enumerate(t.columns):
            widths[i] = max(widths[i], c.width)
        for row in t.rows:
            for i, cell in enumerate(row):
                if not cell.wrap:
                    widths[i] = max(widths[i], math.ceil(text_width(cell.text, EXCEL) + 2))
    return widths


class SheetWriter:
    """Writes tables row by row on one worksheet, with the view's styles."""

    def __init__(self, ws: Worksheet, font: str, widths: list[float], metrics: TextMetrics):
        self.ws = ws
        self.font = font
        self.metrics = metrics
        self.row = 1
        self.widths = widths
        # The copy LibreOffice renders into the PDF: Calc breaks a wrapped cell before 」 or 。, so its lines are
        # broken here by the kinsoku rules (Excel applies them itself: its workbook keeps the text as it is)
        self.breaks = metrics is LIBREOFFICE
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w

    def _font(self, size: float = BODY_SIZE, bold: bool | None = None, color: str | None = None) -> Font:
        return Font(name=self.font, size=size, bold=bold, color=color)

    def shown(self, value: str, width: float, size: float = BODY_SIZE) -> str:
        """A wrapped text as written into a cell `width` wide: with the kinsoku line breaks in the PDF's copy."""
        return kinsoku_lines(value, width, self.metrics, size) if self.breaks and value else value

    def lines(self, value: str, col: int) -> int:
        width = self.widths[col - 1]
        return line_count(self.shown(value, width), width, self.metrics)

    def height(self, lines: int, size: float = BODY_SIZE) -> float:
        return round_half_away(self.metrics.line * size / BODY_SIZE * lines + 4, 1)

    def put(
        self,
        row: int,
        col: int,
        cell: Cell | str,
        *,
        font: Font | None = None,
        fill: str | None = None,
        border: bool = True,
        align: str | None = None,
        wrap: bool | None = None,
        width: float | None = None,
        size: float | None = None,
    ) -> None:
        """Write one cell. width/size: of a merged, wrapped cell (its span and font size) for its line breaks."""
        if isinstance(cell, str):
            cell = Cell(cell)
        if cell.number is None and (cell.wrap if wrap is None else wrap) and col <= len(self.widths):
            cell = replace(cell, text=self.shown(cell.text, width or self.widths[col - 1], size or BODY_SIZE))
        target = self.ws.cell(row=row, column=col)
        if cell.number is not None:
            put_value(target, cell.number)
            target.number_format = cell.number_format or "General"
        elif cell.text != "":
            put_value(target, _clean(cell.text))  # never a formula, whatever the text starts with
        target.font = font or self._font()
        target.alignment = Alignment(
            horizontal=align or cell.align, vertical="center", wrap_text=cell.wrap if wrap is None else wrap
        )
        if fill:
            target.fill = PatternFill("solid", fgColor=fill)
        if border:
            target.border = BORDER

    def line(
        self, value: str, *, size: float = BODY_SIZE, bold: bool = False, color: str | None = None
    ) -> None:
        self.put(
            self.row,
            1,
            Cell(value, wrap=False),
            font=self._font(size=size, bold=bold, color=color),
            border=False,
        )
        self.ws.row_dimensions[self.row].height = self.height(1, size)
        self.row += 1

    def note(self, value: str) -> None:
        """A note spanning the table width (merged, wrapped), below a table."""
        span = len(self.widths)
        self.put(
            self.row,
            1,
            Cell(value, wrap=True),
            font=self._font(size=9, color=DARK_GREY),
            border=False,
            width=sum(self.widths),
            size=9,
        )
        if span > 1:
            self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=span)
        lines = line_count(self.shown(value, sum(self.widths), 9), sum(self.widths) / 0.9, self.metrics)
        self.ws.row_dimensions[self.row].height = self.height(lines, 9)
        self.row += 1

    def header(self, table: Table) -> int:
        row = self.row
        lines = 1
        for col, column in enumerate(table.columns, start=1):
            self.put(
                row,
                col,
                Cell(column.title, align="center", wrap=True),
                font=self._font(bold=True, color=HEADER_TEXT),
                fill=HEADER_FILL,
            )
            lines = max(lines, self.lines(column.title, col))
        self.ws.row_dimensions[row].height = self.height(lines)
        self.row += 1
        return row

    def table(self, table: Table, *, caption: bool = True) -> tuple[int, int, int]:
        """Write caption, unit note, header, rows and notes; return (header row, first data row, last data row)."""
        if caption:
            self.line(table.caption, size=12, bold=True)
        if table.unit_note:
            self.put(
                self.row,
                len(table.columns),
                Cell(f"（{table.unit_note}）", align="right", wrap=False),
                font=self._font(size=9),
                border=False,
            )
            self.ws.row_dimensions[self.row].height = self.height(1, 9)
            self.row += 1
        head = self.header(table)
        first = self.row
        for group in table.groups:
            if group.label:
                for col in range(1, len(table.columns) + 1):
                    self.put(
                        self.row,
                        col,
                        Cell(group.label if col == 1 else "", wrap=False),
                        font=self._font(bold=True),
                        fill=GROUP_FILL,
                    )
                self.ws.row_dimensions[self.row].height = self.height(1)
                self.row += 1
            for cells in group.rows:
                lines = 1
                for col, cell in enumerate(cells, start=1):
                    self.put(self.row, col, cell)
                    if cell.wrap:
                        lines = max(lines, self.lines(cell.text, col))
                self.ws.row_dimensions[self.row].height = self.height(lines)
                self.row += 1
        last = self.row - 1
        for note in table.notes:
            self.note("※ " + note)
        self.row += 1
        return head, first, last


def title_block(s: SheetWriter, doc: Document, heading: str) -> None:
    """The two lines on top of every sheet but the cover: plan and heading, city, evaluation year and date."""
    s.line(f"{doc.plan_name}　{heading}", size=14, bold=True)
    s.line(f"{doc.city}　{doc.evaluation_label}　作成日 {date_label(doc.generated)}", size=9)


HEADER_LIMIT = (
    60  # characters of staff text in one header section (Excel: 255 for the whole header, codes too)
)


def header_text(text: str) -> str:
    """Staff text (計画名...) as a print header shows it literally: & starts Excel's codes (&P page, &B bold, &N
    pages), so it is doubled; a leading digit would be read as part of the font-size code (&8 + "2026" = &82026)
    and is kept apart by a space; long text is cut (Excel refuses a header longer than 255 characters)."""
    text = text.replace("\r", " ").replace("\n", " ")
    if len(text) > HEADER_LIMIT:
        text = text[: HEADER_LIMIT - 1] + "…"
    text = text.replace("&", "&&")
    return " " + text if text[:1].isdigit() else text


def page_setup(
    ws: Worksheet,
    doc: Document,
    font: str,
    *,
    title_rows: str | None = None,
    footer: bool = True,
    fit_height: int = 0,
) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = fit_height
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    if footer:
        head, foot = ws.oddHeader, ws.oddFooter
        assert head is not None and foot is not None  # openpyxl gives every worksheet both
        for part, value, size in (
            (head.left, header_text(doc.plan_name), 8),
            (head.right, header_text(doc.evaluation_label), 8),
            (foot.center, "&P / &N", 9),
        ):  # Excel's codes: page / pages
            part.text = value
            part.size = size
            part.font = font
    ws.sheet_view.showGridLines = False
