"""The values-only report workbook (openpyxl): no formulas, no macros, print-ready on A4.

Sheets: 表紙, 概要, 取組一覧, 定性評価, 財政効果額. Every figure is a number already rounded by kaikaku_xl.rounding,
with a number format that prints exactly the text of the view (0.0%, #,##0;"△"#,##0), or a text such as "−".
Text is always stored as text: a title starting with "=" never becomes a formula.

The file is byte-identical for the same inputs and `generated` date: docProps dates are set to that day and the
zip entries carry it as their timestamp.
"""

from __future__ import annotations

import datetime
import io
import math
import unicodedata
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.layout import Layout, ManualLayout
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Font as DrawingFont, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..metrics import GRADES
from .view import Cell, Document, Table, date_label, fiscal_year_label

# BIZ UDPゴシック ships with Windows 10 (1809) and later and is a universal-design face many cities use for
# printed material. The PDF is rendered from a copy that names a font installed where LibreOffice runs.
XLSX_FONT = "BIZ UDPゴシック"
BODY_SIZE = 10
GRADE_COLORS = {"S": "1F4E79", "A": "2E75B6", "B": "9DC3E6", "C": "F4B183", "D": "C00000"}
HEADER_FILL = "1F4E79"
GROUP_FILL = "DDEBF7"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _clean(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def text_width(value: str) -> float:
    """Approximate width in Excel column units of a line of text at 10pt (full-width characters count ~1.8)."""
    return sum(1.8 if unicodedata.east_asian_width(ch) in "WFA" else 1.0 for ch in value)


def line_count(value: str, width: float) -> int:
    usable = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in value.split("\n")) if value else 1


class _Sheet:
    """Writes tables row by row on one worksheet, with the view's styles."""

    def __init__(self, ws: Worksheet, font: str, widths: list[float]):
        self.ws = ws
        self.font = font
        self.row = 1
        self.widths = widths
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w

    def _font(self, **kw: object) -> Font:
        return Font(name=self.font, size=kw.pop("size", BODY_SIZE), **kw)  # type: ignore[arg-type]

    def put(self, row: int, col: int, cell: Cell | str, *, font: Font | None = None, fill: str | None = None,
            border: bool = True, align: str | None = None, wrap: bool | None = None) -> None:
        if isinstance(cell, str):
            cell = Cell(cell)
        target = self.ws.cell(row=row, column=col)
        if cell.number is not None:
            target.value = cell.number
            target.number_format = cell.number_format or "General"
        elif cell.text != "":
            target.value = _clean(cell.text)
            target.data_type = "s"  # never a formula, whatever the text starts with
            if cell.text[:1] in "=+-@":
                target.quotePrefix = True
        target.font = font or self._font()
        target.alignment = Alignment(
            horizontal=align or cell.align, vertical="center" if not (wrap if wrap is not None else cell.wrap)
            else "top", wrap_text=wrap if wrap is not None else cell.wrap)
        if fill:
            target.fill = PatternFill("solid", fgColor=fill)
        if border:
            target.border = BORDER

    def line(self, value: str, *, size: int = BODY_SIZE, bold: bool = False, color: str | None = None,
             height: float | None = None) -> None:
        self.put(self.row, 1, Cell(value, wrap=False), font=self._font(size=size, bold=bold, color=color),
                 border=False)
        self.ws.row_dimensions[self.row].height = height or max(15.0, size * 1.6)
        self.row += 1

    def note(self, value: str) -> None:
        """A note spanning the table width (merged, wrapped), below a table."""
        span = len(self.widths)
        total = sum(self.widths)
        self.put(self.row, 1, Cell(value, wrap=True), font=self._font(size=9, color="404040"), border=False)
        if span > 1:
            self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=span)
        self.ws.row_dimensions[self.row].height = 13.5 * line_count(value, total * 1.0) + 3
        self.row += 1

    def header(self, table: Table) -> int:
        row = self.row
        lines = 1
        for col, column in enumerate(table.columns, start=1):
            self.put(row, col, Cell(column.title, align="center", wrap=True),
                     font=self._font(bold=True, color="FFFFFF"), fill=HEADER_FILL)
            lines = max(lines, line_count(column.title, self.widths[col - 1]))
        self.ws.row_dimensions[row].height = 15.0 * lines + 4
        self.row += 1
        return row

    def table(self, table: Table, *, caption: bool = True) -> tuple[int, int, int]:
        """Write caption, unit note, header, rows and notes; return (header row, first data row, last data row)."""
        if caption:
            self.line(table.caption, size=12, bold=True, height=21)
        if table.unit_note:
            self.put(self.row, len(table.columns), Cell(f"（{table.unit_note}）", align="right", wrap=False),
                     font=self._font(size=9), border=False)
            self.ws.row_dimensions[self.row].height = 14
            self.row += 1
        head = self.header(table)
        first = self.row
        for group in table.groups:
            if group.label:
                for col in range(1, len(table.columns) + 1):
                    self.put(self.row, col, Cell(group.label if col == 1 else "", wrap=False),
                             font=self._font(bold=True), fill=GROUP_FILL)
                self.ws.row_dimensions[self.row].height = 18
                self.row += 1
            for cells in group.rows:
                lines = 1
                for col, cell in enumerate(cells, start=1):
                    self.put(self.row, col, cell)
                    if cell.wrap:
                        lines = max(lines, line_count(cell.text, self.widths[col - 1]))
                self.ws.row_dimensions[self.row].height = 15.0 * lines + 4
                self.row += 1
        last = self.row - 1
        for note in table.notes:
            self.note("※ " + note)
        self.row += 1
        return head, first, last


