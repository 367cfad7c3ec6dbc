"""Numbers and text as staff type them: 全角 digits, units, 千/万/億, △ for negatives; one reading for every door."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

_UNIT_ALIASES = {
    "㎡": ("m2", "㎡", "平方メートル"),
    "%": ("%", "パーセント"),
    "円": ("円",),
    "時間": ("時間", "h"),
    "件": ("件",),
    "枚": ("枚",),
}
_N = r"\d+(?:\.\d*)?"
_COMPOUND = re.compile(rf"^(?:(?P<oku>{_N})億)?(?:(?P<man>{_N})万)?(?:(?P<sen>{_N})千)?(?P<rest>\d+)?$")
_NUMBER = re.compile(r"^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")  # the sign is taken off before
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+")
_EXCEL_ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")


class NotANumber(ValueError):
    """The text is not a number in the expected unit; the message says why (Japanese)."""


def _strip_unit(text: str, unit: str | None) -> str:
    """Drop a trailing unit word; a unit other than the value's own is refused (its meaning is unclear)."""
    if unit and text.endswith(unit) and len(text) > len(unit):
        return text[: -len(unit)]  # the value's own unit, whatever it is (1,092百万円 in a 百万円 cell)
    for own, aliases in _UNIT_ALIASES.items():
        for alias in aliases:
            if text.endswith(alias) and len(text) > len(alias):
                if unit and own != unit:
                    raise NotANumber(f"単位が違います（{alias} ですが、この欄の単位は {unit}）")
                return text[: -len(alias)]
    return text


def parse_number(value: Any, unit: str | None = None) -> float | None:
    """A typed value as a number in `unit`; None for empty. Raises NotANumber where the meaning is unclear.

    Accepts 全角 digits and commas, a trailing unit (the value's own), 千/万/億 multipliers (1.2万 = 12,000),
    and △/▲ for negatives as Japanese tables print them.
    """
    if value is None:
        return None
    if isinstance(value, bool | date | int | float):
        return _cell_number(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    if text == "":
        return None
    sign, text = _sign(_without_separators(text))
    return sign * _magnitude(_strip_unit(text, unit))


def _cell_number(value: bool | date | int | float) -> float:
    """A value the cell holds as other than text: a number, or refused (a date, a truth value, NaN)."""
    if isinstance(value, bool | date):
        raise NotANumber("数値ではありません（日付や真偽値）")
    if isinstance(value, float) and not math.isfinite(value):
        raise NotANumber("数値ではありません")
    return float(value)


def _without_separators(text: str) -> str:
    """The text without its thousands separators; refused where a comma separates no thousands ("1,2,3")."""
    if text.upper() in _EXCEL_ERRORS:
        raise NotANumber(f"Excel のエラー値（{text}）です")
    if any("," in run and not _THOUSANDS.fullmatch(run) for run in re.findall(r"[\d,]+", text)):
        raise NotANumber("カンマの位置が桁区切り（1,234,567）になっていません")
    return text.replace(",", "")


def _sign(text: str) -> tuple[float, str]:
    """(1 or -1, the rest): △/▲/- make a number negative, + leaves it; two signs are refused."""
    if text[0] not in "△▲-+":
        return 1.0, text
    sign, rest = (1.0 if text[0] == "+" else -1.0), text[1:]
    if rest[:1] in ("△", "▲", "-", "+"):
        raise NotANumber("符号が重なっています")
    return sign, rest


def _magnitude(text: str) -> float:
    """The unsigned number: plain digits (1.5e3 too) or with 千/万/億 multipliers."""
    compound = _COMPOUND.match(text)
    if compound and any(compound.group(g) for g in ("oku", "man", "sen")):
        # 1.2万, 3千, 40億2,500万: decimal arithmetic, so 1.15万 is 11,500 and not 11,499.999…
        total = sum(
            Decimal(compound.group(g) or 0) * m for g, m in (("oku", 10**8), ("man", 10**4), ("sen", 10**3))
        )
        return float(total + Decimal(compound.group("rest") or 0))
    if not _NUMBER.match(text):
        raise NotANumber("数値として読めません")
    number = float(text)
    if not math.isfinite(number):
        raise NotANumber("大きすぎて数値として扱えません")
    return number


def number_or_text(value: Any, unit: str | None = None) -> Any:
    """The number a typed value means where it is one (parse_number), else the value as it was typed: for code
    that keeps, compares or copies a cell without refusing what it cannot read."""
    try:
        return parse_number(value, unit)
    except NotANumber:
        return value


def whole_number(value: Any) -> int | None:
    """A typed whole number (2026, "２０２６", "2,026"); None for a blank or anything else."""
    try:
        number = parse_number(value)
    except NotANumber:
        return None
    return int(number) if number is not None and float(number).is_integer() else None
