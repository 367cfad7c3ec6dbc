"""Issue 20 (polish): the dashboard's grade table counts each 基本方針's items per grade and those running without a
grade (未評価, the chart's grey band), so a year half collected does not look complete. The counts are checked
against `report --json`'s items (the oracle): with the default scale, with a plan's own scale, and on a master
made when the table held shares (refresh gives it the column)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from helpers.workbook import make_master
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, range_boundaries

from kaikaku_xl.app.init import create_master
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract import layout as layout_module
from kaikaku_xl.palette import NOT_GRADED_FILL
from kaikaku_xl.plan import load_plan
from kaikaku_xl.plan.scale import (
    BASIS_OTHERWISE,
    BASIS_PROGRESS,
    EXCLUDED,
    GRADES,
    NOT_GRADED,
    Grade,
    GradeScale,
)
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.tablespec import FMT_INT, FMT_PCT, Column, TableSpec
from kaikaku_xl.years import year_header


def _kaikaku(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", *args], capture_output=True, text=True, timeout=400
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _blank_actuals(master: Path) -> int:
    """Leave every other measure's actual of the evaluation year blank in 実績, as a clerk who has not typed them
    yet (the file engine's patch keeps the charts); the number of cells blanked."""
    year = json.loads(_kaikaku("report", "--json", str(master)))["plan"]["evaluation_year"]
    ws = load_workbook(master)["実績"]
    left, top, right, bottom = range_boundaries(ws.tables[c.ACTUALS_TABLE].ref)
    col = next(j for j in range(left, right + 1) if ws.cell(top, j).value == year_header(year))
    cells = {(r, col): None for r in range(top + 1, bottom + 1, 2) if ws.cell(r, col).value is not None}
    engine = FileEngine(master)
    with engine.writing():
        engine.patch_cells("実績", cells)
        engine.commit()
    return len(cells)


def _table(master: Path, name: str) -> tuple[list[Any], list[list[Any]], list[list[str]], str]:
    """(header, rows, the rows' number formats, ref) of a dashboard table as the file has it."""
    ws = load_workbook(master)[c.SHEET_DASHBOARD]
    ref = ws.tables[name].ref
    cells = [list(row) for row in ws[ref]]
    return (
        [x.value for x in cells[0]],
        [[x.value for x in row] for row in cells[1:]],
        [[x.number_format for x in row] for row in cells[1:]],
        ref,
    )


def _assert_counts_add_up(master: Path, labels: tuple[str, ...], names: dict[int, str]) -> None:
    """Each 基本方針's row: its grades' and 未評価's counts are the report's items of that grade; with the 対象外
    its name states they are the items running; and no count is shown as a share."""
    report = json.loads(_kaikaku("report", "--json", str(master)))
    header, rows, formats, _ = _table(master, c.DASHBOARD_GRADES.name)
    assert header == ["基本方針", *labels, "未評価"]
    assert len(rows) == len(report["policies"])
    not_graded = 0
    for row, fmts, policy in zip(rows, formats, report["policies"], strict=True):
        grades = [i["grade"] for i in report["items"] if i["policy"] == policy["policy"]]
        assert row[1:] == [grades.count(g) for g in (*labels, NOT_GRADED)], row
        assert sum(row[1:]) + grades.count(EXCLUDED) == len(grades) == policy["items"]
        label = str(row[0])
        assert label.startswith(names[policy["policy"]])
        assert (
            f"（{len(grades) - grades.count(NOT_GRADED) - grades.count(EXCLUDED)}/{len(grades)}項目" in label
        )
        assert (f"未評価 {grades.count(NOT_GRADED)}" in label) == (NOT_GRADED in grades)
        assert not any("%" in f for f in fmts[1:]), fmts  # counts, never shown as 100%, 200% …
        not_graded += grades.count(NOT_GRADED)
    assert not_graded and sum(sum(row[1:-1]) for row in rows), "the year must have graded and 未評価 items"


def _grade_chart(master: Path) -> str:
    with zipfile.ZipFile(master) as zf:
        charts = [zf.read(n).decode() for n in zf.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)]
    return next(x for x in charts if "percentStacked" in x)


def _series_columns(chart: str) -> list[str]:
    """The column letter of each series' values."""
    return re.findall(r"<(?:c:)?val>.*?\$([A-Z]+)\$\d+:", chart, flags=re.S)