def _page_setup(ws: Worksheet, doc: Document, *, landscape: bool = True, title_rows: str | None = None,
                footer: bool = True, fit_height: int = 0) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = fit_height
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    if footer:
        ws.oddHeader.left.text = doc.plan_name
        ws.oddHeader.left.size = 8
        ws.oddHeader.right.text = doc.evaluation_label
        ws.oddHeader.right.size = 8
        ws.oddFooter.center.text = "&P / &N"
        ws.oddFooter.center.size = 9
    ws.sheet_view.showGridLines = False


def _cover(wb: Workbook, doc: Document, font: str) -> None:
    ws = wb.active
    ws.title = "表紙"
    widths = [14.0] * 10
    s = _Sheet(ws, font, widths)
    lines: list[tuple[str, int, bool, float]] = [
        ("", BODY_SIZE, False, 40), (doc.city, 16, False, 30), ("", BODY_SIZE, False, 20),
        (doc.plan_name, 26, True, 44),
    ]
    if doc.subtitle:
        lines.append((f"（{doc.subtitle}）", 13, False, 24))
    lines += [
        ("", BODY_SIZE, False, 30), ("取組状況報告書", 24, True, 40), ("", BODY_SIZE, False, 12),
        (doc.evaluation_label, 18, False, 30), ("", BODY_SIZE, False, 30),
        (f"計画期間　{doc.period_label}", 12, False, 22),
        ("", BODY_SIZE, False, 60), (f"作成日　{date_label(doc.generated)}", 12, False, 22),
        (doc.city, 14, False, 26),
    ]
    for value, size, bold, height in lines:
        if value:
            s.put(s.row, 1, Cell(value, align="center", wrap=False), font=s._font(size=size, bold=bold),
                  border=False)
            ws.merge_cells(start_row=s.row, start_column=1, end_row=s.row, end_column=len(widths))
        ws.row_dimensions[s.row].height = height
        s.row += 1
    ws.print_area = f"A1:{get_column_letter(len(widths))}{s.row}"
    _page_setup(ws, doc, footer=False, fit_height=1)
    ws.print_options.verticalCentered = True


def _title_block(s: _Sheet, doc: Document, heading: str) -> None:
    s.line(f"{doc.plan_name}　{heading}", size=14, bold=True, height=24)
    s.line(f"{doc.city}　{doc.evaluation_label}　作成日 {date_label(doc.generated)}", size=9, height=15)


