"""Cell styles declared once, as data, and applied by one function (the StyleFrame idea)."""

from __future__ import annotations

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

from kaikaku_xl.palette import (
    HEADER_FILL,
    HEADER_TEXT,
    INPUT_FILL,
    LIGHT_GREY,
    MID_GREY,
    REFERENCE_FILL,
    TITLE_TEXT,
)
from kaikaku_xl.palette import WORKBOOK_FONT as FONT

_thin = Side(style="thin", color=LIGHT_GREY)
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


ROLES: dict[str, dict[str, Font | PatternFill | Alignment | Border | Protection]] = {
    "title": {"font": Font(name=FONT, size=14, bold=True, color=TITLE_TEXT)},
    "note": {"font": Font(name=FONT, size=9, color=MID_GREY)},
    "header": {
        "font": Font(name=FONT, bold=True, color=HEADER_TEXT),
        "fill": PatternFill("solid", fgColor=HEADER_FILL),
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "border": _border,
    },
    "input": {
        "font": Font(name=FONT),
        "fill": PatternFill("solid", fgColor=INPUT_FILL),
        "protection": Protection(locked=False),
        "border": _border,
        "alignment": Alignment(vertical="top"),
    },
    "reference": {
        "font": Font(name=FONT),
        "fill": PatternFill("solid", fgColor=REFERENCE_FILL),
        "border": _border,
        "alignment": Alignment(vertical="top"),
    },
    "output": {"font": Font(name=FONT), "border": _border, "alignment": Alignment(vertical="top")},
    "kpi_label": {"font": Font(name=FONT, bold=True), "border": _border},
    "kpi": {
        "font": Font(name=FONT, size=13, bold=True),
        "border": _border,
        "alignment": Alignment(horizontal="right"),
    },
    "body": {"font": Font(name=FONT), "alignment": Alignment(vertical="top", wrap_text=True)},
}


def apply(cell: Cell | MergedCell, role: str, number_format: str | None = None, wrap: bool = False) -> None:
    """Give a cell the style of its role (ROLES), with a number format and wrapped text where asked."""
    for attribute, value in ROLES[role].items():
        setattr(cell, attribute, value)
    if wrap:
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    if number_format:
        cell.number_format = number_format
