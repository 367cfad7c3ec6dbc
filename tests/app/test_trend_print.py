"""Issue 20: the master's 年度推移 sheet prints every chart whole: the print area reaches the last chart (the
printer stopped at the tables' last cell and cut the charts into strips), the charts start on a page of their own
and no page break cuts one; every chart has markers and a value axis from 0."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from kaikaku_xl.app.init import create_master
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.dashboard import TREND_CHART_ROWS_PER_PAGE, TREND_PER_ROW, TREND_ROWS
from kaikaku_xl.plan import load_plan


def test_the_trend_sheet_prints_every_chart_whole(tmp_path: Path) -> None:
    plan = load_plan()
    path = tmp_path / "m.xlsx"
    create_master(plan, path, sample=True, force=True, now=datetime(2027, 4, 1, 9, 0))
    ws = load_workbook(path)[c.SHEET_TREND]
    area = ws.print_area
    assert area, "the 年度推移 sheet has a print area"
    last_row = int(re.search(r"\$?[A-Z]+\$?(\d+)$", area.split(":")[-1]).group(1))
    anchors = sorted(ch.anchor._from.row + 1 for ch in ws._charts)  # 1-based first rows
    assert len(anchors) == len(plan.measures)
    assert anchors[-1] + TREND_ROWS - 1 <= last_row  # the last chart is inside the print area
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    assert breaks and breaks[0] < anchors[0]  # the charts start on a page of their own
    tops = sorted(set(anchors))
    for b in breaks:  # no break falls inside a chart
        assert not any(top <= b < top + TREND_ROWS - 1 for top in tops)
    rows_of_charts = -(-len(plan.measures) // TREND_PER_ROW)
    assert len(breaks) == 1 + (rows_of_charts - 1) // TREND_CHART_ROWS_PER_PAGE