def _axis_font(size: int = 900) -> RichText:
    props = CharacterProperties(sz=size)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _chart_fonts(chart: BarChart, font: str) -> None:
    latin = DrawingFont(typeface=font)
    for axis in (chart.x_axis, chart.y_axis):
        props = CharacterProperties(sz=900, latin=latin, ea=DrawingFont(typeface=font))
        axis.txPr = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])
        axis.delete = False
    props = CharacterProperties(sz=900, latin=latin, ea=DrawingFont(typeface=font))
    chart.legend.txPr = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _summary(wb: Workbook, doc: Document, font: str) -> None:
    ws = wb.create_sheet("概要")
    widths = [36.0] + [11.0] * 8
    s = _Sheet(ws, font, widths)
    _title_block(s, doc, "評価の概要")
    s.line(doc.grade_legend, size=9, height=15)
    s.row += 1
    positions = {}
    for table in doc.summary:
        positions[table.key] = s.table(table)
    head, first, last = positions["grade_shares"]
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 60
    chart.title = None
    chart.y_axis.title = "構成比"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorUnit = 0.2
    chart.y_axis.numFmt = "0%"
    chart.y_axis.number_format = "0%"
    chart.x_axis.scaling.orientation = "maxMin"  # first policy on top, as in the table
    data = Reference(ws, min_col=2, max_col=1 + len(GRADES), min_row=head, max_row=last)
    cats = Reference(ws, min_col=1, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    for series, g in zip(chart.series, GRADES, strict=True):
        series.graphicalProperties = GraphicalProperties(solidFill=GRADE_COLORS[g])
        series.graphicalProperties.line.solidFill = GRADE_COLORS[g]
    chart.legend.position = "b"
    _chart_fonts(chart, font)
    chart.width = 24
    chart.height = 9
    s.line("基本方針別の評価構成比（グラフ）", size=12, bold=True, height=21)
    ws.add_chart(chart, f"A{s.row}")
    s.row += 20
    ws.print_area = f"A1:{get_column_letter(len(widths))}{s.row}"
    _page_setup(ws, doc)


def _table_sheet(wb: Workbook, doc: Document, font: str, name: str, heading: str, table: Table,
                 legend: list[str]) -> None:
    ws = wb.create_sheet(name)
    widths = [c.width for c in table.columns]
    s = _Sheet(ws, font, widths)
    _title_block(s, doc, heading)
    for line in legend:
        s.line(line, size=9, height=15)
    head, _first, last = s.table(table, caption=False)
    ws.print_title_rows = f"{head}:{head}"
    ws.freeze_panes = ws.cell(row=head + 1, column=3)
    ws.print_area = f"A1:{get_column_letter(len(widths))}{s.row}"
    _page_setup(ws, doc, title_rows=f"{head}:{head}")


def _effects(wb: Workbook, doc: Document, font: str) -> None:
    ws = wb.create_sheet("財政効果額")
    widths = [34.0, 18.0, 24.0, 12.0, 16.0, 16.0, 12.0, 15.0]
    s = _Sheet(ws, font, widths)
    _title_block(s, doc, "財政効果額")
    positions = {}
    for table in doc.effects:
        if table.key == "effects_by_measure":
            continue  # written on its own sheet below, with its own column widths
        positions[table.key] = s.table(table)
    s.line("財政効果額のグラフ", size=12, bold=True, height=21)
    anchor = s.row

    head, first, last = positions["effects_by_year"]
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = None
    chart.y_axis.title = f"単年度効果額（{doc.display_unit}）"
    chart.y_axis.numFmt = "#,##0"
    chart.y_axis.number_format = "#,##0"
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=head, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    for series, color in zip(chart.series, ("1F4E79", "BDD7EE"), strict=True):
        series.graphicalProperties = GraphicalProperties(solidFill=color)
        series.graphicalProperties.line.solidFill = "1F4E79"
    chart.legend.position = "b"
    _chart_fonts(chart, font)
    chart.width, chart.height = 15, 8.5
    ws.add_chart(chart, f"A{anchor}")

    head, first, last = positions["effects_history"]
    hist = BarChart()
    hist.type = "col"
    hist.title = None
    hist.y_axis.title = f"財政効果額（{doc.display_unit}）"
    hist.y_axis.numFmt = "#,##0"
    hist.y_axis.number_format = "#,##0"
    hist.add_data(Reference(ws, min_col=2, min_row=head, max_row=last), titles_from_data=True)
    hist.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    hist.series[0].graphicalProperties = GraphicalProperties(solidFill="2E75B6")
    hist.series[0].graphicalProperties.line.solidFill = "1F4E79"
    hist.legend = None
    hist.dataLabels = DataLabelList(showVal=True)
    _chart_fonts_no_legend(hist, font)
    hist.width, hist.height = 15, 8.5
    ws.add_chart(hist, f"D{anchor}")
    s.row += 19
    ws.print_area = f"A1:{get_column_letter(len(widths))}{s.row}"
    _page_setup(ws, doc)

    detail = next(t for t in doc.effects if t.key == "effects_by_measure")
    _table_sheet(wb, doc, font, "効果額内訳", "指標別の財政効果額", detail,
                 [detail.caption + "　" + f"（{detail.unit_note}）" if detail.unit_note else detail.caption])


def _chart_fonts_no_legend(chart: BarChart, font: str) -> None:
    for axis in (chart.x_axis, chart.y_axis):
        props = CharacterProperties(sz=900, latin=DrawingFont(typeface=font), ea=DrawingFont(typeface=font))
        axis.txPr = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])
        axis.delete = False


def build_workbook(doc: Document, font: str = XLSX_FONT) -> Workbook:
    wb = Workbook()
    _cover(wb, doc, font)
    _summary(wb, doc, font)
    _table_sheet(wb, doc, font, "取組一覧", "取組項目別の進捗状況", doc.items,
                 [doc.items.caption + f"　単位：金額は{doc.display_unit}（△は負の値）", doc.grade_legend])
    _table_sheet(wb, doc, font, "定性評価", "定性評価", doc.qualitative, [doc.qualitative.caption])
    _effects(wb, doc, font)
    stamp = datetime.datetime.combine(doc.generated, datetime.time())
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "kaikaku-xl"
    wb.properties.lastModifiedBy = "kaikaku-xl"
    wb.properties.title = doc.title
    wb.properties.language = "ja-JP"
    return wb


def save_deterministic(wb: Workbook, path: Path, day: datetime.date) -> None:
    """Save with every zip entry dated `day` (openpyxl would stamp the current time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            entry.create_system = 0
            target.writestr(entry, source.read(info.filename))
    path.write_bytes(out.getvalue())


def write_xlsx(doc: Document, path: Path, font: str = XLSX_FONT) -> None:
    save_deterministic(build_workbook(doc, font), path, doc.generated)
