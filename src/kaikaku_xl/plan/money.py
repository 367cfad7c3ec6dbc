"""Money in the city's own units (DOMAIN.md, "財政効果額"): the units a money amount may be kept in, their factor to
円, and how the plan's own figures convert to 円 exactly.

A measure keeps its own figures (基準値, 目標値, 実績, 累計, 進捗率) in its unit; only its contribution to 財政効果額
is converted to 円, by an exact decimal product (never a float one). A unit is normalised once, where the plan is
read (「百万 円」「（百万円）」 and full-width spellings read as 百万円).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from decimal import Decimal
from typing import Any

from kaikaku_xl.errors import PlanError
from kaikaku_xl.plan.model import Item

YEN = "円"
# Each money unit and how many 円 one of it is.
MONEY_UNITS: dict[str, int] = {"円": 1, "千円": 10**3, "万円": 10**4, "百万円": 10**6, "億円": 10**8}
MONEY_UNIT_NAMES = "・".join(MONEY_UNITS)
# Units converted to 円 through a 参考換算 price of the 設定 sheet (Settings.unit_cost): 時間単価, 用紙単価.
PRICED_UNITS = ("時間", "枚")
_DROPPED = re.compile(r"[\s()（）\[\]［］「」【】]|^単位[:：]?")
_VARIANTS = (("萬", "万"), ("1000円", "千円"), ("1,000円", "千円"), ("10000円", "万円"), ("10,000円", "万円"))


def money_unit(unit: Any) -> str | None:
    """The money unit `unit` spells (円, 千円, 万円, 百万円, 億円), however a clerk typed it; None for any other."""
    text = unicodedata.normalize("NFKC", "" if unit is None else str(unit))
    text = _DROPPED.sub("", text.strip())
    for variant, own in _VARIANTS:
        text = text.replace(variant, own)
    return text if text in MONEY_UNITS else None


def normal_unit(unit: Any) -> str:
    """A measure's unit as the plan keeps it: a money unit in its one spelling, any other unit as typed (trimmed)."""
    text = "" if unit is None else str(unit).strip()
    return money_unit(text) or text


def yen_factor(unit: Any) -> int | None:
    """How many 円 one `unit` is (百万円 → 1,000,000); None where the unit is not money."""
    own = money_unit(unit)
    return None if own is None else MONEY_UNITS[own]


def convertible(unit: Any) -> bool:
    """Can an amount in `unit` become 円: a money unit, or one with a 参考換算 price (時間, 枚)."""
    return yen_factor(unit) is not None or str(unit or "").strip() in PRICED_UNITS


def unit_problem(unit: Any, effect_kind: str) -> str | None:
    """Why a measure with this 効果区分 cannot count its effect in 円 (Japanese), or None where it can."""
    if not effect_kind or convertible(unit):
        return None
    return (
        f"効果区分が{effect_kind}の指標の単位「{unit}」は金額（円）に換算できません。"
        f"単位を {MONEY_UNIT_NAMES} のいずれか（時間・枚は参考換算の単価で換算）にするか、効果区分を空欄にしてください。"
    )


def to_yen(amount: float, factor: int) -> float:
    """`amount` (a float as typed: its shortest decimal) × factor, exactly: 1.1 百万円 is 1,100,000 円, not
    1,100,000.0000000002."""
    if factor == 1:
        return amount
    return float(Decimal(repr(float(amount))) * factor)


def difference_in_yen(minuend: float, subtrahend: float, factor: int) -> float:
    """(minuend − subtrahend) × factor, exactly (each float read as the decimal typed)."""
    return float((Decimal(repr(float(minuend))) - Decimal(repr(float(subtrahend)))) * factor)


def effect_plans_in_yen(items: tuple[Item, ...], unit: Any) -> tuple[Item, ...]:
    """The items with their 効果額計画 amounts (TOML [plan] effect_plan_unit, blank = 円) converted to 円 exactly;
    PlanError where the unit is not money."""
    if unit in (None, ""):
        return items
    factor = yen_factor(unit)
    if factor is None:
        raise PlanError(
            f"[plan] effect_plan_unit「{unit}」は金額の単位ではありません（{MONEY_UNIT_NAMES}）。"
        )
    return tuple(
        replace(it, effect_plan=tuple((year, to_yen(amount, factor)) for year, amount in it.effect_plan))
        for it in items
    )
