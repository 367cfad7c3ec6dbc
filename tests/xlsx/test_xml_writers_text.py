"""The XML writers of the file engine (a rendered sheet, a patched cell) write every str as an inline string, never
a formula (issue 21, finding 6): text starting like a formula stays text, and a patched cell that held a formula
holds the text alone afterwards."""

from __future__ import annotations

from lxml import etree

from kaikaku_xl.xlsx.package import NS_MAIN
from kaikaku_xl.xlsx.patch import patch_sheet
from kaikaku_xl.xlsx.sheetxml import SheetWrite, render_sheet

TEXTS = ('=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1)", "＝SUM(A1)")
SHEET = (
    f'<worksheet xmlns="{NS_MAIN}"><dimension ref="A1"/><sheetData>'
    '<row r="1"><c r="A1"><f>SUM(B1:B2)</f><v>3</v></c></row></sheetData></worksheet>'
).encode()


def _cells(xml: bytes) -> dict[str, tuple[str | None, bool, str]]:
    """ref -> (t attribute, has a formula, text)."""
    root = etree.fromstring(xml)
    return {
        c.get("r"): (c.get("t"), c.find(f"{{{NS_MAIN}}}f") is not None, "".join(c.itertext()))
        for c in root.iter(f"{{{NS_MAIN}}}c")
    }


def test_a_rendered_sheet_writes_text_as_inline_strings() -> None:
    write = SheetWrite()
    write.put_run(1, 1, TEXTS)
    cells = _cells(b"".join(render_sheet(SHEET, write)))
    assert [cells[f"{chr(65 + j)}1"] for j in range(len(TEXTS))] == [("inlineStr", False, t) for t in TEXTS]


def test_a_patched_cell_holds_text_not_a_formula() -> None:
    patched = patch_sheet(SHEET, {(1, 1): TEXTS[0], (2, 1): TEXTS[1], (2, 2): TEXTS[4]})
    cells = _cells(patched)
    assert cells["A1"] == ("inlineStr", False, TEXTS[0])
    assert cells["A2"] == ("inlineStr", False, TEXTS[1]) and cells["B2"] == ("inlineStr", False, TEXTS[4])
