"""The ダッシュボード sheet (the manager's one page: figures, two tables, two charts) and the 推移 sheet's charts."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import NumFmt
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import Marker
from openpyxl.chart.series import Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText
from openpyxl.descriptors import Typed
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RichTextProperties
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.sheets import print_setup, protect_sheet, sheet, write_table
from kaikaku_xl.master.titles import DASHBOARD_NOTE, dashboard_title
from kaikaku_xl.palette import EFFECT_SERIES, NOT_GRADED_FILL
from kaikaku_xl.plan import Plan
from kaikaku_xl.plan.scale import GradeScale, text_on
from kaikaku_xl.xlsx.styles import apply
from kaikaku_xl.xlsx.tablespec import TableSpec
from kaikaku_xl.xlsx.textcell import put_value

RATE_AXIS_MAX = 100  # a % measure's axis runs 0–100 (its values are 0〜100 by the 設定 sheet's rules)


def line_axis(
    chart: LineChart,
    *,
    rate: bool,
    number_format: str = "#,##0",
    top: float | None = None,
    bottom: float | None = None,
) -> None:
    """The value axis of a trend chart, by one rule for the master and the council materials: from 0 (never cut
    off below the data), a % measure's up to max(100, its highest value) (`top`), labels with 桁区切り; and a
    marker on every point of every series, so a year with one value (the first plan year) still shows it.
    top/bottom: the highest and lowest value drawn where known (the export's; the master's charts are made
    before their values: 0 and 100)."""
    chart.y_axis.scaling.min = min(0, bottom or 0)
    if rate:
        chart.y_axis.scaling.max = max(RATE_AXIS_MAX, top or 0)
    chart.y_axis.number_format = number_format
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    for k, series in enumerate(chart.series):
        line = series.graphicalProperties.line if series.graphicalProperties is not None else None
        color = line.solidFill if line is not None else None
        # the actual (first) larger than the plan drawn over it: an actual on its planned value still shows
        series.marker = Marker(symbol="circle", size=7 if k == 0 else 4)
        if color is not None:
            series.marker.graphicalProperties = GraphicalProperties(solidFill=color)
            series.marker.graphicalProperties.line.solidFill = color
        series.smooth = False


TREND_PER_ROW, TREND_ROWS = 3, 15  # charts side by side; sheet rows per row of charts (15 × 15 pt = 7.9 cm)
TREND_CHART_CM = (7.0, 10.0)  # height, width: room for the plot under a two-line title
TREND_CHART_ROWS_PER_PAGE = 3  # rows of charts on one printed page (a chart is never cut by a page break)


def _trend_pages(ws: Worksheet, top: int, n: int, last_col: int) -> None:
    """Print the charts, each whole: the print area reaches the last chart (a printer stops at the last cell
    with a value, which cut the charts into strips at the tables' end), the charts start on a page of their
    own, a page holds three rows of them, and their rows keep the default height (so each is its full size)."""
    chart_rows = -(-n // TREND_PER_ROW)
    last_row = top + chart_rows * TREND_ROWS
    ws.row_breaks.append(Break(id=top - 2))
    for r in range(TREND_CHART_ROWS_PER_PAGE, chart_rows, TREND_CHART_ROWS_PER_PAGE):
        ws.row_breaks.append(Break(id=top + r * TREND_ROWS - 1))
    for row in range(top - 1, last_row + 1):
        ws.row_dimensions[row].height = 15
    ws.print_area = f"A1:{get_column_letter(max(last_col, TREND_PER_ROW * 6))}{last_row}"


def _small_text(chart: LineChart) -> None:
    """A 10 pt title and 8 pt horizontal axis labels: at the default sizes the title and the slanted year labels
    left the plot a thin strip."""
    if chart.title is not None and chart.title.tx is not None and chart.title.tx.rich is not None:
        chart.title.tx.rich.p[0].pPr = ParagraphProperties(defRPr=CharacterProperties(sz=1000, b=True))
        chart.title.overlay = False
    for axis in (chart.x_axis, chart.y_axis):
        props = CharacterProperties(sz=800)
        axis.txPr = RichText(
            bodyPr=RichTextProperties(rot=0, vert="horz"),
            p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)],
        )


def write_trend_charts(ws: Worksheet, plan: Plan, layout: c.Layout) -> None:
    """One small line chart per measure (actual against the planned path) over the TrendMeasures rows that
    refresh writes in the plan's measure order (two rows each), anchored below the tables."""
    measures = layout.table(c.TREND_MEASURES_TABLE)
    n = len(plan.measures)
    top = measures.anchor_row + max(len(plan.items), 2 * n) + 3
    left = measures.anchor_col
    first_year = left + 4
    _trend_pages(ws, top, n, first_year + len(layout.years) - 1)
    for k, m in enumerate(plan.measures):
        row = measures.anchor_row + 1 + 2 * k
        chart = LineChart()
        chart.title = f"No.{m.item} {m.name}（{m.unit}）"
        chart.add_data(
            Reference(
                ws,
                min_col=first_year - 1,
                max_col=first_year + len(layout.years) - 1,
                min_row=row,
                max_row=row + 1,
            ),
            from_rows=True,
            titles_from_data=True,
        )
        chart.set_categories(
            Reference(
                ws,
                min_col=first_year,
                max_col=first_year + len(layout.years) - 1,
                min_row=measures.anchor_row,
            )
        )
        chart.height, chart.width = TREND_CHART_CM  # type: ignore[assignment]  # cm: openpyxl takes any number
        line_axis(chart, rate=m.unit == "%")
        _small_text(chart)
        _legend_below(chart)
        ws.add_chart(
            chart,
            f"{get_column_letter(1 + (k % TREND_PER_ROW) * 6)}{top + (k // TREND_PER_ROW) * TREND_ROWS}",
        )


def write_dashboard(wb: Workbook, plan: Plan, layout: c.Layout, protect: bool) -> None:
    """The manager's one page: the title and figures, the grades by policy and the effects by year as tables
    (refresh fills them), and a chart of each below them."""
    ws = sheet(wb, c.SHEET_DASHBOARD)
    _figures(ws, plan)
    grades, effects = layout.table(c.DASHBOARD_GRADES.name), layout.table(c.DASHBOARD_EFFECTS.name)
    n_policy = len(plan.policies)
    n_effect = len(plan.history) + len(layout.plan_years)
    scale = plan.grade_scale or GradeScale()
    write_table(
        ws, grades, [[p.name, *[None] * (len(grades.columns) - 1)] for p in plan.policies], title=False
    )
    write_table(ws, effects, [[None, None] for _ in range(n_effect)], title=False)
    for j, col in enumerate(grades.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = col.width
    ws.column_dimensions["B"].width = 24  # the figures above the table need the room
    chart_row = grades.anchor_row + max(n_policy, n_effect) + 3
    ws.add_chart(_grade_shares(ws, grades, n_policy, scale), f"A{chart_row}")
    ws.add_chart(
        _effects_by_year(ws, effects, n_effect), f"{get_column_letter(effects.anchor_col)}{chart_row}"
    )
    print_setup(ws, grades.anchor_row)
    ws.page_setup.fitToHeight = 1  # the manager's one page
    ws.print_title_rows = None
    if protect:
        protect_sheet(ws)


def _figures(ws: Worksheet, plan: Plan) -> None:
    """The title, its note and the labelled figures (KPI cells) refresh fills."""
    apply(put_value(ws["A1"], dashboard_title(plan.name)), "title")
    apply(put_value(ws["A2"], DASHBOARD_NOTE), "note")
    for kpi in c.DASHBOARD_KPIS:
        apply(put_value(ws[kpi.label_cell], kpi.label), "kpi_label")
        apply(ws[kpi.cell], "kpi", kpi.fmt)


def _grade_shares(ws: Worksheet, grades: TableSpec, n_policy: int, scale: GradeScale) -> BarChart:
    """Each policy's items by grade as 100% stacked bars, in the plan's grade colours (S..D by default), and the
    items without a grade yet (未評価) as a grey band at the end: a year half collected shows as such. Each band
    is labelled with its count (a zero band has no label)."""
    shares = BarChart()
    shares.type, shares.grouping, shares.overlap, shares.gapWidth = "bar", "percentStacked", 100, 60
    shares.title = "基本方針別の評価の割合"
    data = Reference(
        ws,
        min_col=2,
        max_col=len(grades.columns),  # every grade and 未評価
        min_row=grades.anchor_row,
        max_row=grades.anchor_row + n_policy,
    )
    cats = Reference(ws, min_col=1, min_row=grades.anchor_row + 1, max_row=grades.anchor_row + n_policy)
    shares.add_data(data, titles_from_data=True)
    shares.set_categories(cats)
    for series, col in zip(shares.series, grades.columns[1:], strict=True):
        color = NOT_GRADED_FILL if col.header == c.DASHBOARD_NOT_GRADED else scale.fill(col.header)
        if color:
            _fill(series, color)
        series.dLbls = _value_labels(COUNT_LABEL, text_on(color) if color else None)
    _bars_top_down(shares)
    shares.y_axis.number_format = "0%"
    _legend_below(shares)
    shares.height, shares.width = 9, 17
    return shares


# a band's count; nothing for a zero band (its label would sit on its neighbour)
COUNT_LABEL = "#,##0;-#,##0;"


def _effects_by_year(ws: Worksheet, effects: TableSpec, n_effect: int) -> BarChart:
    """The fiscal effect of the earlier plans and of each year of this one, as labelled bars in millions of yen."""
    money = BarChart()
    money.type, money.gapWidth = "bar", 50  # horizontal: the plans' long names read on one line
    money.title = "財政効果額（これまでの計画と本計画の年度別）"
    left = effects.anchor_col
    data = Reference(ws, min_col=left + 1, min_row=effects.anchor_row, max_row=effects.anchor_row + n_effect)
    cats = Reference(ws, min_col=left, min_row=effects.anchor_row + 1, max_row=effects.anchor_row + n_effect)
    money.add_data(data, titles_from_data=True)
    money.set_categories(cats)
    _fill(money.series[0], EFFECT_SERIES[0])
    _bars_top_down(money)
    money.y_axis.number_format = MILLION_YEN
    money.y_axis.title = "百万円"
    money.dataLabels = _value_labels(MILLION_YEN)
    money.legend = None
    money.height, money.width = 9, 19
    return money


MILLION_YEN = '#,##0,,"百万円"'  # yen shown in millions (two thousands separators after the digits)


class _OwnFormatLabels(DataLabelList):
    """Data labels whose number format is their own (sourceLinked="0"): openpyxl writes the format without the
    attribute, and LibreOffice then shows the cells' format (full yen, a zero count) instead."""

    numFmt = Typed(expected_type=NumFmt, allow_none=True)  # type: ignore[assignment]  # an element, not a string
    __elements__ = DataLabelList.__elements__
    __attrs__ = DataLabelList.__attrs__
    __nested__ = tuple(name for name in DataLabelList.__nested__ if name != "numFmt")


def _value_labels(number_format: str, text: str | None = None) -> DataLabelList:
    """Each bar's value, in `number_format`, and nothing else; in the colour `text` (one that reads on the bar)."""
    labels = _OwnFormatLabels(
        numFmt=NumFmt(formatCode=number_format, sourceLinked=False),
        showVal=True,
        showSerName=False,
        showCatName=False,
        showLegendKey=False,
        showPercent=False,
    )
    if text:
        props = CharacterProperties(solidFill=text)
        labels.txPr = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])
    return labels


def _fill(series: Series, color: str) -> None:
    properties = GraphicalProperties(solidFill=color)
    if properties.line is not None:
        properties.line.solidFill = color
    series.graphicalProperties = properties


def _legend_below(chart: BarChart | LineChart) -> None:
    if chart.legend is not None:
        chart.legend.position = "b"


def _bars_top_down(chart: BarChart) -> None:
    """Horizontal bars in the table's order (first row on top), value axis at the bottom, axes shown in Excel."""
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.crosses = "max"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
