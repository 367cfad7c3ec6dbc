"""Issue 23, point 2: the council materials of a year the 推進本部 verified print 「令和n年m月d日 行財政改革推進本部にて
確認」 (with the meeting); every other year's say 「速報（推進本部確認前）」 on every page: the PDF's every page (the
workbook's page header), the web page's banner, every sheet of the workbook."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.app.export import export_from_engine
from kaikaku_xl.cli.program import main
from kaikaku_xl.export import ExportResult
from kaikaku_xl.xlsx.file_engine import FileEngine

YEAR = 2026
NOW = "2027-07-01T09:00:00"
MEETING = "令和9年度第1回行財政改革推進本部会議"
LINE = "令和9年6月15日 行財政改革推進本部にて確認"
PROVISIONAL = "速報（推進本部確認前）"


def _export(master: Path, out: Path, real_pdf: bool, year: int | None = None) -> ExportResult:
    stub = None if real_pdf else (lambda _x, target: Path(target).write_bytes(b"%PDF-1.4"))
    engine = FileEngine(master)
    try:
        return export_from_engine(engine, out, year=year, now=datetime.fromisoformat(NOW), pdf_renderer=stub)
    finally:
        engine.close()


def _close(master: Path, *extra: str) -> None:
    args = ["close-year", str(master), "--year", str(YEAR), "--now", NOW, "--reason", "決算確定前", "-q"]
    assert main([*args, *extra]) == 0


def _headers(xlsx: Path) -> dict[str, str]:
    """Sheet -> the centre of its page header (what every printed page of it shows)."""
    return {ws.title: ws.oddHeader.center.text or "" for ws in load_workbook(xlsx).worksheets}


def _banner(html: Path) -> str:
    found = re.findall(r'<p class="verification[^"]*" role="note">([^<]*)</p>', html.read_text("utf-8"))
    assert len(found) == 1, found
    return found[0]


def _pdf_pages(pdf: Path) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    return [page.extract_text() for page in pypdf.PdfReader(pdf).pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _assert_provisional(result: ExportResult) -> None:
    assert result.xlsx is not None and result.html is not None
    headers = _headers(result.xlsx)
    assert headers and all(PROVISIONAL in h for h in headers.values()), headers
    assert _banner(result.html) == PROVISIONAL
    assert "推進本部にて確認" not in result.html.read_text("utf-8")


def _assert_verified(result: ExportResult) -> None:
    assert result.xlsx is not None and result.html is not None
    headers = _headers(result.xlsx)
    assert all(LINE in h and MEETING in h for h in headers.values()), headers
    assert _banner(result.html) == f"{LINE}（{MEETING}）"
    assert "速報" not in result.html.read_text("utf-8")
    cover = load_workbook(result.xlsx)["表紙"]
    assert any(f"{LINE}（{MEETING}）" == cell.value for row in cover.iter_rows() for cell in row)


def test_materials_of_an_open_or_undecided_year_say_provisional_on_every_sheet(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    _assert_provisional(_export(master, tmp_path / "open", real_pdf=False))
    _close(master)  # closed, but the 推進本部 has not verified it yet
    _assert_provisional(_export(master, tmp_path / "closed", real_pdf=False))


def test_materials_of_a_verified_year_print_the_decision_and_no_provisional(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    _close(master, "--decided-on", "2027-06-15", "--meeting", MEETING)
    _assert_verified(_export(master, tmp_path / "out", real_pdf=False))
    _assert_provisional(_export(master, tmp_path / "next", real_pdf=False, year=YEAR + 1))  # 2027: not closed


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_every_page_of_the_pdf_carries_the_line(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    provisional = _export(master, tmp_path / "open", real_pdf=True)
    assert provisional.pdf is not None
    pages = _pdf_pages(provisional.pdf)
    assert len(pages) > 3
    assert [i for i, text in enumerate(pages) if _flat(PROVISIONAL) not in _flat(text)] == []
    _close(master, "--decided-on", "2027-06-15", "--meeting", MEETING)
    verified = _export(master, tmp_path / "verified", real_pdf=True)
    assert verified.pdf is not None
    pages = _pdf_pages(verified.pdf)
    assert [i for i, text in enumerate(pages) if _flat(LINE) not in _flat(text)] == []
    assert not [i for i, text in enumerate(pages) if "速報" in text]
