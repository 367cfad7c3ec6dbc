"""Issue 23's "Done when": a two-year walk through the command line as staff run it (processes), with openpyxl
typing what departments and the coordinator type.

2026: distributed to every department, every return typed and collected, one sent back with a reason (its next
file carries it), returned corrected, all accepted, closed with the 推進本部's date and meeting (no --reason: every
department is 確定). The 懇談会's opinions on 2026 typed, then 2027 distributed with each department's opinions in
its file; departments type 2027 and answer them; all collected. The 2027 materials show the 増減 against the
closed 2026, the opinions with their answers, 速報 on every page and a 総括 whose every number is a `report --json`
figure; the 2026 materials print the 推進本部's line; `status --json` for 2026 says every department is 確定."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers.cycle import col_of, department_file, row_of
from helpers.processes import cli, cli_json
from helpers.summary import assert_summary_figures
from helpers.workbook import edit_cells
from openpyxl import load_workbook

from kaikaku_xl.app.report import report_from_file
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.inputs import OPINION_COORDINATOR, OPINIONS
from kaikaku_xl.rounding import round_half_away

pytestmark = pytest.mark.slow  # about twenty processes and two exports with LibreOffice

FIRST, NEXT = 2026, 2027
SENT_BACK = "会計課"
REASON = "財政効果額の算定根拠が空欄です。委託料の差額の内訳を記入してください"
BASIS = "公金収納の手数料の差額（令和8年度決算）"
DAY, MEETING = "2027-06-15", "令和9年度第1回行財政改革推進本部会議"
LINE = "令和9年6月15日 行財政改革推進本部にて確認"
PROVISIONAL = "速報（推進本部確認前）"
PREVIOUS_LINE = (
    "前年度の結果は、令和9年6月15日に行財政改革推進本部が確認したものです。"  # under the 前年度比較
)
# the clock of the walk: 2026's returns in spring 2027, the 推進本部 in June, 2027's returns in spring 2028
DISTRIBUTED, COLLECTED, RETURNED, ACCEPTED = (
    "2027-04-10T09:00:00",
    "2027-05-20T09:00:00",
    "2027-05-28T09:00:00",
    "2027-06-01T09:00:00",
)
CLOSED, OPINED, NEXT_DISTRIBUTED, NEXT_COLLECTED = (
    "2027-06-20T09:00:00",
    "2027-08-25T09:00:00",
    "2028-04-10T09:00:00",
    "2028-05-20T09:00:00",
)
OPINION_DATE = "2027-08-20"
# the 懇談会's opinions on 2026: an item of three departments and one on the whole plan, with the answers typed
# in the 2027 files (the 全体 one by the coordinator in the master)
OPINIONS_TYPED = [
    (
        3,
        "人事課",
        "会計年度任用職員の人件費の見通しを示されたい。",
        "令和10年度予算で見通しを示しました。",
        "対応済",
    ),
    (
        6,
        "行革デジタル推進課",
        "BPR の成果を職員の働き方の変化として示されたい。",
        "職員調査を準備しています。",
        "対応中",
    ),
    (9, "会計課", "eL-QR の利用率を公表されたい。", "市ホームページで公表しました。", "対応済"),
    (
        "全体",
        OPINION_COORDINATOR,
        "計画全体の進捗を市民に分かりやすく公表されたい。",
        "概要版を作成しました。",
        "対応済",
    ),
]


def ok(*args: str) -> subprocess.CompletedProcess[str]:
    run = cli(*args, "-q", timeout=600)
    assert run.returncode == 0, (args, run.stderr[-2000:])
    assert "Traceback" not in run.stderr
    return run


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def all_text(path: Path, sheet: str | None = None) -> list[str]:
    wb = load_workbook(path, data_only=True)
    sheets = [wb[sheet]] if sheet else wb.worksheets
    return [str(v) for ws in sheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def departments(status: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["department"]: d for d in status["departments"]}


# ---- what staff type (openpyxl) -------------------------------------------------------------------------------


def type_results(path: Path, year: int, department: str) -> None:
    """A department's 進捗状況 rows of `year`: its own words; in the next year also a state and, where the item is
    graded by hand, the grade it had the year before."""
    wb = load_workbook(path)
    ws = wb[c.STATUS.sheet]
    state, grade, words = (col_of(ws, h) for h in ("進捗状況", "評価（指標なし項目）", "取組実績"))
    for row in range(4, ws.max_row + 1):
        if ws.cell(row=row, column=col_of(ws, "年度")).value != year:
            continue
        ws.cell(row=row, column=words, value=f"{department}が{year}年度の取組を進めた。")
        if year == NEXT:
            before = row - 1  # the row of the year before (the file lists an item's years in order)
            ws.cell(row=row, column=state, value="実施中")
            ws.cell(row=row, column=grade, value=ws.cell(row=before, column=grade).value)
    wb.save(path)


def type_actuals(path: Path) -> None:
    """2027's 実績: half of the way left from 2026's value to the target, as whole numbers."""
    wb = load_workbook(path)
    ws = wb["実績"]
    if "目標値" not in [cell.value for cell in ws[3]]:
        return  # a department with no measure (市民課): nothing to type
    before, this, target = (col_of(ws, h) for h in (f"{FIRST}年度", f"{NEXT}年度", "目標値"))
    for row in range(4, ws.max_row + 1):
        last, goal = ws.cell(row=row, column=before).value, ws.cell(row=row, column=target).value
        if isinstance(last, int | float) and isinstance(goal, int | float):
            ws.cell(row=row, column=this, value=int(round_half_away(last + (goal - last) / 2, 0)))
    wb.save(path)


def type_ledger(path: Path, basis: str | None) -> None:
    """会計課's ledger row of 2026; sent back for its empty 算定根拠, which the corrected file fills."""
    wb = load_workbook(path)
    lg = wb[c.LEDGER.sheet]
    mine = [
        r for r in range(4, lg.max_row + 1) if lg.cell(row=r, column=col_of(lg, "内容")).value == "eL-QR収納"
    ]
    row = (
        mine[0]
        if mine
        else next(r for r in range(4, lg.max_row + 1) if lg.cell(row=r, column=1).value is None)
    )
    for header, value in (
        ("No", 9),
        ("年度", FIRST),
        ("区分", "歳出削減"),
        ("金額（円）", 480000),
        ("内容", "eL-QR収納"),
        ("算定根拠", basis),
    ):
        lg.cell(row=row, column=col_of(lg, header), value=value)
    wb.save(path)


