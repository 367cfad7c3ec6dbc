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
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from kaikaku_xl.export.cells import Cell, Table, date_label
from kaikaku_xl.export.opinions_view import TITLE as OPINIONS_TITLE
from kaikaku_xl.export.trend_xlsx import write_trend_sheet
from kaikaku_xl.export.view import Document
from kaikaku_xl.export.xlsx_charts import (
    data_column,
    effect_year_chart,
    grade_share_chart,
    history_chart,
)
from kaikaku_xl.export.xlsx_sheet import (
    BODY_SIZE,
    SheetWriter,
    header_text,
    page_setup,
    sheet_widths,
    title_block,
)
from kaikaku_xl.palette import PRINT_FONT
from kaikaku_xl.textfit import EXCEL, TextMetrics, line_count
from kaikaku_xl.xlsx.limits import check_row_limit

XLSX_FONT = PRINT_FONT  # the PDF is rendered from a copy that names a font installed where LibreOffice runs


def _cover(wb: Workbook, doc: Document, font: str, metrics: TextMetrics) -> None:
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
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
        ("", BODY_SIZE, False, 12),
        (doc.verification, 12, doc.provisional, 22),  # 推進本部にて確認 / 速報（推進本部確認前）
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


def _summary(wb: Workbook, doc: Document, font: str, metrics: TextMetrics) -> None:
    ws = wb.create_sheet("概要")
    widths = sheet_widths(doc.summary, metrics)
    s = SheetWriter(ws, font, widths, metrics)
    title_block(s, doc, "評価の概要")
    s.line(doc.grade_legend, size=9)
    s.row += 1
    positions = {}
    for table in doc.summary:
        positions[table.key] = s.table(table)
    head, first, last = positions["grade_shares"]
    chart = grade_share_chart(ws, doc, font, head, first, last)
    ws.row_breaks.append(Break(id=s.row - 1))  # the chart on a page of its own, never cut in two
    s.line("基本方針別の評価構成比（グラフ）", size=12, bold=True)
    ws.add_chart(chart, f"A{s.row}")
    s.row += 24
    ws.print_area = f"A1:{get_column_letter(len(widths))}{s.row}"
    page_setup(ws, doc, font)


def _paragraph(s: SheetWriter, value: str) -> None:
    """A paragraph spanning the sheet's width (merged, wrapped), in the body size."""
    width, span = sum(s.widths), len(s.widths)
    s.put(s.row, 1, Cell(value, wrap=True), border=False, width=width)
    if span > 1:
        s.ws.merge_cells(start_row=s.row, start_column=1, end_row=s.row, end_column=span)
    s.ws.row_dimensions[s.row].height = s.height(line_count(s.shown(value, width), width, s.metrics))
    s.row += 1


def _overview(wb: Workbook, doc: Document, font: str, metrics: TextMetrics) -> None:
    """総括 (issue 23): a heading and a paragraph each, across the width of the summary's tables."""
    if not doc.overview:
        return
    ws = wb.create_sheet("総括")
    widths = sheet_widths(doc.summary, metrics)
    s = SheetWriter(ws, font, widths, metrics)
    title_block(s, doc, "総括")
    for p in doc.overview:
        s.line(p.heading, size=12, bold=True)
        _paragraph(s, p.text)
        s.row += 1
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
    title_block(s, doc, heading)
    for line in legend:
        s.line(line, size=9)
    head, _first, _last = s.table(table, caption=False)
    ws.freeze_panes = ws.cell(row=head + 1, column=3)
    ws.print_area = f"A1:{get_column_letter(len(widths))}{s.row}"
    page_setup(ws, doc, font, title_rows=f"{head}:{head}")


def _effects(wb: Workbook, doc: Document, font: str, metrics: TextMetrics) -> None:
    ws = wb.create_sheet("財政効果額")
    tables = [t for t in doc.effects if t.key != "effects_by_measure"]
    widths = sheet_widths(tables, metrics)
    s = SheetWriter(ws, font, widths, metrics)
    for i in range(3):
        ws.column_dimensions[get_column_letter(data_column(s) + i)].width = 14
    title_block(s, doc, "財政効果額")
    for table in tables:
        s.table(table)
    s.line("財政効果額のグラフ", size=12, bold=True)
    anchor = s.row

    chart, last = effect_year_chart(s, doc, font)
    ws.add_chart(chart, f"A{anchor}")
    ws.add_chart(history_chart(s, doc, font, last + 2), f"D{anchor}")
    s.row += 19
    ws.print_area = f"A1:{get_column_letter(len(widths))}{s.row}"
    page_setup(ws, doc, font)

    detail = next(t for t in doc.effects if t.key == "effects_by_measure")
    _table_sheet(wb, doc, font, metrics, "効果額内訳", "指標別の財政効果額", detail, [detail.caption])


def _period(wb: Workbook, doc: Document, font: str, metrics: TextMetrics) -> None:
    """計画期間の総括評価 (the plan's last year only): the counts per 基本方針, then the items."""
    ws = wb.create_sheet("計画期間の総括評価")
    widths = sheet_widths(doc.period_review, metrics)
    s = SheetWriter(ws, font, widths, metrics)
    title_block(s, doc, "計画期間の総括評価")
    for table in doc.period_review:
        s.table(table)
    ws.print_area = f"A1:{get_column_letter(len(widths))}{s.row}"
    page_setup(ws, doc, font)


def build_workbook(doc: Document, font: str = XLSX_FONT, metrics: TextMetrics = EXCEL) -> Workbook:
    wb = Workbook()
    _cover(wb, doc, font, metrics)
    _overview(wb, doc, font, metrics)
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
    write_trend_sheet(wb, doc, font, metrics)
    if doc.revisions is not None:
        _table_sheet(
            wb, doc, font, metrics, "計画の見直し", "計画の見直し", doc.revisions, [doc.revisions.caption]
        )
    if doc.period_review:
        _period(wb, doc, font, metrics)
    if doc.opinions is not None:  # 懇談会からの意見と市の対応
        _table_sheet(
            wb, doc, font, metrics, "懇談会意見", OPINIONS_TITLE, doc.opinions, [doc.opinions.caption]
        )
    stamp_pages(wb, doc, font)  # after every sheet: each printed page carries the line
    stamp = datetime.datetime.combine(doc.generated, datetime.time())
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "kaikaku-xl"
    wb.properties.lastModifiedBy = "kaikaku-xl"
    wb.properties.title = doc.title
    wb.properties.language = "ja-JP"
    return wb


def stamp_pages(wb: Workbook, doc: Document, font: str) -> None:
    """The 推進本部's verification (or 速報（推進本部確認前）) in the centre of every sheet's page header: every page
    of the printout and of the PDF rendered from this workbook carries it."""
    for ws in wb.worksheets:
        head = ws.oddHeader
        assert head is not None  # openpyxl gives every worksheet one
        head.center.text = header_text(doc.verification)
        head.center.size = 9
        head.center.font = font + (",Bold" if doc.provisional else "")
        ws.page_margins.header = 0.3


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
