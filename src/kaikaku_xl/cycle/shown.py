"""Values as collect's report and the change log show them to staff: as the sheets show them (桁区切り, the
measure's decimals), 未入力 for a blank, a ledger row as a line of text (never Python's None, dicts or JSON)."""

from __future__ import annotations

import json
from typing import Any

from kaikaku_xl.rounding import format_number

BLANK = "未入力"


def shown(value: Any, decimals: int | None = None, unit: str = "") -> str:
    """One cell value: numbers with separators (the measure's decimals where given, else as many as it has)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return BLANK
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if decimals is None:
        text = repr(float(value))
        decimals = 0 if float(value).is_integer() or "e" in text else len(text.split(".")[1])
    return format_number(float(value), decimals) + unit


def shown_ledger(key: str | None) -> str:
    """A ledger row (locate.ledger_key: a JSON list item, year, kind, amount, what, basis) as one line."""
    if not key:
        return BLANK
    try:
        item, year, kind, amount, what, basis = json.loads(key)
    except (ValueError, TypeError):
        return str(key)
    parts = [
        f"No.{item}" if item is not None else "No 未入力",
        f"{year}年度" if year is not None else "年度 未入力",
        str(kind or "区分 未入力"),
        (shown(amount, 0, "円") if isinstance(amount, int | float) else shown(amount))
        + (f"「{what}」" if what else "（内容 未入力）"),
    ]
    return " ".join(parts) + (f"（算定根拠: {basis}）" if basis else "")
