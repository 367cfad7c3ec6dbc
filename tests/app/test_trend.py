"""The 年度推移 sheet: grades per year per item, actual against the planned path per measure, one chart each."""

from __future__ import annotations

from pathlib import Path

from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c
from kaikaku_xl.plan import load_plan


def _rows(ws, header_row: int, first_col: int, width: int) -> list[list]:
    out = []
    for row in ws.iter_rows(
        min_row=header_row + 1, min_col=first_col, max_col=first_col + width - 1, values_only=True
    ):
        if any(v is not None for v in row):
            out.append(list(row))
    return out


def test_trend_sheet_matches_the_evaluation(tmp_path: Path) -> None:
    master = make_master(tmp_path, sample=True)
    plan = load_plan()
    wb = load_workbook(master, data_only=True)
    ws = wb[c.SHEET_TREND]
    items_spec = c.trend_items_spec(plan.years)
    measures_spec = c.trend_measures_spec(plan.years, list(range(plan.baseline_year + 1, plan.end_year + 1)))
    items = _rows(ws, items_spec.anchor_row, 1, len(items_spec.columns))
    grades = {r[0]: r[4] for r in wb[c.ITEM_RESULTS.sheet].iter_rows(min_row=4, values_only=True) if r[0]}
    assert len(items) == len(plan.items)
    year_col = 3 + plan.years.index(2026)
    assert {r[0]: r[year_col] for r in items} == grades  # the evaluation year's grade, item by item
    assert all(r[year_col + 1 :] == [None] * (len(plan.years) - plan.years.index(2026) - 1) for r in items)
    measures = _rows(ws, measures_spec.anchor_row, measures_spec.anchor_col, len(measures_spec.columns))
    assert len(measures) == 2 * len(plan.measures)
    evaluation = {r[0]: r for r in wb[c.EVALUATION.sheet].iter_rows(min_row=4, values_only=True) if r[0]}
    column_2026 = 4 + [y for y in range(plan.baseline_year + 1, plan.end_year + 1)].index(2026)
    for actual, planned in zip(measures[::2], measures[1::2], strict=True):
        assert (actual[3], planned[3]) == (c.TREND_ACTUAL, c.TREND_PLANNED) and actual[0] == planned[0]
        assert actual[column_2026] == evaluation[actual[0]][10]  # 実績 of 評価結果
        assert planned[-1] == evaluation[actual[0]][9]  # the path ends at the target
        assert actual[column_2026 + 1] is None  # a later year is not known yet: blank, never 0
    charts = load_workbook(master)[c.SHEET_TREND]._charts
    assert len(charts) == len(plan.measures)


def test_earlier_years_keep_their_own_grades(tmp_path: Path) -> None:
    from helpers.workbook import edit_cells

    from kaikaku_xl.cli.program import main

    master = make_master(tmp_path, sample=True)
    before = {
        r[0]: r[4]
        for r in load_workbook(master, data_only=True)[c.ITEM_RESULTS.sheet].iter_rows(
            min_row=4, values_only=True
        )
        if r[0]
    }
    settings = load_workbook(master)[c.SETTINGS.sheet]
    row = next(
        r for r in range(4, settings.max_row + 1) if settings.cell(row=r, column=1).value == "evaluation_year"
    )
    edit_cells(master, {c.SETTINGS.sheet: {f"C{row}": 2027}})
    assert main(["refresh", str(master)]) == 0
    wb = load_workbook(master, data_only=True)
    items = {r[0]: r for r in wb[c.SHEET_TREND].iter_rows(min_row=4, values_only=True) if r[0]}
    now = {r[0]: r[4] for r in wb[c.ITEM_RESULTS.sheet].iter_rows(min_row=4, values_only=True) if r[0]}
    assert {k: v[3] for k, v in items.items()} == before  # 2026 as it was evaluated
    assert {k: v[4] for k, v in items.items()} == now  # 2027 = the new evaluation year
