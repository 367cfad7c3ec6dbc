"""The plan's typed model: its dataclasses, the fixed vocabularies and item numbering.

Kept apart from the TOML loader so that every layer can import the shapes without the parsing and its checks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from kaikaku_xl.plan.numformat import default_decimals
from kaikaku_xl.plan.scale import GradeScale

DIRECTIONS = ("増加", "減少", "維持")
EFFECT_KINDS = ("歳出削減", "歳入増加", "参考", "")
MONEY_KINDS = ("歳出削減", "歳入増加")
# How a measure's yearly values are read: blank/単年度 = each year's value is the level reached (DOMAIN.md);
# 累計 = staff enter each year's amount and the running total over the plan years is what is graded.
CUMULATIVE = "累計"
AGGREGATIONS = ("", "単年度", CUMULATIVE)


ItemNo = int | str  # 1..27 stay ints (JSON unchanged); "R1-3", "2-(1)-3" are text


def item_no(value: Any) -> ItemNo | None:
    """An item number as typed: whole numbers (2, "２", 2.0) as int, anything else as trimmed NFKC text."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, int):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    return int(text) if re.fullmatch(r"\d+", text) else text


def section_no(value: Any) -> str | None:
    """A 推進項目 number as text (1 and "1" are the same 推進項目)."""
    no = item_no(value)
    return None if no is None else str(no)


def natural_key(no: Any) -> tuple[tuple[int, int | str], ...]:
    """Sort key: "2" < "10" < "R1-3"; "2-(1)-3" after "2-(1)-2" (numbers inside text compare as numbers)."""
    parts = re.findall(r"\d+|\D+", str(no))
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


@dataclass(frozen=True)
class Measure:
    item: ItemNo
    seq: int  # 1 = the item's primary measure
    name: str
    unit: str
    direction: str
    baseline: float
    target: float
    effect_kind: str = ""
    include_in_effect: bool = False
    note: str = ""
    allowed_min: float | None = None  # own plausible range (None: the unit's rule; ±inf: no limit that side)
    allowed_max: float | None = None
    decimals: int | None = None  # decimals shown (None: from the unit, numformat.default_decimals)
    aggregation: str = (
        ""  # "" = a level per year (today's rule); 累計 = yearly amounts, graded on their running total
    )

    @property
    def cumulative(self) -> bool:
        return self.aggregation == CUMULATIVE

    @property
    def measure_id(self) -> str:
        return f"{self.item}-{self.seq}"

    @property
    def shown_decimals(self) -> int:
        if self.decimals is not None:
            return self.decimals
        return default_decimals(self.unit, self.baseline, self.target)


@dataclass(frozen=True)
class Item:
    no: ItemNo
    policy: int
    title: str
    summary: str
    actions: tuple[str, ...]
    lead: str
    departments: tuple[str, ...]
    measures: tuple[Measure, ...] = ()
    start_year: int | None = None  # first year the item runs (added mid-plan); None = the plan's start
    end_year: int | None = None  # last year it runs; None = the plan's end
    # Planned 財政効果額 (円) per fiscal year, where the plan sets one: ((2026, 1_000_000.0), ...), years ascending.
    effect_plan: tuple[tuple[int, float], ...] = ()
    section: str | None = (
        None  # the 推進項目 (middle level under the 基本方針) it belongs to, where the plan has them
    )

    def runs_in(self, year: int) -> bool:
        return (self.start_year is None or self.start_year <= year) and (
            self.end_year is None or year <= self.end_year
        )


@dataclass(frozen=True)
class Policy:
    no: int
    name: str
    bullets: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """A 推進項目: an optional level between the 基本方針 and its 取組項目 (基本方針 → 推進項目 → 取組)."""

    no: str  # as the plan numbers it ("1-(1)", "2"), text
    policy: int
    name: str


@dataclass(frozen=True)
class HistoricEffect:
    name: str
    effect_yen: int
    as_of: str = ""
    main_efforts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Revision:
    """A plan revision (見直し) decided by the 推進本部: from `year` on, a measure's target or baseline is `new`
    (`old` before), or the item is added (取組追加) or ended (取組終了)."""

    year: int
    kind: str  # 目標値・基準値・取組追加・取組終了 (contract.REVISION_KINDS)
    item: ItemNo
    measure_id: str = ""
    old: float | None = None
    new: float | None = None
    reason: str = ""
    decided: str = ""  # YYYY-MM-DD


@dataclass(frozen=True)
class Plan:
    name: str
    city: str
    city_code: str
    start_year: int
    end_year: int
    baseline_year: int
    policies: tuple[Policy, ...]
    items: tuple[Item, ...]
    history: tuple[HistoricEffect, ...] = ()
    subtitle: str = ""
    english_name: str = ""
    published: str = ""
    basic_goal: str = ""
    basic_goal_text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    grade_scale: GradeScale | None = None  # the plan's own scale; None = DOMAIN.md's S–D (設定 sheet)
    sections: tuple[Section, ...] = ()  # 推進項目, where the plan has three levels
    revisions: tuple[Revision, ...] = ()  # as the master's 計画の見直し table holds them (valid rows only)
    # 設定 values the plan declares itself (settings.PLAN_SETTING_KEYS: 削減額の符号, 効果額計画の数え方), copied to the
    # master's 設定 sheet at init; a setting not declared keeps its default.
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        """The plan's fiscal years, e.g. 2026..2030."""
        return list(range(self.start_year, self.end_year + 1))

    @property
    def measures(self) -> list[Measure]:
        return [m for item in self.items for m in item.measures]

    def item(self, no: ItemNo) -> Item:
        for it in self.items:
            if it.no == no:
                return it
        raise KeyError(no)

    def policy_of(self, item_no: ItemNo) -> Policy:
        no = self.item(item_no).policy
        return next(p for p in self.policies if p.no == no)
