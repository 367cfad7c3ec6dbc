"""The 計画期間の総括評価 sheet of a new master (issue 22), and a master made before it: it still refreshes and
reports (its period review without typed grades) and nothing is added to it by refresh."""

from __future__ import annotations

from pathlib import Path

from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.app.refresh import refresh
from kaikaku_xl.app.report import report_from_file
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.inputs import PERIOD_REVIEW, PERIOD_SUMMARY_TABLE
from kaikaku_xl.plan import load_plan
from kaikaku_xl.xlsx.file_engine import FileEngine


def _year(path: Path, year: int, drop_period: bool = False) -> None:
    wb = load_workbook(path)
    settings = wb[c.SETTINGS.sheet]
    next(r for r in settings.iter_rows(min_row=4) if r[0].value == "evaluation_year")[2].value = year
    if drop_period:
        del wb[PERIOD_REVIEW.sheet]
    wb.save(path)


def test_a_new_master_has_the_sheet_with_an_item_per_row_and_only_grade_and_comment_open(
    tmp_path: Path,
) -> None:
    master = make_master(tmp_path, sample=False)
    ws = load_workbook(master)[PERIOD_REVIEW.sheet]
    assert set(ws.tables) == {PERIOD_REVIEW.name, PERIOD_SUMMARY_TABLE}
    assert ws.protection.sheet
    plan = load_plan()
    top = PERIOD_REVIEW.anchor_row
    assert [ws.cell(row=top + 1 + i, column=1).value for i in range(len(plan.items))] == [
        it.no for it in plan.items
    ]
    unlocked = {
        PERIOD_REVIEW.columns[j].key
        for j in range(len(PERIOD_REVIEW.columns))
        if not ws.cell(row=top + 1, column=1 + j).protection.locked
    }
    assert unlocked == {"grade", "comment"}
    assert any("E" in str(dv.sqref) for dv in ws.data_validations.dataValidation)  # the grade dropdown


def test_a_master_without_the_sheet_refreshes_and_reports_its_period_review(tmp_path: Path) -> None:
    master = make_master(tmp_path)  # sample actuals
    _year(master, 2030, drop_period=True)
    outcome = refresh(FileEngine(master, backups=0))
    assert not [p for p in outcome.loaded.errors if PERIOD_REVIEW.sheet in p.sheet]
    assert PERIOD_REVIEW.sheet not in load_workbook(master).sheetnames
    report = report_from_file(master)
    assert report.period_review is not None and report.period_review.period == (2026, 2030)
    typed = [i for i in report.period_review.items if i.grade_source == "総括評価（入力）"]
    assert typed and all(i.grade == "−" and i.grade_label == "未入力" for i in typed)
    assert "period_review" in report.to_dict()
