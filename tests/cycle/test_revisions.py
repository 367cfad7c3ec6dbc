"""Plan revisions (見直し): the 計画の見直し table, `kaikaku revise`, the target in force per year, closed years,
and the council materials' 計画の見直し section."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from helpers.cycle import NOW, change_log
from helpers.workbook import edit_cells, make_master, soffice_convert
from openpyxl import load_workbook

from kaikaku_xl.app.validate import validate
from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import load
from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.xlsx.file_engine import FileEngine

MEASURE, OLD_TARGET, NEW_TARGET = "6-1", 6500, 5000  # BPRによる業務削減時間 (増加), baseline 3216
ITEM = 3


def _loaded(path: Path):  # noqa: ANN202
    engine = FileEngine(path)
    try:
        return load(engine)
    finally:
        engine.close()


def _measure(path: Path, year: int) -> dict:
    loaded = _loaded(path)
    results = evaluate(loaded.inputs, replace(loaded.settings, evaluation_year=year))
    return results.measures.set_index("measure_id").loc[MEASURE].to_dict()


def _item_grade(path: Path, year: int, item: int) -> str:
    loaded = _loaded(path)
    results = evaluate(loaded.inputs, replace(loaded.settings, evaluation_year=year))
    return results.items.set_index("item").at[item, "grade"]


def _revise(path: Path, *args: str) -> int:
    return main(["revise", str(path), *args, "--now", NOW])


def _revise_from(path: Path, from_year: int, reason: str, date: str, *what: str) -> int:
    """`kaikaku revise` as the coordinator types it: what changes, from which year, why and when decided."""
    return _revise(path, *what, "--from-year", str(from_year), "--reason", reason, "--date", date)


def _revise_target(path: Path, target: object, from_year: int, reason: str, date: str) -> int:
    return _revise_from(path, from_year, reason, date, "--measure", MEASURE, "--target", str(target))


def _revision_rows(path: Path) -> list[tuple]:
    ws = load_workbook(path)[c.REVISIONS.sheet]
    rows = ws.iter_rows(min_row=c.REVISIONS.anchor_row + 1, values_only=True)
    return [r for r in rows if any(v is not None for v in r)]


@pytest.fixture
def master(tmp_path: Path) -> Path:
    return make_master(tmp_path)


def test_revise_changes_the_target_from_its_year_on(master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {y: _measure(master, y) for y in (2027, 2028, 2029)}
    assert all(m["target"] == OLD_TARGET for m in before.values())
    code = _revise_target(master, str(NEW_TARGET), 2028, "国の制度変更に伴い目標を見直し", "2027-03-15")
    assert code == 0, capsys.readouterr().err
    assert "2028年度から見直しました" in capsys.readouterr().out
    assert _revision_rows(master) == [
        (
            2028,
            c.REVISION_TARGET,
            MEASURE,
            None,
            OLD_TARGET,
            NEW_TARGET,
            "国の制度変更に伴い目標を見直し",
            "2027-03-15",
        )
    ]
    log = change_log(master)[-1]
    assert log["種別"] == c.LOG_REVISION and log["変更前"] == OLD_TARGET and log["変更後"] == NEW_TARGET
    assert log["シート"] == c.REVISIONS.sheet and log["セル"] == "A4"
    after = {y: _measure(master, y) for y in (2027, 2028, 2029)}
    assert after[2027]["target"] == OLD_TARGET and after[2027]["planned"] == before[2027]["planned"]
    for y in (2028, 2029):
        assert after[y]["target"] == NEW_TARGET
        # the straight line runs from the baseline to the new target: 3216 + (5000 − 3216) × (y − 2024) / 6
        assert after[y]["planned"] == pytest.approx(3216 + (NEW_TARGET - 3216) * (y - 2024) / 6)
    # refresh writes the target in force into 評価結果 (evaluation year 2026: still the old one)
    assert main(["refresh", str(master), "-q"]) == 0
    ws = load_workbook(master, data_only=True)[c.EVALUATION.sheet]
    headers = [cell.value for cell in ws[c.EVALUATION.anchor_row]]
    row = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == MEASURE)
    assert row[headers.index("目標値")] == OLD_TARGET


def test_a_baseline_revision_moves_effects_and_path(master: Path) -> None:
    measure = "2-1"  # 人件費, 歳出削減: effect = baseline − actual
    loaded = _loaded(master)
    old = loaded.inputs.measures.set_index("measure_id").at[measure, "baseline"]
    assert (
        _revise_from(
            master, 2026, "決算の確定", "2026-05-01", "--measure", measure, "--baseline", str(old + 1000)
        )
        == 0
    )
    loaded = _loaded(master)
    grid = evaluate(loaded.inputs, loaded.settings).measure_years.set_index(["measure_id", "year"])
    assert grid.at[(measure, 2025), "baseline"] == old
    assert grid.at[(measure, 2026), "baseline"] == old + 1000
    actual = grid.at[(measure, 2026), "actual"]
    assert grid.at[(measure, 2026), "effect"] == pytest.approx(old + 1000 - actual)


def test_items_added_and_ended(master: Path) -> None:
    assert _item_grade(master, 2026, ITEM) != "対象外"
    assert _revise_from(master, 2027, "事業統合", "2027-02-01", "--item", str(ITEM), "--end") == 0
    assert _item_grade(master, 2026, ITEM) != "対象外"
    assert _item_grade(master, 2027, ITEM) == "対象外"
    assert _item_grade(master, 2028, ITEM) == "対象外"
    assert _revise_from(master, 2027, "新規取組", "2027-02-01", "--item", "4", "--add") == 0
    assert _item_grade(master, 2026, 4) == "対象外"
    assert _item_grade(master, 2027, 4) != "対象外"


def test_rows_typed_by_staff_are_read_and_checked(master: Path) -> None:
    sheet = c.REVISIONS.sheet
    edit_cells(
        master,
        {
            sheet: {
                # a good row, typed with a date cell and the value with a unit and commas
                "A4": 2029,
                "B4": "目標値",
                "C4": MEASURE,
                "F4": "5,500時間",
                "G4": "上方修正",
                "H4": date(2028, 3, 10),
                "A5": 2029,
                "B5": "目標",
                "C5": MEASURE,
                "F5": 1,
                "G5": "x",
                "H5": "2028-03-10",  # unknown kind
                "A6": 2029,
                "B6": "目標値",
                "C6": "99-9",
                "F6": 1,
                "G6": "x",
                "H6": "2028-03-10",  # unknown measure
                "A7": 2029,
                "B7": "目標値",
                "C7": "5-1",
                "F7": "たくさん",
                "G7": "x",
                "H7": "2028-03-10",  # not a number
                "A8": 2029,
                "B8": "基準値",
                "C8": "5-1",
                "F8": 100,
                "H8": "2028-03-10",  # no reason
                "A9": 2029,
                "B9": "基準値",
                "C9": "5-2",
                "F9": 100,
                "G9": "x",
                "H9": "来年",  # no date
                "A10": 2040,
                "B10": "取組終了",
                "D10": 3,
                "G10": "x",
                "H10": "2028-03-10",  # outside the plan
                "A11": 2029,
                "B11": "取組追加",
                "D11": 99,
                "G11": "x",
                "H11": "2028-03-10",  # unknown item
                "A12": 2029,
                "B12": "目標値",
                "C12": "2-1",
                "F12": -5,
                "G12": "x",
                "H12": "2028-03-10",  # 円 below 0
            }
        },
    )
    engine = FileEngine(master)
    try:
        loaded, problems = validate(engine)
    finally:
        engine.close()
    errors = {p.cell: p.message for p in problems if p.sheet == sheet and p.severity == "エラー"}
    assert set(errors) == {"B5", "C6", "F7", "G8", "H9", "A10", "D11", "F12"}, errors
    assert "99-9" in errors["C6"] and "たくさん" in errors["F7"] and "来年" in errors["H9"]
    assert [(r.year, r.measure_id, r.new, r.decided) for r in loaded.plan.revisions] == [
        (2029, MEASURE, 5500, "2028-03-10")
    ]
    assert _measure(master, 2029)["target"] == 5500
    assert _measure(master, 2028)["target"] == OLD_TARGET
    # the CLI says so too, naming the sheet and cell, and fails
    result = subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", "validate", str(master)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and f"{sheet}" in result.stdout and "D11" in result.stdout


def test_revise_refuses_bad_requests(master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = master.read_bytes()
    cases = [
        ("--measure", "99-9", "--target", "1", "--from-year", "2028"),
        ("--measure", MEASURE, "--target", "1", "--from-year", "2040"),
        ("--measure", MEASURE, "--from-year", "2028"),
        ("--item", "99", "--end", "--from-year", "2028"),
        ("--item", "3", "--from-year", "2028"),
    ]
    for args in cases:
        assert _revise(master, *args, "--reason", "r", "--date", "2027-01-01") == 2, args
    assert _revise_target(master, "1", 2028, "r", "明日") == 2
    assert _revise_target(master, "1", 2028, " ", "2027-01-01") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "99-9" in err and "明日" in err
    assert master.read_bytes() == before


def test_revisions_survive_a_save_by_openpyxl_and_libreoffice(master: Path, tmp_path: Path) -> None:
    assert _revise_target(master, str(NEW_TARGET), 2028, "見直し", "2027-03-15") == 0
    wb = load_workbook(master)  # an openpyxl script saves the master
    wb.save(master)
    assert _measure(master, 2028)["target"] == NEW_TARGET
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed (./dev test installs it)")
    saved = soffice_convert(master, "xlsx", tmp_path / "lo", tmp_path / "profile")
    assert _measure(saved, 2028)["target"] == NEW_TARGET
    assert _measure(saved, 2027)["target"] == OLD_TARGET
    assert [r.reason for r in _loaded(saved).plan.revisions] == ["見直し"]


def test_close_year_keeps_the_target_in_force(master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["close-year", str(master), "--year", "2026", "--now", NOW]) == 0
    record = load_workbook(master, data_only=True)[c.YEAR_RESULTS.sheet]
    rows = [r for r in record.iter_rows(min_row=2, values_only=True) if r[0] == 2026]
    assert (2026, "指標", MEASURE, "target", OLD_TARGET) in rows
    assert (2026, "入力", MEASURE, "Plan:target", OLD_TARGET) in rows
    # revise refuses to reach back into the closed year
    assert _revise_target(master, "1", 2026, "r", "2027-01-01") == 2
    assert "締められています" in capsys.readouterr().err
    # a row typed by hand that reaches back: validate names it, the closed year keeps its target
    edit_cells(
        master,
        {
            c.REVISIONS.sheet: {
                "A4": 2026,
                "B4": "目標値",
                "C4": MEASURE,
                "F4": NEW_TARGET,
                "G4": "手入力",
                "H4": "2027-01-01",
            }
        },
    )
    engine = FileEngine(master)
    try:
        _, problems = validate(engine)
    finally:
        engine.close()
    reach_back = [p for p in problems if p.sheet == c.REVISIONS.sheet and "締められています" in p.message]
    assert len(reach_back) == 1 and MEASURE in reach_back[0].message
    assert _measure(master, 2026)["target"] == OLD_TARGET
    assert _measure(master, 2027)["target"] == NEW_TARGET


def test_council_materials_list_the_revisions(master: Path, tmp_path: Path) -> None:
    assert _revise_target(master, str(NEW_TARGET), 2028, "国の制度変更に伴う見直し", "2027-03-15") == 0
    assert _revise_from(master, 2029, "事業統合", "2028-03-01", "--item", str(ITEM), "--end") == 0
    out = tmp_path / "out"
    assert main(["export", str(master), "--out", str(out), "--now", NOW, "-q"]) == 0
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert "計画の見直し" in html and "国の制度変更に伴う見直し" in html and "事業統合" in html
    assert "2027年3月15日" in html or "2027-03-15" in html
    book = load_workbook(next(out.glob("*.xlsx")))
    assert "計画の見直し" in book.sheetnames
    texts = [str(v) for row in book["計画の見直し"].iter_rows(values_only=True) for v in row if v is not None]
    assert any("国の制度変更に伴う見直し" in t for t in texts) and any("5,000" in t for t in texts)