def answer(path: Path, opinion: str, response: str, state: str) -> None:
    wb = load_workbook(path)
    ws = wb[OPINIONS.sheet]
    row = row_of(ws, 意見=opinion)
    ws.cell(row=row, column=col_of(ws, "市の対応"), value=response)
    ws.cell(row=row, column=col_of(ws, "対応状況"), value=state)
    wb.save(path)


def guide_text(path: Path) -> str:
    return "\n".join(all_text(path, c.SHEET_DEPARTMENT_GUIDE))


# ---- the walk -------------------------------------------------------------------------------------------------


def first_year(master: Path, folder: Path) -> list[str]:
    """2026 from distribution to the 推進本部's decision; returns the departments."""
    out = folder / "配布2026"
    ok("distribute", str(master), "--out", str(out), "--due", "2027-05-31", "--now", DISTRIBUTED)
    names = sorted(
        d["department"] for d in cli_json("status", str(master), "--now", DISTRIBUTED)["departments"]
    )
    assert len(names) == 6 and len(list(out.glob("*.xlsx"))) == 6
    for name in names:
        type_results(department_file(out, name), FIRST, name)
    type_ledger(department_file(out, SENT_BACK), None)
    ok("collect", str(master), str(out), "--now", COLLECTED)
    assert {d["state"] for d in cli_json("status", str(master), "--now", COLLECTED)["departments"]} == {
        "回収済"
    }

    ok("send-back", str(master), "--department", SENT_BACK, "--reason", REASON, "--now", COLLECTED)
    ok("distribute", str(master), "--out", str(out), "--department", SENT_BACK, "--force", "--now", RETURNED)
    again = department_file(out, SENT_BACK)
    assert REASON in guide_text(again) and "差戻し" in guide_text(again)
    assert all(REASON not in guide_text(department_file(out, n)) for n in names if n != SENT_BACK)
    type_ledger(again, BASIS)
    ok("collect", str(master), str(again), "--now", RETURNED)
    status = departments(cli_json("status", str(master), "--now", RETURNED))
    assert status[SENT_BACK]["state"] == "回収済" and status[SENT_BACK]["sent_back"] is None

    for name in names[:-1]:
        ok("accept", str(master), "--department", name, "--now", ACCEPTED)
    # one department still 回収済: close-year names it and asks for --reason; the master is left as it was
    before = master.read_bytes()
    refused = cli("close-year", str(master), "--year", str(FIRST), "--decided-on", DAY, "--now", CLOSED, "-q")
    assert (
        refused.returncode == 1
        and f"{names[-1]}（回収済）" in refused.stderr
        and "--reason" in refused.stderr
    )
    assert master.read_bytes() == before
    ok("accept", str(master), "--department", names[-1], "--now", ACCEPTED)
    closing = ok(
        "close-year",
        str(master),
        "--year",
        str(FIRST),
        "--decided-on",
        DAY,
        "--meeting",
        MEETING,
        "--now",
        CLOSED,
    )
    assert f"{LINE}（{MEETING}）" in closing.stdout
    return names


