"""前年度比較 and the drafted 総括 (issue 23, points 4 and 5), on a two-year master: 2026 closed with its recorded
figures, 2027 open. The previous year's counts, 増減, actuals and 財政効果額 in `report --json` and in the
exports (HTML, xlsx; the PDF is rendered from the xlsx); the plan's first year prints −; every number of the 総括
draft is a figure of `report --json`; a 採用文 staff typed (openpyxl, LibreOffice) is printed and never
overwritten by refresh."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers.cycle import NOW
from helpers.summary import assert_summary_figures, at
from helpers.workbook import make_master, soffice_convert
from openpyxl import load_workbook

from kaikaku_xl.app.report import report_from_file
from kaikaku_xl.cli.program import main
from kaikaku_xl.master.contract.inputs import SUMMARY

YEAR, PREVIOUS = 2027, 2026
HAS_SOFFICE = shutil.which("soffice") is not None


def _report(master: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["report", str(master), "--json", "-q"]) == 0
    return json.loads(capsys.readouterr().out)


def _two_years(folder: Path) -> Path:
    """The sample master, 2026 closed; 2027's actuals typed as 2026's (so grades fall behind the plan)."""
    master = make_master(folder)
    assert main(["close-year", str(master), "--year", str(PREVIOUS), "--now", NOW, "-q"]) == 0
    wb = load_workbook(master)
    ws = wb["実績"]
    headers = [c.value for c in ws[3]]
    this, before = headers.index(f"{YEAR}年度") + 1, headers.index(f"{PREVIOUS}年度") + 1
    for row in range(4, ws.max_row + 1):
        value = ws.cell(row=row, column=before).value
        if isinstance(value, int | float):
            ws.cell(row=row, column=this).value = value
    wb["設定"]["C4"] = YEAR  # evaluation_year
    wb.save(master)
    assert main(["refresh", str(master), "-q", "--now", NOW]) == 0
    return master


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _two_years(tmp_path_factory.mktemp("two_years"))


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_previous_block_is_the_closed_year_as_recorded(
    two_years: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = _report(two_years, capsys)
    then = report_from_file(two_years, PREVIOUS).to_dict()  # (report --json has no --year)
    prev = now["previous"]
    assert (prev["year"], prev["closed"]) == (PREVIOUS, True)
    assert prev["total"]["counts"] == then["total"]["counts"]
    assert prev["total"]["change"] == {
        g: now["total"]["counts"][g] - then["total"]["counts"][g] for g in then["total"]["counts"]
    }
    assert any(v != 0 for v in prev["total"]["change"].values())  # the 2027 grades fell behind
    for mine, theirs in zip(prev["policies"], then["policies"], strict=True):
        assert mine["policy"] == theirs["policy"] and mine["counts"] == theirs["counts"]
    assert [m["actual"] for m in prev["measures"]] == [m["actual"] for m in then["measures"]]
    assert [(i["no"], i["grade"]) for i in prev["items"]] == [(i["no"], i["grade"]) for i in then["items"]]
    assert prev["effects"] == {
        "single_year": then["effects"]["single_year"],
        "cumulative": then["effects"]["cumulative"],
    }
    assert (
        prev["effect_change"]["single_year"] == now["effects"]["single_year"] - then["effects"]["single_year"]
    )
    assert sum(now["status_counts"]["total"]["statuses"].values()) == now["total"]["items"]


def test_the_first_year_has_no_previous_block_and_prints_minus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = make_master(tmp_path)
    report = _report(master, capsys)
    assert "previous" not in report and "status_counts" in report
    out = tmp_path / "out"
    assert main(["export", str(master), "--out", str(out), "-q", "--now", NOW]) == 0
    ws = load_workbook(next(out.glob("*.xlsx")))["概要"]
    rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    previous_rows = [r for r in rows if r[0] == f"{PREVIOUS - 1}年度"]
    assert previous_rows and all(set(v for v in r[1:] if v is not None) == {"−"} for r in previous_rows)
    change_rows = [r for r in rows if r[0] == "増減"]
    assert change_rows and all(set(v for v in r[1:] if v is not None) == {"−"} for r in change_rows)
    items = load_workbook(next(out.glob("*.xlsx")))["取組一覧"]
    header = next(r for r in items.iter_rows(values_only=True) if "前年度評価" in r)
    col = header.index("前年度評価")
    values = {r[col] for r in items.iter_rows(min_row=items.max_row - 5, values_only=True) if r[col]}
    assert values == {"−"}


def test_exports_show_the_previous_year_and_the_change(
    two_years: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _report(two_years, capsys)
    prev = report["previous"]
    out = tmp_path / "out"
    assert main(["export", str(two_years), "--out", str(out), "-q", "--now", NOW]) == 0
    wb = load_workbook(next(out.glob("*.xlsx")))
    rows = [list(r) for r in wb["概要"].iter_rows(values_only=True)]
    grades = ["S", "A", "B", "C", "D", "−", "対象外"]
    header = next(r for r in rows if r[0] == "年度" and r[1] == "S")
    at = {g: header.index(g) for g in grades}
    total_at = next(i for i, r in enumerate(rows) if r[0] == "全体" and i > rows.index(header))
    this_year, before, change = rows[total_at + 1 : total_at + 4]
    assert (this_year[0], before[0], change[0]) == (f"{YEAR}年度", f"{PREVIOUS}年度", "増減")
    assert [before[at[g]] for g in grades] == [prev["total"]["counts"][g] for g in grades]
    assert [change[at[g]] for g in grades] == [prev["total"]["change"][g] for g in grades]
    items = wb["取組一覧"]
    header = next(r for r in items.iter_rows(values_only=True) if "前年度評価" in r)
    prev_actual = next(h for h in header if h and h.startswith("前年度実績"))
    assert prev_actual == f"前年度実績（{PREVIOUS}年度）"
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert 'id="grade_compare"' in html and 'id="status_compare"' in html and 'id="effect_compare"' in html
    assert 'data-ref="/previous/total/change/S"' in html or "/previous/total/change/S" in html
    assert "前年度実績" in html and "前年度評価" in html
    pdfs = list(out.glob("*.pdf"))
    if HAS_SOFFICE and shutil.which("pdftotext"):
        squashed = "".join(_pdf_text(pdfs[0]).split())
        for caption in (
            "評価件数の前年度比較",
            "取組状況の件数の前年度比較",
            "財政効果額の前年度比較",
            "前年度評価",
        ):
            assert caption in squashed, caption
        draft = "".join(("（下書き）" + report["summary"][0]["draft"]).split())
        assert draft in squashed  # the 総括 page (the draft, marked)


def test_every_number_of_the_summary_is_a_report_figure(
    two_years: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _report(two_years, capsys)
    summary = report["summary"]
    assert [p["key"] for p in summary][:6] == [
        "grades",
        "changes",
        "attention",
        "missing",
        "effects",
        "revisions",
    ]
    assert_summary_figures(report)
    assert "△" in summary[0]["draft"]  # the grade counts fell: the change is printed as the tables print it


def _type_adopted(master: Path, text: str) -> None:
    wb = load_workbook(master)
    ws = wb[SUMMARY.sheet]
    ws.cell(row=SUMMARY.anchor_row + 1, column=SUMMARY.headers.index("採用文") + 1).value = text
    wb.save(master)


def _summary_cells(master: Path) -> list[tuple[Any, ...]]:
    ws = load_workbook(master)[SUMMARY.sheet]
    return [r for r in ws.iter_rows(min_row=SUMMARY.anchor_row + 1, values_only=True)]


def _check_adopted(master: Path, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["refresh", str(master), "-q", "--now", NOW]) == 0
    rows = _summary_cells(master)
    assert rows[0][3] == text  # refresh never writes 採用文
    assert rows[0][2] and rows[0][2] != text  # the draft is refresh's
    report = _report(master, capsys)
    first = report["summary"][0]
    assert (first["text"], first["adopted"]) == (text, True)
    assert all(not p["adopted"] for p in report["summary"][1:])
    out = tmp_path / "out"
    assert main(["export", str(master), "--out", str(out), "-q", "--now", NOW]) == 0
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert text in html and "（下書き）" + first["draft"] not in html
    assert "（下書き）" + report["summary"][1]["draft"] in html
    sheet = [
        v for r in load_workbook(next(out.glob("*.xlsx")))["総括"].iter_rows(values_only=True) for v in r if v
    ]
    assert text in sheet and "（下書き）" + report["summary"][1]["draft"] in sheet


def test_adopted_text_typed_with_openpyxl_is_printed_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = _two_years(tmp_path)
    text = "令和9年度は、評価した取組の多くが計画どおりに進んだ。"
    _type_adopted(master, text)
    _check_adopted(master, text, tmp_path, capsys)


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice is not installed")
def test_adopted_text_survives_a_libreoffice_save(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    master = make_master(tmp_path)
    text = "本年度の取組は概ね順調である。"
    _type_adopted(master, text)
    saved = soffice_convert(master, "xlsx", tmp_path / "lo", tmp_path / "profile")
    _check_adopted(saved, text, tmp_path, capsys)


def test_the_opinions_paragraph_is_written_only_when_the_report_has_opinions(tmp_path: Path) -> None:
    """Until `opinions` is in the report (懇談会, another part of issue 23) the paragraph is left out; with a list
    of opinions it counts them and the answered ones (対応済), citing where the JSON holds them."""
    from dataclasses import replace

    from kaikaku_xl.app.summary_cells import summary_facts
    from kaikaku_xl.app.summary_draft import draft_summary, opinion_tally
    from kaikaku_xl.app.validate import compute
    from kaikaku_xl.master.load import load
    from kaikaku_xl.xlsx.file_engine import FileEngine

    engine = FileEngine(make_master(tmp_path))
    try:
        loaded = load(engine)
        facts = summary_facts(loaded, loaded.settings, compute(loaded, loaded.settings))
    finally:
        engine.close()
    assert "opinions" not in [d.key for d in draft_summary(facts)]
    opinions = [{"state": "対応済"}, {"state": "対応中"}, {"state": "対応済"}]
    drafts = draft_summary(replace(facts, opinions=opinion_tally([o["state"] for o in opinions])))
    paragraph = next(d for d in drafts if d.key == "opinions")
    assert "3件" in paragraph.text and "2件" in paragraph.text
    doc = {"opinions": opinions}
    assert [at(doc, f.pointer) for f in paragraph.figures] == [f.value for f in paragraph.figures] == [3, 2]
