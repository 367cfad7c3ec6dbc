"""Staff text reaching print headers (計画名 in the exported workbook's header) is shown literally: & would start
Excel's codes (&P page number, &N pages, &B bold), a leading digit would join the font-size code."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from lxml import etree

from kaikaku_xl.app.export import export_from_engine
from kaikaku_xl.app.init import create_master
from kaikaku_xl.plan import load_plan
from kaikaku_xl.xlsx.file_engine import FileEngine

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HOSTILE_NAME = "2026計画&P&N&B＆R&&"
_CODE = re.compile(r'&&|&"[^"]*"|&\d+|&[A-Za-z]')


def shown(section: str) -> tuple[str, list[str]]:
    """What Excel prints for one header section: literal text, and the codes it would act on (ECMA-376 §18.3.1.39:
    && is an &, &"font", &NN size, &P &N &B ... codes)."""
    codes: list[str] = []

    def code(match: re.Match[str]) -> str:
        if match.group(0) == "&&":
            return "&"
        codes.append(match.group(0))
        return ""

    return _CODE.sub(code, section), codes


def test_an_ampersand_in_the_plan_name_is_printed_not_obeyed(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    create_master(replace(load_plan(), name=HOSTILE_NAME), master, now=datetime(2026, 6, 1))
    out = tmp_path / "出力"
    result = export_from_engine(
        FileEngine(master),
        out,
        now=datetime(2026, 6, 1),
        pdf_renderer=lambda _x, target: Path(target).write_bytes(b"%PDF-1.4"),
    )
    with zipfile.ZipFile(result.xlsx) as zf:
        headers = [
            etree.fromstring(zf.read(name)).findtext(f"{{{MAIN}}}headerFooter/{{{MAIN}}}oddHeader")
            for name in zf.namelist()
            if name.startswith("xl/worksheets/sheet")
        ]
    headers = [
        h for h in headers if h and h.startswith("&L")
    ]  # the cover has only the centre (速報, issue 23)
    assert headers
    for header in headers:
        assert len(header) <= 255  # Excel's limit for a header, codes included
        left = re.split("&[CR]", header)[0].removeprefix(
            "&L"
        )  # the left section (&C: 速報 or 推進本部, issue 23)
        text, codes = shown(left)
        assert text.strip() == HOSTILE_NAME, header
        assert all(code.startswith('&"') or code[1:].isdigit() for code in codes), codes  # font and size only
        assert codes[-1] == "&8", codes  # the name's leading 2026 did not join the size code
