"""懇談会意見 (issue 23, §7): the council's opinions typed into the master, checked and given their 担当課 by refresh,
sent to the departments with their answer cells yellow, answers merged three ways by collect, and printed in the
council materials and `report --json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.cycle import NOW, change_log, col_of, department_file, row_of, run_json
from helpers.workbook import edit_cells, make_master
from openpyxl import load_workbook

from kaikaku_xl.app.report import report_from_file
from kaikaku_xl.cli.program import main
from kaikaku_xl.master.contract.inputs import OPINION_COORDINATOR, OPINIONS

SHEET = OPINIONS.sheet
PERSONNEL, DIGITAL = "人事課", "行革デジタル推進課"  # leads of items 3 and 6
OPINION_3 = "会計年度任用職員の人件費の見通しを示されたい。"
OPINION_6 = "BPR の成果を職員の働き方の変化として示されたい。"
OPINION_ALL = "計画全体の進捗を市民に分かりやすく公表されたい。"


def _opinions(path: Path) -> list[dict]:
    ws = load_workbook(path, data_only=True)[SHEET]
    headers = [c.value for c in ws[OPINIONS.anchor_row]]
    rows = ws.iter_rows(min_row=OPINIONS.anchor_row + 1, values_only=True)
    return [dict(zip(headers, r, strict=True)) for r in rows if any(v is not None for v in r)]


def _type_opinions(master: Path, year: int = 2026) -> None:
    """The coordinator types three opinions after the council met (rows 4-6 of the 懇談会意見 sheet)."""
    edit_cells(
        master,
        {
            SHEET: {
                "A4": year,
                "B4": "2027-08-20",
                "C4": 3,
                "D4": OPINION_3,
                "A5": year,
                "B5": "2027-08-20",
                "C5": 6,
                "D5": OPINION_6,
                "A6": year,
                "B6": "2027/8/20",
                "C6": "全体",
                "D6": OPINION_ALL,
            }
        },
    )


@pytest.fixture
def master(tmp_path: Path) -> Path:
    path = make_master(tmp_path)
    _type_opinions(path)
    return path


def test_new_master_has_the_opinions_sheet_with_yellow_rows(tmp_path: Path) -> None:
    path = make_master(tmp_path, sample=False)
    wb = load_workbook(path)
    ws = wb[SHEET]
    assert ws.sheet_state == "visible"
    assert ws.protection.sheet  # a protected sheet: blank rows to type into, as the ledger has
    ref = ws.tables[OPINIONS.name].ref
    assert ref == f"A3:G{3 + 100}"
    headers = [c.value for c in ws[3]]
    assert headers == ["年度", "日付", "No", "意見", "担当課", "市の対応", "対応状況"]
    locked = {h: ws.cell(row=50, column=j).protection.locked for j, h in enumerate(headers, start=1)}
    assert locked == {h: h == "担当課" for h in headers}
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    state = rules["G4:G103"]
    assert state.type == "list" and state.formula1 == '"未対応,対応中,対応済"'
    assert rules["A4:A103"].type == "whole"


def test_refresh_fills_the_department_and_validate_names_bad_cells(master: Path, capsys) -> None:  # noqa: ANN001
    edit_cells(
        master,
        {
            SHEET: {
                "A7": 2026,
                "C7": 99,
                "D7": "x",
                "A8": 2040,
                "C8": 3,
                "D8": "y",
                "A9": 2026,
                "B9": "八月",
                "C9": 3,
            }
        },
    )
    edit_cells(master, {SHEET: {"D9": "z", "A10": 2026, "C10": 2, "D10": "w", "G10": "済み"}})
    code, report = run_json(capsys, "validate", str(master))
    found = {(p["cell"], p["message"]) for p in report if p["sheet"] == SHEET}
    assert ("C7", "No「99」は計画の取組項目にありません。") in found
    assert ("A8", "年度「2040」は計画期間外です。") in found
    assert ("B9", "日付「八月」が日付ではありません。") in found
    assert ("G10", "対応状況「済み」は使えません。") in found
    assert main(["refresh", str(master), "-q"]) == 0
    rows = _opinions(master)
    assert [r["担当課"] for r in rows[:3]] == [PERSONNEL, DIGITAL, OPINION_COORDINATOR]
    assert rows[3]["担当課"] is None  # an unknown No: no department
    # a second refresh changes nothing on the sheet (the cells already say it)
    before = _opinions(master)
    assert main(["refresh", str(master), "-q"]) == 0
    assert _opinions(master) == before


def _report(path: Path, year: int) -> dict:
    """`report --json` of the master evaluated for `year` (the command evaluates the 設定 sheet's year)."""
    return json.loads(json.dumps(report_from_file(path, year).to_dict(), ensure_ascii=False, default=str))


def _distribute(master: Path, out: Path, year: int = 2026) -> None:
    assert main(["distribute", str(master), "--out", str(out), "--year", str(year), "--now", NOW, "-q"]) == 0


def _answer(path: Path, opinion: str, response: str, state: str) -> None:
    wb = load_workbook(path)
    ws = wb[SHEET]
    row = row_of(ws, 意見=opinion)
    ws.cell(row=row, column=col_of(ws, "市の対応"), value=response)
    ws.cell(row=row, column=col_of(ws, "対応状況"), value=state)
    wb.save(path)


def test_distribute_sends_each_department_its_opinions_with_answer_cells_yellow(
    master: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _distribute(master, out)
    wb = load_workbook(department_file(out, PERSONNEL))
    ws = wb[SHEET]
    assert ws.protection.sheet
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if any(v is not None for v in r)]
    assert [(r[0], r[2], r[3], r[4], r[6]) for r in rows] == [(2026, 3, OPINION_3, PERSONNEL, "未対応")]
    headers = [c.value for c in ws[3]]
    locked = {h: ws.cell(row=4, column=j).protection.locked for j, h in enumerate(headers, start=1)}
    assert locked == {h: h not in ("市の対応", "対応状況") for h in headers}
    assert any(str(dv.sqref) == "G4" and dv.type == "list" for dv in ws.data_validations.dataValidation)
    digital = load_workbook(department_file(out, DIGITAL))[SHEET]
    assert [r[3] for r in digital.iter_rows(min_row=4, values_only=True) if r[3]] == [OPINION_6]
    # 全体 goes to no department (the coordinator answers it in the master); a department without opinions
    # gets no such sheet
    for path in out.glob("*.xlsx"):
        book = load_workbook(path)
        if SHEET in book.sheetnames:
            texts = [r[3] for r in book[SHEET].iter_rows(min_row=4, values_only=True)]
            assert OPINION_ALL not in texts
    assert SHEET not in load_workbook(department_file(out, "会計課")).sheetnames


def test_collect_merges_the_answers(master: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    _distribute(master, out)
    returned = department_file(out, PERSONNEL)
    _answer(returned, OPINION_3, "令和10年度予算編成で見通しを公表します。", "対応中")
    code, report = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    assert code == 0, report
    applied = {(a["sheet"], a["cell"]): a["new_text"] for a in report["applied"]}
    assert applied == {(SHEET, "F4"): "令和10年度予算編成で見通しを公表します。", (SHEET, "G4"): "対応中"}
    row = _opinions(master)[0]
    assert (row["市の対応"], row["対応状況"]) == ("令和10年度予算編成で見通しを公表します。", "対応中")
    assert any(e["シート"] == SHEET and e["セル"] == "G4" for e in change_log(master))
    # collecting the same file again changes nothing
    code, again = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    assert again["applied"] == [] and again["conflicts"] == []


def test_an_answer_changed_on_both_sides_is_a_conflict_and_the_master_kept(
    master: Path,
    tmp_path: Path,
    capsys,  # noqa: ANN001
) -> None:
    out = tmp_path / "out"
    _distribute(master, out)
    edit_cells(
        master, {SHEET: {"F4": "推進担当が記入した対応"}}
    )  # the coordinator answers after distribution
    returned = department_file(out, PERSONNEL)
    _answer(returned, OPINION_3, "人事課の対応", "対応済")
    code, report = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    conflicts = [(c["cell"], c["master_text"], c["returned_text"], c["kept"]) for c in report["conflicts"]]
    assert conflicts == [("F4", "推進担当が記入した対応", "人事課の対応", "master")]
    row = _opinions(master)[0]
    assert (row["市の対応"], row["対応状況"]) == (
        "推進担当が記入した対応",
        "対応済",
    )  # the state merged: no conflict


def test_an_opinion_edited_in_the_file_or_the_master_is_refused(master: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    _distribute(master, out)
    returned = department_file(out, PERSONNEL)
    _answer(returned, OPINION_3, "対応", "対応済")
    edit_cells(master, {SHEET: {"D4": OPINION_3 + "（修正）"}})  # the coordinator corrects the opinion
    code, report = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    refused = {(r["cell"], r["reason"][:20]) for r in report["refused"] if r["sheet"] == SHEET}
    assert {cell for cell, _ in refused} == {"F4", "G4"}
    assert all("マスターで変更または削除" in r["reason"] for r in report["refused"] if r["sheet"] == SHEET)
    row = _opinions(master)[0]
    assert (row["市の対応"], row["対応状況"]) == (None, None)


def test_a_two_year_walk_prints_the_answers_in_the_next_years_materials(
    master: Path,
    tmp_path: Path,
    capsys,  # noqa: ANN001
) -> None:
    """Opinions typed for 2026, answered through the 2027 files: the 2027 materials and report carry them."""
    out = tmp_path / "out2027"
    _distribute(master, out, 2027)
    returned = department_file(out, PERSONNEL)
    assert [r[3] for r in load_workbook(returned)[SHEET].iter_rows(min_row=4, values_only=True) if r[3]] == [
        OPINION_3
    ]
    _answer(returned, OPINION_3, "見通しを公表しました。", "対応済")
    code, _ = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    assert code == 0
    edit_cells(
        master, {SHEET: {"F6": "ホームページで公表します。", "G6": "対応中"}}
    )  # 全体: the coordinator's
    assert main(["refresh", str(master), "-q"]) == 0
    report = _report(master, 2027)
    assert report["opinions"] == [
        {
            "year": 2026,
            "date": "2027-08-20",
            "item": "全体",
            "opinion": OPINION_ALL,
            "department": OPINION_COORDINATOR,
            "answer": "ホームページで公表します。",
            "state": "対応中",
        },
        {
            "year": 2026,
            "date": "2027-08-20",
            "item": 3,
            "opinion": OPINION_3,
            "department": PERSONNEL,
            "answer": "見通しを公表しました。",
            "state": "対応済",
        },
        {
            "year": 2026,
            "date": "2027-08-20",
            "item": 6,
            "opinion": OPINION_6,
            "department": DIGITAL,
            "answer": "",
            "state": "未対応",
        },
    ]
    exported = tmp_path / "export"
    assert main(["export", str(master), "--out", str(exported), "--year", "2027", "--now", NOW, "-q"]) == 0
    html = next(exported.glob("*.html")).read_text(encoding="utf-8")
    assert "懇談会からの意見と市の対応" in html and "見通しを公表しました。" in html
    book = load_workbook(next(exported.glob("*_report.xlsx")))
    texts = [v for row in book["懇談会意見"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert "懇談会からの意見と市の対応" in " ".join(texts)
    assert OPINION_6 in texts and "（検討中）" in texts  # not answered yet
    manifest = json.loads(next(exported.glob("*manifest.json")).read_text(encoding="utf-8"))
    assert manifest  # the export ran whole


def test_opinions_of_other_years_are_left_out_and_no_opinion_no_key(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    path = make_master(tmp_path)
    code, report = run_json(capsys, "report", str(path))
    assert "opinions" not in report  # no opinion: the JSON as before
    _type_opinions(path, year=2028)
    assert "opinions" not in _report(path, 2026)  # about 2028: not in 2026's materials
    assert {o["year"] for o in _report(path, 2029)["opinions"]} == {2028}  # the year before 2029


def test_a_file_returned_without_its_opinions_sheet_is_collected_with_a_warning(
    master: Path,
    tmp_path: Path,
    capsys,  # noqa: ANN001
) -> None:
    out = tmp_path / "out"
    _distribute(master, out)
    returned = department_file(out, PERSONNEL)
    wb = load_workbook(returned)
    del wb[SHEET]
    wb.save(returned)
    code, report = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    assert code == 0, report
    warned = [p for p in report["problems"] if p["sheet"] == SHEET]
    assert [p["severity"] for p in warned] == ["警告"]
    assert "回答は取り込んでいません" in warned[0]["action"]
