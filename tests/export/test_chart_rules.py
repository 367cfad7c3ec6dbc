"""Issue 20: trend charts show every point (a first plan year with one actual is a marker, not nothing), label
their value axis with 桁区切り and follow one axis rule: from 0, a % measure's up to max(100, the data). The same
rule in the council workbook's native charts, the web page's SVG charts and the master's 年度推移 charts."""

from __future__ import annotations

import base64
import re
import zipfile
from pathlib import Path

from helpers.export import GENERATED, make_inputs
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference

from kaikaku_xl.export.charts import line_chart, value_axis
from kaikaku_xl.export.trend_view import TrendData
from kaikaku_xl.export.view import build_document
from kaikaku_xl.export.xlsx import write_xlsx
from kaikaku_xl.master.dashboard import line_axis


def test_a_series_of_one_point_is_drawn_as_a_marker() -> None:
    svg = line_chart(
        ["2026", "2027", "2028"], {"実績": [120.0, None, None], "計画値": [100.0, 150.0, 200.0]}, "t", "件"
    )
    actual_marks = re.findall(r'<circle cx="[^"]+" cy="[^"]+" r="3" fill="([^"]+)"', svg)
    assert len(actual_marks) == 4  # the one actual and the three planned values
    assert svg.count("<polyline") == 1  # the single actual makes no line: its marker shows it


def test_the_value_axis_starts_at_zero_and_a_rate_runs_to_a_hundred() -> None:
    assert value_axis([4_031_724_014.0, 4_000_000_000.0], rate=False)[0] == 0
    lo, hi, _step = value_axis([10.0, 30.0], rate=True)
    assert (lo, hi) == (0, 100)
    assert value_axis([10.0, 130.0], rate=True)[1] >= 130
    assert value_axis([-5.0, 30.0], rate=False)[0] < 0  # a value below 0 is never cut off


def test_axis_labels_have_thousands_separators() -> None:
    svg = line_chart(
        ["2025", "2026"], {"実績": [39757.0, 38206.0], "計画値": [39757.0, 36000.0]}, "t", "時間"
    )
    labels = re.findall(r">([\d,.]+)</text>", svg)
    assert "40,000" in labels and "0" in labels


def _chart_xml(path: Path, sheet_charts: int) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        charts = sorted(n for n in zf.namelist() if n.startswith("xl/charts/chart"))
        return [zf.read(n).decode() for n in charts if b"lineChart" in zf.read(n)][:sheet_charts]


def test_the_council_workbook_trend_charts_have_markers_separators_and_the_axis_rule(tmp_path: Path) -> None:
    plan, report, statuses = make_inputs()
    years = [2025, 2026, 2027, 2028, 2029, 2030]
    trend = TrendData(
        plan_years=[2026],
        years=years,
        items=[],
        measures=[
            ["12-1", "例規見直し率", "%", "実績", None, 30.0, None, None, None, None],  # one point: 2026
            ["12-1", "例規見直し率", "%", "計画値", 16.7, 33.3, 50.0, 66.7, 83.3, 100.0],
            ["2-1", "人件費", "円", "実績", None, 4_017_448_208.0, None, None, None, None],
            [
                "2-1",
                "人件費",
                "円",
                "計画値",
                4_026_000_000.0,
                4_021_000_000.0,
                4_015_000_000.0,
                None,
                None,
                None,
            ],
        ],
        decimals={"12-1": 1},
    )
    doc = build_document(plan, report, statuses, display_unit="円", generated=GENERATED, trend=trend)
    path = tmp_path / "r.xlsx"
    write_xlsx(doc, path)
    rate, money = _chart_xml(path, 2)
    for xml in (rate, money):
        assert (
            len(re.findall(r'<(?:c:)?marker><(?:c:)?symbol val="circle"/>', xml)) == 2
        )  # both series, every point
        assert re.search(r'<(?:c:)?valAx>.*<(?:c:)?min val="0', xml, re.S)
    assert re.search(r'<(?:c:)?max val="100', rate) and 'formatCode="#,##0.0"' in rate
    assert "<c:max val=" not in money and 'formatCode="#,##0"' in money


def test_the_masters_trend_charts_follow_the_same_rule() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["", 1, 2])
    chart = LineChart()
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=1), titles_from_data=True)
    line_axis(chart, rate=True)
    assert chart.y_axis.scaling.min == 0 and chart.y_axis.scaling.max == 100
    assert chart.y_axis.number_format.formatCode == "#,##0"
    assert all(s.marker is not None and s.marker.symbol == "circle" for s in chart.series)


def test_the_html_trend_chart_of_a_rate_runs_to_a_hundred(tmp_path: Path) -> None:
    from kaikaku_xl.export.html import render_html

    plan, report, statuses = make_inputs()
    trend = TrendData(
        plan_years=[2026],
        years=[2026, 2027],
        items=[],
        measures=[
            ["12-1", "例規見直し率", "%", "実績", 30.0, None],
            ["12-1", "例規見直し率", "%", "計画値", 33.3, 50.0],
        ],
        decimals={"12-1": 1},
    )
    html = render_html(
        build_document(plan, report, statuses, display_unit="円", generated=GENERATED, trend=trend)
    )
    section = html[html.index('id="h-trend"') :]
    svg = base64.b64decode(re.search(r"base64,([^\"]+)", section).group(1)).decode()
    assert ">100<" in svg and ">0<" in svg