def type_opinions(master: Path) -> None:
    """The coordinator types the 懇談会's opinions on 2026 after the council met (rows 4-7)."""
    cells: dict[str, Any] = {}
    for row, (no, _department, opinion, _answer, _state) in enumerate(OPINIONS_TYPED, start=4):
        cells.update({f"A{row}": FIRST, f"B{row}": OPINION_DATE, f"C{row}": no, f"D{row}": opinion})
    edit_cells(master, {OPINIONS.sheet: cells})
    ok("refresh", str(master), "--now", OPINED)


def next_year(master: Path, folder: Path, names: list[str]) -> None:
    """2027: the 設定 sheet's year moved on, distributed with the opinions, typed, answered, collected."""
    edit_cells(master, {"設定": {"C4": NEXT}})  # 評価年度
    out = folder / "配布2027"
    ok("distribute", str(master), "--out", str(out), "--due", "2028-05-31", "--now", NEXT_DISTRIBUTED)
    for no, department, opinion, response, state in OPINIONS_TYPED:
        if no == "全体":
            continue  # the coordinator's, answered in the master
        path = department_file(out, department)
        ws = load_workbook(path)[OPINIONS.sheet]
        row = row_of(ws, 意見=opinion)
        editable = {
            h: not ws.cell(row=row, column=col_of(ws, h)).protection.locked
            for h in ("意見", "市の対応", "対応状況")
        }
        assert editable == {"意見": False, "市の対応": True, "対応状況": True}
        assert ws.cell(row=row, column=col_of(ws, "対応状況")).value == "未対応"
        answer(path, opinion, response, state)
    for name in names:
        path = department_file(out, name)
        type_actuals(path)
        type_results(path, NEXT, name)
    ok("collect", str(master), str(out), "--now", NEXT_COLLECTED)
    whole = row_of(load_workbook(master)[OPINIONS.sheet], No="全体")
    edit_cells(
        master, {OPINIONS.sheet: {f"F{whole}": OPINIONS_TYPED[3][3], f"G{whole}": OPINIONS_TYPED[3][4]}}
    )
    ok("refresh", str(master), "--now", NEXT_COLLECTED)


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("walk")
    master = folder / "master.xlsx"
    ok("init", str(master), "--sample", "--now", "2026-04-01T09:00:00")
    names = first_year(master, folder)
    type_opinions(master)
    next_year(master, folder, names)
    return master, names


@pytest.fixture(scope="module")
def report(walked: tuple[Path, list[str]]) -> dict[str, Any]:
    master, _names = walked
    run = ok("report", str(master), "--json")
    return dict(json.loads(run.stdout))


