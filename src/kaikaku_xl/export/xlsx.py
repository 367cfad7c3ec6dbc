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
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.drawing.text import Font as DrawingFont
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.writer.excel import ExcelWriter

from ..palette import (
    BLUE,
    EFFECT_SERIES,
    PRINT_FONT,
    SERIES_OUTLINE,
)
from ..textfit import EXCEL, LIBREOFFICE, TextMetrics, line_count, text_width  # noqa: F401  (re-exported)
from ..workbook.limits import check_row_limit
from .view import AMOUNT_FORMAT, Cell, Document, Table, date_label
from .xlsx_sheet import BODY_SIZE, SheetWriter, page_setup, sheet_widths

XLSX_FONT = PRINT_FONT  # the PDF is rendered from a copy that names a font installed where LibreOffice runs
CHART_DATA_COLUMN = 12  # グラフ用データ: right of the printed tables, outside the print area


def _cover(wb: Workbook, doc: Document, font: str, metrics: TextMetrics) -> None:
    ws = wb.active
    ws.title = "表紙"
    widths = [14.0] * 10
    s = SheetWriter(ws, font, widths, metrics)
    lines: list[tuple[str, int, bool, float]] = [
        ("", BODY_SIZE, False, 40),
        (doc.city, 16, False, 30),
        ("", BODY_SIZE, False, 20),
        (doc.plan_name, 26, True, 44),
    ]
    if doc.subtitle:
        lines.append((f"（{doc.subtitle}）", 13, False, 24))
    lines += [
        ("", BODY_SIZE, False, 30),
        ("取組状況報告書", 24, True, 40),
        ("", BODY_SIZE, False, 12),
        (doc.evaluation_label, 18, False, 30),
        ("", BODY_SIZE, False, 30),
        (f"計画期間　{doc.period_label}", 12, False, 22),
        ("", BODY_SIZE, False, 60),
        (f"作成日　{date_label(doc.generated)}", 12, False, 22),
        (doc.city, 14, False, 26),
    ]
    for value, size, bold, height in lines:
        if value:
            s.put(
                s.row,
                1,
                Cell(value, align="center", wrap=False),
                font=s._font(size=size, bold=bold),
                border=False,
            )
            ws.merge_cells(start_row=s.row, start_column=1, end_row=s.row, end_column=len(widths))
        ws.row_dimensions[s.row].height = height
        s.row += 1
    ws.print_area = f"A1:{get_column_letter(len(widths))}{s.row}"
    page_setup(ws, doc, font, footer=False, fit_height=1)
    ws.print_options.verticalCentered = True


def _title_block(s: SheetWriter, doc: Document, heading: str) -> None:
    s.line(f"{doc.plan_name}　{heading}", size=14, bold=True)
    s.line(f"{doc.city}　{doc.evaluation_label}　作成日 {date_label(doc.generated)}", size=9)


def _rich(font: str, size: int = 900) -> RichText:
    props = CharacterProperties(sz=size, latin=DrawingFont(typeface=font), ea=DrawingFont(typeface=font))
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _style_chart(chart: BarChart, font: str) -> None:
    for axis in (chart.x_axis, chart.y_axis):
        axis.txPr = _rich(font)
        axis.delete = False
    if chart.title is not None:
        chart.title.tx.rich.p[0].pPr = ParagraphProperties(
            defRPr=CharacterProperties(
                sz=1100, b=True, latin=DrawingFont(typeface=font), ea=DrawingFont(typeface=font)
            )
        )
        chart.title.overlay = False
    if chart.legend is not None:
        chart.legend.txPr = _rich(font)
        chart.legend.position = "b"


def _color(series: object, fill: str, line: str | None = None) -> None:
    series.graphicalProperties = GraphicalProperties(solidFill=fill)  # type: ignore[attr-defined]
    series.graphicalProperties.line.solidFill = line or fill  # type: ignore[attr-defined]


