"""Issue 20: the dashboard's grade table shows shares of the graded items only: each 基本方針 says how many items
that is and how many are not graded (未評価), and the figure of graded items says the 未評価 too."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from helpers.workbook import make_master

from kaikaku_xl.app.outputs import dashboard
from kaikaku_xl.app.report import report_from_engine
from kaikaku_xl.master import contract as c
from kaikaku_xl.xlsx.file_engine import FileEngine


def test_the_grade_table_says_the_counts_and_the_not_graded(tmp_path: Path) -> None:
    engine = FileEngine(make_master(tmp_path))
    try:
        evaluation = report_from_engine(engine)
    finally:
        engine.close()
    kpis, grades, _effects = dashboard(evaluation.loaded, evaluation.results, "2027-04-01 09:00")
    policies = evaluation.report.policies
    assert len(grades) == len(policies)
    for row, p in zip(grades, policies, strict=True):
        label = str(row[0])
        assert f"（{p.graded}/{p.items}項目" in label
        assert ("未評価" in label) == bool(p.counts["−"])
    total = evaluation.report.total
    graded = next(
        v for k, v in kpis.items() if k == next(x.cell for x in c.DASHBOARD_KPIS if x.key == "graded")
    )
    assert graded.startswith(f"{total.graded} / {total.items} 項目")
    assert ("未評価" in graded) == bool(total.counts["−"])


def test_items_not_graded_are_said(tmp_path: Path) -> None:
    engine = FileEngine(make_master(tmp_path))
    try:
        evaluation = report_from_engine(engine)
    finally:
        engine.close()
    results = evaluation.results
    policies = results.policies.copy()
    policies.loc[0, "n_−"] = 2
    policies.loc[0, "graded"] = policies.loc[0, "graded"] - 2
    total = results.total.copy()
    total.loc[0, "n_−"] = 2
    kpis, grades, _effects = dashboard(
        evaluation.loaded, replace(results, policies=policies, total=total), "2027-04-01 09:00"
    )
    assert "・未評価 2）" in str(grades[0][0]) and "未評価" not in str(grades[1][0])
    assert any(str(v).endswith("（未評価 2）") for v in kpis.values())