@pytest.fixture(scope="module")
def exported(walked: tuple[Path, list[str]], tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The materials of 2027 (the 設定 sheet's year) and of 2026 (--year), written by `kaikaku export`."""
    master, _names = walked
    folder = tmp_path_factory.mktemp("materials")
    ok("export", str(master), "--out", str(folder / "2027"), "--now", NEXT_COLLECTED)
    ok("export", str(master), "--out", str(folder / "2026"), "--year", str(FIRST), "--now", NEXT_COLLECTED)
    return {NEXT: folder / "2027", FIRST: folder / "2026"}


# ---- the checks -----------------------------------------------------------------------------------------------


def test_2026_is_accepted_for_every_department_and_closed_with_the_decision(
    walked: tuple[Path, list[str]],
) -> None:
    master, names = walked
    status = cli_json("status", str(master), "--year", str(FIRST), "--now", NEXT_COLLECTED)
    mine = departments(status)
    assert sorted(mine) == names
    assert {n: (d["state"], d["accepted"], d["sent_back"]) for n, d in mine.items()} == {
        n: ("確定", "2027-06-01 09:00:00", None) for n in names
    }
    assert status["summary"]["accepted"] == status["summary"]["departments"] == 6
    # the history of the one sent back, and the closing without an override (every department 確定)
    ws = load_workbook(master)[c.ACCEPTANCES.sheet]
    history = [
        r[:4]
        for r in ws.iter_rows(min_row=c.ACCEPTANCES.anchor_row + 1, values_only=True)
        if r[1] == SENT_BACK
    ]
    assert [(r[0], r[2]) for r in history] == [(FIRST, "差戻し"), (FIRST, "再回収"), (FIRST, "確定")]
    closed = load_workbook(master)[c.CLOSED_YEARS.sheet]
    headers = [cell.value for cell in closed[c.CLOSED_YEARS.anchor_row]]
    row = dict(
        zip(
            headers,
            next(closed.iter_rows(min_row=c.CLOSED_YEARS.anchor_row + 1, values_only=True)),
            strict=False,
        )
    )
    assert (row["年度"], row["推進本部確認日"], row["会議名"]) == (FIRST, DAY, MEETING)
    assert row["未入力のまま締めた理由"] in (None, "")
    # the corrected return was merged: the ledger row has its 算定根拠
    ledger = load_workbook(master, data_only=True)[c.LEDGER.sheet]
    assert ledger.cell(row=row_of(ledger, 内容="eL-QR収納"), column=col_of(ledger, "算定根拠")).value == BASIS


def test_2027_report_compares_with_the_closed_2026_and_carries_the_answers(
    walked: tuple[Path, list[str]], report: dict[str, Any]
) -> None:
    master, _names = walked
    assert (report["provisional"], report["closed"], report["decision"]) == (True, False, None)
    then = report_from_file(master, FIRST).to_dict()
    assert then["decision"] == {"decided_on": DAY, "meeting": MEETING} and then["provisional"] is False
    prev = report["previous"]
    assert (prev["year"], prev["closed"]) == (FIRST, True)
    assert prev["decision"] == {"decided_on": DAY, "meeting": MEETING}  # the 推進本部 line for 2026
    assert prev["total"]["counts"] == then["total"]["counts"]
    assert prev["total"]["change"] == {
        g: report["total"]["counts"][g] - n for g, n in then["total"]["counts"].items()
    }
    assert any(v != 0 for v in prev["total"]["change"].values())  # 2027 moved on: the 増減 is not all zero
    assert [m["actual"] for m in prev["measures"]] == [m["actual"] for m in then["measures"]]
    got = {(o["item"], o["department"], o["opinion"], o["answer"], o["state"]) for o in report["opinions"]}
    assert got == set(OPINIONS_TYPED) and {o["year"] for o in report["opinions"]} == {FIRST}


def test_2027_summary_cites_only_report_figures_and_counts_the_answers(report: dict[str, Any]) -> None:
    assert_summary_figures(report)
    paragraph = next(p for p in report["summary"] if p["key"] == "opinions")
    answered = sum(1 for *_rest, state in OPINIONS_TYPED if state == "対応済")
    assert [f["value"] for f in paragraph["figures"]] == [len(OPINIONS_TYPED), answered]
    assert f"{len(OPINIONS_TYPED)}件" in paragraph["draft"] and f"{answered}件" in paragraph["draft"]


def _table_rows(xlsx: Path) -> list[list[Any]]:
    return [list(r) for r in load_workbook(xlsx)["概要"].iter_rows(values_only=True)]


def test_2027_workbook_shows_the_change_and_the_answers(
    exported: dict[int, Path], report: dict[str, Any]
) -> None:
    xlsx = next(exported[NEXT].glob("*_report.xlsx"))
    rows = _table_rows(xlsx)
    grades = ["S", "A", "B", "C", "D", "−", "対象外"]
    header = next(r for r in rows if r[0] == "年度" and r[1] == "S")
    at = {g: header.index(g) for g in grades}
    total = next(i for i, r in enumerate(rows) if r[0] == "全体" and i > rows.index(header))
    this_year, before, change = rows[total + 1 : total + 4]
    assert (this_year[0], before[0], change[0]) == (f"{NEXT}年度", f"{FIRST}年度", "増減")
    prev = report["previous"]
    assert [before[at[g]] for g in grades] == [prev["total"]["counts"][g] for g in grades]
    assert [change[at[g]] for g in grades] == [prev["total"]["change"][g] for g in grades]
    assert f"※ {PREVIOUS_LINE}" in [r[0] for r in rows[total:]]
    printed = {tuple(r[3:7]) for r in load_workbook(xlsx)["懇談会意見"].iter_rows(values_only=True)}
    assert {(o, d, a, s) for _no, d, o, a, s in OPINIONS_TYPED} <= printed  # 意見, 担当課, 市の対応, 対応状況
    headers = {ws.title: ws.oddHeader.center.text or "" for ws in load_workbook(xlsx).worksheets}
    assert all(PROVISIONAL in h for h in headers.values()), headers
    summary = all_text(xlsx, "総括")
    assert all(f"（下書き）{p['draft']}" in summary for p in report["summary"])


def test_2027_web_page_shows_the_change_the_answers_and_provisional(
    exported: dict[int, Path], report: dict[str, Any]
) -> None:
    html = next(exported[NEXT].glob("*.html")).read_text(encoding="utf-8")
    assert 'id="grade_compare"' in html and "前年度評価" in html and "前年度実績" in html
    assert "懇談会からの意見と市の対応" in html
    assert all(response in html for *_rest, response, _state in OPINIONS_TYPED)
    assert PROVISIONAL in html and "推進本部にて確認" not in html  # 2027's own: 速報
    assert PREVIOUS_LINE in html  # 2026's: verified
    assert next(p for p in report["summary"] if p["key"] == "opinions")["draft"] in html


def _pdf_pages(folder: Path) -> list[str]:
    pdf = next(folder.glob("*.pdf"))
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [flat(page) for page in text.split("\f") if page.strip()]


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")), reason="LibreOffice/pdftotext"
)
def test_the_pdfs_say_provisional_for_2027_and_the_decision_for_2026(
    exported: dict[int, Path], report: dict[str, Any]
) -> None:
    pages = _pdf_pages(exported[NEXT])
    assert len(pages) > 3
    assert [i for i, page in enumerate(pages) if flat(PROVISIONAL) not in page] == []
    whole = "".join(pages)
    assert "懇談会からの意見と市の対応" in whole and flat(OPINIONS_TYPED[0][3]) in whole
    assert "評価件数の前年度比較" in whole and flat(PREVIOUS_LINE) in whole
    assert flat("（下書き）" + next(p for p in report["summary"] if p["key"] == "opinions")["draft"]) in whole
    before = _pdf_pages(exported[FIRST])
    assert [i for i, page in enumerate(before) if flat(LINE) not in page] == []
    assert not [i for i, page in enumerate(before) if "速報" in page]


def test_2026_materials_print_the_decision(exported: dict[int, Path]) -> None:
    html = next(exported[FIRST].glob("*.html")).read_text(encoding="utf-8")
    assert f"{LINE}（{MEETING}）" in html and "速報" not in html
    xlsx = next(exported[FIRST].glob("*_report.xlsx"))
    headers = {ws.title: ws.oddHeader.center.text or "" for ws in load_workbook(xlsx).worksheets}
    assert all(LINE in h for h in headers.values()), headers