def test_the_table_counts_the_items_not_graded_and_adds_up(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    assert _blank_actuals(master)
    _kaikaku("refresh", str(master))
    _assert_counts_add_up(master, GRADES, {p.no: p.name for p in load_plan().policies})
    _, _, formats, _ = _table(master, c.DASHBOARD_GRADES.name)
    assert {f for row in formats for f in row[1:]} == {FMT_INT}
    chart = _grade_chart(master)
    assert _series_columns(chart) == ["B", "C", "D", "E", "F", "G"]  # S..D and 未評価
    last = re.split(r"<(?:c:)?ser>", chart)[-1]
    assert f'<a:srgbClr val="{NOT_GRADED_FILL}"' in last  # the grey band


def _own_scale(n: int) -> GradeScale:
    """n invented grades by 進捗率 (best first), the last one for everything below."""
    step = Fraction(1, n - 1)
    grades = [
        Grade(f"段階{k + 1}", color="1F6F4A", basis=BASIS_PROGRESS, threshold=1 - k * step)
        for k in range(n - 1)
    ]
    return GradeScale((*grades, Grade(f"段階{n}", color="B03A2E", basis=BASIS_OTHERWISE)), custom=True)


@pytest.mark.parametrize("n", [3, 7])
def test_a_plan_with_its_own_scale_counts_by_its_labels(tmp_path: Path, n: int) -> None:
    plan = replace(load_plan(), grade_scale=_own_scale(n))
    master = tmp_path / "own.xlsx"
    create_master(plan, master, sample=True)
    assert _blank_actuals(master)
    _kaikaku("refresh", str(master))
    labels = plan.grade_scale.labels if plan.grade_scale else ()
    _assert_counts_add_up(master, labels, {p.no: p.name for p in plan.policies})
    _, _, _, grades_ref = _table(master, c.DASHBOARD_GRADES.name)
    _, effects, _, effects_ref = _table(master, c.DASHBOARD_EFFECTS.name)
    assert range_boundaries(effects_ref)[0] > range_boundaries(grades_ref)[2]  # a long scale pushes it right
    assert effects and effects[0][0]
    assert len(_series_columns(_grade_chart(master))) == n + 1


def _shares_spec(grades: tuple[str, ...] = GRADES) -> TableSpec:
    """The grade table as masters were built before it counted: each grade's share of the graded items (%)."""
    return TableSpec(
        c.DASHBOARD_GRADES.name,
        c.SHEET_DASHBOARD,
        (Column("基本方針", "name", width=26), *(Column(g, f"share_{g}", FMT_PCT, 8) for g in grades)),
        anchor_row=9,
        output=True,
    )


def test_a_master_made_with_the_shares_table_gains_the_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(layout_module, "dashboard_grades_spec", _shares_spec)
        master = make_master(tmp_path)
    header, _, formats, ref = _table(master, c.DASHBOARD_GRADES.name)
    assert header == ["基本方針", *GRADES] and formats[0][1] == FMT_PCT  # the old shape
    old_chart = _grade_chart(master)
    assert _blank_actuals(master)
    _kaikaku("refresh", str(master))
    _assert_counts_add_up(master, GRADES, {p.no: p.name for p in load_plan().policies})
    _, _, _, new_ref = _table(master, c.DASHBOARD_GRADES.name)
    assert range_boundaries(new_ref)[2] == column_index_from_string("G")
    # its chart is the one it had (the grade bands, now over the counts: the same shares), nothing lost
    assert _series_columns(_grade_chart(master)) == _series_columns(old_chart) == ["B", "C", "D", "E", "F"]


def test_an_item_taken_out_is_said_in_the_name_so_the_row_adds_up(tmp_path: Path) -> None:
    """対象外 is in neither the table's columns nor the chart (out of every denominator): the name says it."""
    from kaikaku_xl.app.outputs import dashboard
    from kaikaku_xl.app.report import report_from_engine

    engine = FileEngine(make_master(tmp_path))
    try:
        evaluation = report_from_engine(engine)
    finally:
        engine.close()
    results = evaluation.results
    policies = results.policies.copy()
    graded = next(g for g in GRADES if policies.loc[0, f"n_{g}"])
    policies.loc[0, f"n_{graded}"] -= 1  # one graded item of the first 基本方針 taken out of evaluation
    policies.loc[0, f"n_{EXCLUDED}"] += 1
    policies.loc[0, "graded"] -= 1
    _, rows, _ = dashboard(evaluation.loaded, replace(results, policies=policies), "2027-04-01 09:00")
    spec = evaluation.loaded.layout.table(c.DASHBOARD_GRADES.name)
    for row, p in zip(rows, policies.to_dict("records"), strict=True):
        excluded = int(p[f"n_{EXCLUDED}"])
        assert (f"・{EXCLUDED} {excluded}）" in str(row[0])) == bool(excluded)
        assert row[1:] == [p[col.key] for col in spec.columns[1:]]
        assert sum(row[1:]) + excluded == p["items"]
    assert f"{EXCLUDED} 1" in str(rows[0][0])
