"""Bidirectional controls typed into a narrative never reach the public HTML page (issue 21, Low): U+202E would make
"gpj.exe" read as "exe.jpg" there. The page shows the text without them; the rest of the text is kept."""

from __future__ import annotations

from pathlib import Path

from helpers.cycle import col_of, row_of
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c
from kaikaku_xl.text import strip_bidi_controls

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
NARRATIVE = "研修を実施\u202egpj.exe\u202c（詳細は資料\u2066参照\u2069）"


def test_strip_bidi_controls_takes_every_control_and_nothing_else() -> None:
    assert strip_bidi_controls("a" + CONTROLS + "b\u200fc") == "ab\u200fc"  # U+200F (RLM) is a mark, kept
    assert strip_bidi_controls(NARRATIVE) == "研修を実施gpj.exe（詳細は資料参照）"


def test_the_html_page_shows_narratives_without_bidi_controls(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    wb = load_workbook(master)
    ws = wb[c.STATUS.sheet]
    ws.cell(row=row_of(ws, No=1), column=col_of(ws, "取組実績"), value=NARRATIVE)
    wb.save(master)
    out = tmp_path / "export"
    assert main(["export", str(master), "--out", str(out), "--now", "2026-06-01T10:00:00", "-q"]) in (0, 1)
    pages = [p.read_text(encoding="utf-8") for p in out.rglob("*.html")]
    assert pages and any("研修を実施gpj.exe" in page for page in pages)
    assert not any(ch in page for page in pages for ch in CONTROLS)