def _summary(wb: Workbook, doc: Document, font: str, metrics: TextMetrics) -> None:
    ws = wb.create_sheet("概要")
    widths = sheet_widths(doc.summary, metrics)
    s = SheetWriter(ws, font, widths, metrics)
    _title_block(s, doc, "評価の概要")
    s.line(doc.grade_legend, size=9)
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
    chart.y_axis.title = "構成比"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorUnit = 0.2
    chart.y_axis.number_format = "0%"
    chart.x_axis.scaling.orientation = "maxMin"  # first policy on top, as in the table
    labels = doc.scale.labels
    chart.add_data(
        Reference(ws, min_col=2, max_col=1 + len(labels), min_row=head, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    for series, g in zip(chart.series, labels, strict=True):
        if doc.scale.fill(g):
            _color(series, doc.scale.fill(g))
    _style_chart(chart, font)
    chart.width, chart.height = 24, 11
    ws.row_breaks.append(Break(id=s.row - 1))  # the chart on a page of its own, never cut in two
    s.line("基本方針別の評価構成比（グラフ）", size=12, bold=True)
    ws.add_chart(chart, f"A{s.row}")
    s.row += 24
    ws.print_area = f"A1:{get_column_letter(len(widths))}{s.row}"
    page_setup(ws, doc, font)


def _table_sheet(
    wb: Workbook,
    doc: Document,
    font: str,
    metrics: TextMetrics,
    name: str,
    heading: str,
    table: Table,
    legend: list[str],
) -> None:
    ws = wb.create_sheet(name)
    widths = sheet_widths([table], metrics)
    s = SheetWriter(ws, font, widths, metrics)
    _title_block(s, doc, heading)
    for line in legend:
        s.line(line, size=9)
    head, _first, _last = s.table(table, caption=False)
    ws.freeze_panes = ws.cell(row=head + 1, column=3)
    ws.print_area = f"A1:{get_column_letter(len(widths))}{s.row}"
    page_setup(ws, doc, font, title_rows=f"{head}:{head}")


def _chart_data(
    s: SheetWriter, row: int, title: str, header: list[str], rows: list[list[object]]
) -> tuple[int, int]:
    """A small block of chart data right of the print area; returns (header row, last row)."""
    col = CHART_DATA_COLUMN
    s.put(row, col, Cell(title, wrap=False), font=s._font(size=9, bold=True), border=False)
    for j, h in enumerate(header):
        s.put(row + 1, col + j, Cell(h, wrap=False), font=s._font(size=9, bold=True))
    for i, values in enumerate(rows, start=row + 2):
        for j, v in enumerate(values):
            if v is None:
                s.put(i, col + j, Cell(""), font=s._font(size=9))
            elif isinstance(v, int | float):
                s.put(
                    i,
                    col + j,
                    Cell(str(v), number=v, number_format=AMOUNT_FORMAT, align="right", wrap=False),
                    font=s._font(size=9),
                )
            else:
                s.put(i, col + j, Cell(str(v), wrap=False), font=s._font(size=9))
    return row + 1, row + 1 + len(rows)


def _effects(wb: Workbook, doc: Document, font: str, metrics: TextMetrics) -> None:
    ws = wb.create_sheet("財政効果額")
    tables = [t for t in doc.effects if t.key != "effects_by_measure"]
    widths = sheet_widths(tables, metrics)
    s = SheetWriter(ws, font, widths, metrics)
    for i in range(3):
        ws.column_dimensions[get_column_letter(CHART_DATA_COLUMN + i)].width = 14
    _title_block(s, doc, "財政効果額")
    for table in tables:
        s.table(table)
    s.line("財政効果額のグラフ", size=12, bold=True)
    anchor = s.row

    ec, hc = doc.effect_year_chart, doc.history_chart
    names = list(ec["series"])
    head, last = _chart_data(
        s,
        1,
        f"グラフ用データ（単位：{doc.display_unit}）",
        ["年度", *names],
        [[c, *(ec["series"][n][i] for n in names)] for i, c in enumerate(ec["categories"])],
    )
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = "年度別の財政効果額（実績・計画）"
    chart.y_axis.title = f"単年度効果額（{doc.display_unit}）"
    chart.y_axis.number_format = "#,##0"
    chart.add_data(
        Reference(
            ws,
            min_col=CHART_DATA_COLUMN + 1,
            max_col=CHART_DATA_COLUMN + len(names),
            min_row=head,
            max_row=last,
        ),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=CHART_DATA_COLUMN, min_row=head + 1, max_row=last))
    for series, color in zip(chart.series, EFFECT_SERIES[:2], strict=False):
        _color(series, color, SERIES_OUTLINE)
    _style_chart(chart, font)
    chart.width, chart.height = 14, 8.5
    ws.add_chart(chart, f"A{anchor}")

    name = next(iter(hc["series"]))
    head, last = _chart_data(
        s, last + 2, "", ["計画", name], [[c, hc["series"][name][i]] for i, c in enumerate(hc["categories"])]
    )
    hist = BarChart()
    hist.type = "col"
    hist.title = "これまでの財政効果額と本計画の累計"
    hist.y_axis.title = f"財政効果額（{doc.display_unit}）"
    hist.y_axis.number_format = "#,##0"
    hist.add_data(
        Reference(ws, min_col=CHART_DATA_COLUMN + 1, min_row=head, max_row=last), titles_from_data=True
    )
    hist.set_categories(Reference(ws, min_col=CHART_DATA_COLUMN, min_row=head + 1, max_row=last))
    _color(hist.series[0], BLUE, SERIES_OUTLINE)
    hist.legend = None
    hist.dataLabels = DataLabelList(
        showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False
    )
    hist.dataLabels.txPr = _rich(font, 800)
    _style_chart(hist, font)
    hist.width, hist.height = 14, 8.5
    ws.add_chart(hist, f"D{anchor}")
    s.row += 19
    ws.print_area = f"A1:{get_column_letter(len(widths))}{s.row}"
    page_setup(ws, doc, font)

    detail = next(t for t in doc.effects if t.key == "effects_by_measure")
    _table_sheet(wb, doc, font, metrics, "効果額内訳", "指標別の財政効果額", detail, [detail.caption])


def build_workbook(doc: Document, font: str = XLSX_FONT, metrics: TextMetrics = EXCEL) -> Workbook:
    wb = Workbook()
    _cover(wb, doc, font, metrics)
    _summary(wb, doc, font, metrics)
    _table_sheet(
        wb,
        doc,
        font,
        metrics,
        "取組一覧",
        "取組項目別の進捗状況",
        doc.items,
        [doc.items.caption + f"　金額の単位：{doc.display_unit}（△は負の値）", doc.grade_legend],
    )
    _table_sheet(wb, doc, font, metrics, "定性評価", "定性評価", doc.qualitative, [doc.qualitative.caption])
    _effects(wb, doc, font, metrics)
    from .trend_xlsx import write_trend_sheet  # builds on this module's sheet writer

    write_trend_sheet(wb, doc, font, metrics)
    if doc.revisions is not None:
        _table_sheet(
            wb, doc, font, metrics, "計画の見直し", "計画の見直し", doc.revisions, [doc.revisions.caption]
        )
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


def write_xlsx(doc: Document, path: Path, font: str = XLSX_FONT, metrics: TextMetrics = EXCEL) -> None:
    wb = build_workbook(doc, font, metrics)
    for ws in wb.worksheets:  # openpyxl writes any row number; Excel would not open the file
        check_row_limit(f"書き出すブックのシート「{ws.title}」", ws.max_row)
    save_deterministic(wb, path, doc.generated)
