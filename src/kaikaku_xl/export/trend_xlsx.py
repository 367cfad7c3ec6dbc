"""The 年度推移 sheet of the council workbook (and so a page of the PDF LibreOffice renders from it): the grade
table, the actual/plan table and one small native line chart per measure, its data right of the print area."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import LineChart
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from kaikaku_xl.export.view import Document
from kaikaku_xl.export.xlsx_charts import chart_data, plot, style_chart
from kaikaku_xl.export.xlsx_sheet import SheetWriter, page_setup, sheet_widths, title_block
from kaikaku_xl.master.dashboard import line_axis
from kaikaku_xl.palette import BLUE, DARK_GREY
from kaikaku_xl.plan.numformat import number_format
from kaikaku_xl.textfit import TextMetrics

SHEET = "年度推移"
PER_ROW = 3  # charts side by side
CHART_W, CHART_H = 9.5, 6.3  # cm
ROWS_PER_CHART = 15  # sheet rows a chart takes (default row height)
CM_PER_WIDTH = 0.19  # one unit of Excel's column width (7 px of 96 dpi), roughly
CHART_ROWS_PER_PAGE = 3  # rows of charts on one landscape A4 page (a chart is never cut by a page break)


def _anchor_columns(widths: list[float]) -> list[int]:
    """The column where each chart of a row starts (1-based): the first column boundary a chart's width (and a
    small gap) after the previous chart's start."""
    starts, total, start_at = [1], 0.0, 0.0
    for col, width in enumerate(widths, start=1):
        total += width * CM_PER_WIDTH
        if len(starts) < PER_ROW and total - start_at >= CHART_W + 0.3:
            starts.append(col + 1)
            start_at = total
    while len(starts) < PER_ROW:
        starts.append(starts[-1] + 4)
    return starts


def write_trend_sheet(wb: Workbook, doc: Document, font: str, metrics: TextMetrics) -> None:
    trend = doc.trend
    if trend is None:
        return
    ws = wb.create_sheet(SHEET)
    widths = sheet_widths([trend.items, trend.measures], metrics)
    s = SheetWriter(ws, font, widths, metrics)
    title_block(s, doc, "年度推移")
    s.table(trend.items)
    s.table(trend.measures)
    ws.row_breaks.append(Break(id=s.row - 1))  # the charts start on a page of their own
    s.line("指標ごとの実績と計画値のグラフ", size=12, bold=True)
    top = s.row
    starts = _anchor_columns(widths)
    data_row = 1
    for k, one in enumerate(trend.charts):
        head, last = chart_data(
            s,
            data_row,
            one.title,
            ["年度", "実績", "計画値"],
            [[c, a, p] for c, a, p in zip(one.categories, one.actual, one.planned, strict=True)],
        )
        data_row = last + 2
        chart = LineChart()
        chart.title = f"{one.title}（{one.unit}）"
        plot(chart, s, head, last, 2)
        for series, color, dash in zip(chart.series, (BLUE, DARK_GREY), ("solid", "dash"), strict=False):
            series.graphicalProperties.line.solidFill = color
            series.graphicalProperties.line.prstDash = dash
            series.graphicalProperties.line.width = 22000
        values = one.values
        line_axis(  # never "#,##0.##": Excel shows 1,023. with a dot
            chart,
            rate=one.rate,
            number_format=number_format(one.decimals),
            top=max(values, default=None),
            bottom=min(values, default=None),
        )
        style_chart(chart, font)
        if chart.legend is not None:
            chart.legend.position = "b"
        chart.width = CHART_W  # type: ignore[assignment]  # cm: openpyxl's stubs say int, openpyxl takes any number
        chart.height = CHART_H
        row = top + (k // PER_ROW) * ROWS_PER_CHART
        if k and k % (PER_ROW * CHART_ROWS_PER_PAGE) == 0:
            ws.row_breaks.append(
                Break(id=row - 2)
            )  # a blank row above: a chart frame never peeks above the break
        ws.add_chart(chart, f"{get_column_letter(starts[k % PER_ROW])}{row}")
    s.row = top + -(-len(trend.charts) // PER_ROW) * ROWS_PER_CHART
    ws.print_area = f"A1:{get_column_letter(len(widths))}{s.row}"
    page_setup(ws, doc, font)
