"""How many decimals a measure's values show, and the Excel number format for that: one rule for the master,
the exports and the UDF docs.

Excel prints every character of a format literally where LibreOffice is lenient: `#,##0.##` shows a whole number
as `1,023.` (a trailing dot) in Excel. So a format states its decimals exactly: `#,##0`, `#,##0.0`, `#,##0.00`.
"""

from __future__ import annotations

import re

MAX_DECIMALS = 3
# Units whose values are whole numbers in a plan (money in yen, counts, hours, sheets, area); % shows one decimal.
WHOLE_UNITS = (
    "円",
    "千円",
    "万円",
    "件",
    "枚",
    "時間",
    "㎡",
    "m²",
    "人",
    "回",
    "部",
    "日",
    "箇所",
    "団体",
    "者",
)
ONE_DECIMAL_UNITS = ("%", "％", "ポイント", "pt")


def default_decimals(unit: str, *values: float | None) -> int:
    """Decimals from the unit; an unknown unit shows as many as its plan values need (at most MAX_DECIMALS)."""
    unit = (unit or "").strip()
    if unit in WHOLE_UNITS:
        return 0
    if unit in ONE_DECIMAL_UNITS:
        return 1
    needed = 0
    for value in values:
        if value is None:
            continue
        text = f"{float(value):.{MAX_DECIMALS}f}".rstrip("0")
        needed = max(needed, len(text.split(".")[1]) if "." in text else 0)
    return needed


def number_format(decimals: int) -> str:
    """`#,##0` with exactly `decimals` zeros after the point (never an optional-digit `#` after it)."""
    decimals = max(0, min(MAX_DECIMALS, int(decimals)))
    return "#,##0" + ("." + "0" * decimals if decimals else "")


PERCENT_UNITS = ("%", "％")
GENERAL = "General"


def input_format(unit: str, decimals: int) -> str:
    """The number format of a measure's input cells (基準値, 目標値, 年度目標, 実績; master and department file).

    A % measure's cells are General (docs/decisions.md, "A % measure's value"): in Excel and in LibreOffice a
    General cell keeps `95` as 95 and turns `95%` into 0.95 with a percent format, which the reader takes × 100,
    so both habits give 95 points. A number format (`#,##0.0`) would keep 0.95 under a plain format in
    LibreOffice (indistinguishable from a typed 0.95), and a percent format would make LibreOffice's `95` 9500%
    (it has no automatic percent entry). Every other unit: its decimals, exactly (number_format).
    """
    if (unit or "").strip() in PERCENT_UNITS:
        return GENERAL
    return number_format(decimals)


MEASURE_FORMATS = tuple(number_format(d) for d in range(MAX_DECIMALS + 1))

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def shows_trailing_dot(fmt: str) -> bool:
    """True when Excel would print a whole number with a bare decimal point (e.g. `#,##0.##`, `0.#`, `#.`).

    Excel's rules (Office support, "Number format codes"): `#` shows only significant digits, `0` always shows
    a digit, and the decimal point is printed whenever the section has one; so a section whose decimal point is
    followed by no `0` prints `1,023.` for 1023. Quoted text, escaped characters and [colour]/[condition] are ignored.
    """
    for section in fmt.split(";"):
        plain = _QUOTED.sub("", section)
        if "." not in plain:
            continue
        after = re.split(r"[Ee]", plain.split(".", 1)[1])[0]
        if "0" not in after:
            return True
    return False
