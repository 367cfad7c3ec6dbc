"""Issue 20: no line of the council PDF starts with a closing bracket or 。、 (kinsoku): LibreOffice Calc breaks a
wrapped cell before them, so the copy it renders gets its line breaks from textfit.kinsoku_lines."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.export import needs_soffice, run_export
from hypothesis import given
from hypothesis import strategies as st

from kaikaku_xl.textfit import LIBREOFFICE, NO_LINE_END, NO_LINE_START, kinsoku_lines, line_count

JAPANESE = st.text(alphabet="取組項目の推進（）「」。、・ー課題ABC123,", min_size=0, max_size=80)


@given(JAPANESE, st.integers(min_value=6, max_value=60))
def test_no_line_starts_with_a_closing_mark_and_the_text_is_unchanged(value: str, width: int) -> None:
    broken = kinsoku_lines(value, width, LIBREOFFICE)
    assert broken.replace("\n", "") == value.replace("\n", "")
    lines = broken.split("\n")
    for i, line in enumerate(lines):
        if i and line and len(lines[i - 1]) > 1:  # (a one-character line cannot give its character away)
            assert line[0] not in NO_LINE_START, (value, width, lines)
        if i < len(lines) - 1 and len(line) > 1:
            assert line[-1] not in NO_LINE_END, (value, width, lines)


def test_each_line_fits_the_column_as_libreoffice_measures_it() -> None:
    value = "広告収入額（ネーミングライツ料含む）の確保に向けて、新たな募集方法を検討した。"
    broken = kinsoku_lines(value, 26, LIBREOFFICE)
    assert all(line_count(line, 26, LIBREOFFICE) == 1 for line in broken.split("\n"))
    assert not any(line.startswith(("）", "。", "、")) for line in broken.split("\n"))


@needs_soffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler not installed")
def test_no_line_of_the_pdf_starts_with_a_closing_mark(tmp_path: Path) -> None:
    result = run_export(tmp_path, soffice=None)
    assert result.pdf is not None
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(result.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [
        "".join(re.findall(r"<word [^>]*>([^<]*)</word>", line))
        for line in re.findall(r"<line [^>]*>(.*?)</line>", xml, re.S)
    ]
    assert len(lines) > 100
    bad = [line for line in lines if line[:1] in NO_LINE_START and line[:1] not in ".,%:ー"]
    assert not bad, bad[:10]
