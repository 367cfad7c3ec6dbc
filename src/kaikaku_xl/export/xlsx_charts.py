"""The native charts of the report workbook (openpyxl): each reads a small block of data written right of the
print area (so Excel and LibreOffice draw them from the sheet itself), in the print font and the palette's
colours. Used by the 概要 and 財政効果額 sheets (xlsx.py) and the 年度推移 sheet (trend_xlsx.py)."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.drawing.text import Font as DrawingFont
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl.export.cells import AMOUNT_FORMAT, Cell
from kaikaku_xl.export.view import Document
from kaikaku_xl.export.xlsx_sheet import SheetWriter
from kaikaku_xl.palette import BLUE, EFFECT_SERIES, SERIES_OUTLINE

CHART_DATA_COLUMN = 12  # グラフ用データ: at least here, and always two columns right of the printed tables


def data_column(s: SheetWriter) -> int:
    """The first column of the chart data: right of the print area and of every merged note (a note spans the
    table columns, and a merged cell cannot take a value)."""
    return max(CHART_DATA_COLUMN, len(s.widths) + 2)


def _rich(font: str, size: int = 900) -> RichText:
    props = CharacterProperties(sz=size, latin=DrawingFont(typeface=font), ea=DrawingFont(typeface=font))
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def style_chart(chart: BarChart | LineChart, font: str) -> None:
    """Axes, title and legend in the print font (the chart's own default would be Calibri)."""
    for axis in (chart.x_axis, chart.y_axis):
        axis.txPr = _rich(font)
        axis.delete = False
    title = chart.title
    if title is not None:
        rich = title.tx.rich if title.tx is not None else None  # a title given as text has its rich text
        if rich is not None:
            rich.p[0].pPr = ParagraphProperties(
                defRPr=CharacterProperties(
                    sz=1100, b=True, latin=DrawingFont(typeface=font), ea=DrawingFont(typeface=font)
                )
            )
        title.overlay = False
    if chart.legend is not None:
        chart.legend.txPr = _rich(font)
        chart.legend.position = "b"


def color(series: Series, fill: str, line: str | None = None) -> None:
    series.graphicalProperties = GraphicalProperties(solidFill=fill)
    series.graphicalProperties.line.solidFill = line or fill


def chart_data(
    s: SheetWriter, row: int, title: str, header: list[str], rows: list[list[object]]
) -> tuple[int, int]:
    """A small block of chart data right of the print area; returns (header row, last row)."""
    col = data_column(s)
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


def plot(chart: BarChart | LineChart, s: SheetWriter, head: int, last: int, series: int) -> None:
    """Give `chart` the block chart_data wrote: categories in its first column, `series` columns beside them."""
    col = data_column(s)
    chart.add_data(
        Reference(s.ws, min_col=col + 1, max_col=col + series, min_row=head, max_row=last),
        titles_from_data=True,
    )
    chart.set_categories(Reference(s.ws, min_col=col, min_row=head + 1, max_row=last))


def _floor(series: Iterable[list[float | None]]) -> float | None:
    """A money axis's low end: 0, or automatic when a value is below 0 (the axis then shows it)."""
    return None if any(v is not None and v < 0 for vs in series for v in vs) else 0


def grade_share_chart(ws: Worksheet, doc: Document, font: str, head: int, first: int, last: int) -> BarChart:
    """基本方針別の評価構成比: stacked bars drawn from the grade_shares table itself (rows head..last)."""
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
            color(series, doc.scale.fill(g))
    style_chart(chart, font)
    chart.width, chart.height = 24, 11
    return chart


def effect_year_chart(s: SheetWriter, doc: Document, font: str) -> tuple[BarChart, int]:
    """年度別の財政効果額 (実績 and 計画 side by side); returns the chart and the last row of its data."""
    ec = doc.effect_year_chart
    names = list(ec.series)
    head, last = chart_data(
        s,
        1,
        f"グラフ用データ（単位：{doc.display_unit}）",
        ["年度", *names],
        [[c, *(ec.series[n][i] for n in names)] for i, c in enumerate(ec.categories)],
    )
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = "年度別の財政効果額（指標分の実績・計画）"
    chart.y_axis.title = f"単年度効果額（{doc.display_unit}）"
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.scaling.min = _floor(ec.series.values())  # money from 0: bars are never cut off
    plot(chart, s, head, last, len(names))
    for series, fill in zip(chart.series, EFFECT_SERIES[:2], strict=False):
        color(series, fill, SERIES_OUTLINE)
    style_chart(chart, font)
    chart.width, chart.height = 14, 8.5
    return chart, last


def history_chart(s: SheetWriter, doc: Document, font: str, data_row: int) -> BarChart:
    """これまでの財政効果額と本計画の累計, each bar labelled with its value."""
    hc = doc.history_chart
    name = next(iter(hc.series))
    head, last = chart_data(
        s, data_row, "", ["計画", name], [[c, hc.series[name][i]] for i, c in enumerate(hc.categories)]
    )
    hist = BarChart()
    hist.type = "col"
    hist.title = "これまでの財政効果額と本計画の累計"
    hist.y_axis.title = f"財政効果額（{doc.display_unit}）"
    hist.y_axis.number_format = "#,##0"
    hist.y_axis.scaling.min = _floor(hc.series.values())
    plot(hist, s, head, last, 1)
    color(hist.series[0], BLUE, SERIES_OUTLINE)
    hist.legend = None
    hist.dataLabels = DataLabelList(
        showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False
    )
    hist.dataLabels.txPr = _rich(font, 800)
    style_chart(hist, font)
    hist.width, hist.height = 14, 8.5
    return hist
