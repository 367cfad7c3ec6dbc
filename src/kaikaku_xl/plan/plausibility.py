"""Which values a measure can take (DOMAIN.md, "Rates"): rules as data, never guesses.

Per unit on the 設定 sheet (円, 件 and other counts, 枚, 時間, ㎡ ≥ 0; % within 0–100), overridable per measure
in the 指標 table (許容下限 / 許容上限; "なし" = no limit on that side), and for every value: finite and below a
ceiling (10^15 by default). A value outside them is an input error naming the cell: not graded, not summed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from kaikaku_xl.plan.money import MONEY_UNIT_NAMES, money_unit
from kaikaku_xl.plan.numformat import PERCENT_UNITS

NO_LIMIT = "なし"
_RANGE = re.compile(r"^(?P<low>[^~]*)~(?P<high>[^~]*)$")


@dataclass(frozen=True)
class Bounds:
    low: float | None = None  # None: no lower limit
    high: float | None = None

    def text(self) -> str:
        """As shown on the 設定 sheet: 0〜100, 0〜, 〜."""
        return f"{_plain(self.low)}〜{_plain(self.high)}"

    def override(self, low: float | None, high: float | None) -> Bounds:
        """A measure's own limits replace the unit's on the sides it sets (±inf = no limit there)."""
        return Bounds(
            self.low if low is None else (None if math.isinf(low) else low),
            self.high if high is None else (None if math.isinf(high) else high),
        )


def _plain(x: float | None) -> str:
    if x is None:
        return ""
    return f"{int(x)}" if float(x).is_integer() else f"{x:g}"


def parse_bounds(text: Any) -> Bounds:
    """'0〜100', '0〜' (no upper limit), '〜' or 'なし' (no limit); raises ValueError with a Japanese reason."""
    raw = unicodedata.normalize("NFKC", "" if text is None else str(text)).strip().replace("〜", "~")
    raw = raw.replace(" ", "")
    if raw in ("", NO_LIMIT):
        return Bounds()
    match = _RANGE.match(raw)
    if not match:
        raise ValueError("「0〜100」「0〜」のように 下限〜上限 で入力してください")
    try:
        low = float(match["low"]) if match["low"] else None
        high = float(match["high"]) if match["high"] else None
    except ValueError:
        raise ValueError("下限・上限は数値で入力してください") from None
    if low is not None and high is not None and low > high:
        raise ValueError("下限が上限より大きくなっています")
    return Bounds(low, high)


def violation(value: float, bounds: Bounds, ceiling: float) -> str | None:
    """Why a value cannot be taken (Japanese), or None when it is plausible."""
    if not math.isfinite(value):
        return "有限の数値ではありません"
    if abs(value) >= ceiling:
        return f"大きすぎます（絶対値 {ceiling:,.0f} 以上）"
    if bounds.low is not None and value < bounds.low:
        return f"この指標が取れる範囲（{bounds.text()}）より小さい値です"
    if bounds.high is not None and value > bounds.high:
        return f"この指標が取れる範囲（{bounds.text()}）を超えています"
    return None


def jump_hint(unit: str | None) -> str:
    """What to check when a value jumps more than 前年度比の警告倍率 against the previous one, in the measure's unit."""
    unit = (unit or "").strip()
    if unit in PERCENT_UNITS:
        return (
            "％の指標は 95 のように％の数値で入力します。95% と入力したつもりで 0.95（0.95%）や 9500% に"
            "なっていないか、セルの表示を確認してください。正しければそのままで構いません。"
        )
    if money_unit(unit):
        return f"単位（{MONEY_UNIT_NAMES}）や桁を確認してください。正しければそのままで構いません。"
    if unit:
        return f"単位（{unit}）や桁を確認してください。正しければそのままで構いません。"
    return "桁を確認してください。正しければそのままで構いません。"
