"""An independent, deliberately simple reading of DOMAIN.md in exact arithmetic: the oracle for `report --json`.

It shares no code with `kaikaku_xl.metrics` (nor with the input reader): it gets plain scenario data (what
staff typed, cell by cell, and whether the cell has a % number format) and computes every figure of the report
with `fractions.Fraction` from the shortest decimal of each typed value. Loops and ifs, no pandas, no floats.

Each expected figure carries tags naming the kinds of input that fed it (a value exactly on a grade line, a
% value, an impossible value, the pre-plan evaluation year); the test uses them to say which rule of the issue
a disagreement belongs to.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

BASELINE_YEAR, START_YEAR, END_YEAR = 2024, 2026, 2030
YEARS = list(range(BASELINE_YEAR + 1, END_YEAR + 1))  # years that take actuals
PLAN_YEARS = list(range(START_YEAR, END_YEAR + 1))
GRADES = ("S", "A", "B", "C", "D")
NONE = "−"
NON_NEGATIVE_UNITS = ("円", "件", "枚", "時間", "㎡")
CEILING = Fraction(10) ** 15
PRICES = {"時間": Fraction(2380), "枚": Fraction(2)}  # the default 参考換算 prices of the 設定 sheet


def exact(x: Any) -> Fraction:
    """The decimal staff typed: a float's shortest repr (what Excel shows), a str as written."""
    if isinstance(x, bool):
        raise ValueError(x)
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, float):
        return Fraction(Decimal(repr(x)))
    return Fraction(Decimal(x))


@dataclass
class OMeasure:
    mid: str
    item: int
    seq: int
    unit: str
    direction: str
    baseline: Any
    target: Any
    effect_kind: str
    include: bool
    actuals: dict[int, Any] = field(default_factory=dict)  # year -> typed value (number or text)
    percent_cells: set[int] = field(default_factory=set)  # years whose cell has a % number format
    targets: dict[int, Any] = field(default_factory=dict)  # the city's own yearly targets
    aggregation: str = ""  # 累計: yearly amounts typed, their running total over the plan years is the actual

    @property
    def cumulative(self) -> bool:
        return self.aggregation == "累計"

    revised: dict[int, Any] = field(default_factory=dict)  # plan revisions: first year -> the new target


@dataclass
class OItem:
    no: int
    policy: int
    lead: str
    measures: list[OMeasure]
    status_grade: dict[int, str] = field(default_factory=dict)
    effect_plan: dict[int, Any] = field(
        default_factory=dict
    )  # year -> planned 財政効果額 (円), where the plan has one


@dataclass
class Scenario:
    items: list[OItem]
    evaluation_year: int
    item_grade_rule: str = "主指標"
    include_reference: bool = False
    ledger: list[tuple[int, int, str, Any]] = field(default_factory=list)  # item, year, kind, amount

    @property
    def measures(self) -> list[OMeasure]:
        return [m for it in self.items for m in it.measures]


@dataclass
class Fig:
    """An expected figure: an exact value (None = not computable, '−') and the tags of what fed it."""

    value: Any
    tags: frozenset[str] = frozenset()


# -- reading what was typed ---------------------------------------------------------------------------------
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def read_typed(value: Any, unit: str, percent_cell: bool) -> tuple[str, Fraction | None]:
    """('ok', x) | ('blank', None) | ('error', None): a typed value in the measure's unit, by DOMAIN.md."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return "blank", None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value != value or value in (float("inf"), float("-inf")):
            return "error", None
        x = exact(value)
        if percent_cell:
            x *= 100
        return "ok", x
    text = unicodedata.normalize("NFKC", str(value)).strip()
    sign = 1
    if text[:1] in ("△", "▲"):
        sign, text = -1, text[1:]
    if unit == "%" and text.endswith("%"):
        text = text[:-1]
    elif text.endswith(unit) and unit:
        text = text[: -len(unit)]
    # Thousands separators only where they separate thousands (1,234,567), nothing else.
    if "," in text:
        if not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
            return "error", None
        text = text.replace(",", "")
    if not _PLAIN.match(text) or (sign < 0 and text[:1] in "+-"):
        return "error", None
    try:
        x = Fraction(Decimal(text))
    except (InvalidOperation, ValueError):
        return "error", None
    return "ok", sign * x


def plausible(x: Fraction, unit: str) -> bool:
    if abs(x) >= CEILING:
        return False
    if unit in NON_NEGATIVE_UNITS and x < 0:
        return False
    return not (unit == "%" and not (0 <= x <= 100))


def actual_of(m: OMeasure, year: int) -> tuple[Fraction | None, frozenset[str]]:
    """The value graded for a year: the typed value, or for a 累計 measure the sum of the typed amounts of the
    plan years up to it (not known before the plan or when any of them is not known)."""
    if not m.cumulative:
        return year_value_of(m, year)
    if year < START_YEAR:
        return None, frozenset()
    parts = [year_value_of(m, yy) for yy in PLAN_YEARS if yy <= year]
    tags = frozenset().union(*(t for _, t in parts))
    if any(x is None for x, _ in parts):
        return None, tags
    return sum((x for x, _ in parts), Fraction(0)), tags  # type: ignore[misc]


def year_value_of(m: OMeasure, year: int) -> tuple[Fraction | None, frozenset[str]]:
    """A measure's value for a year as typed, and its tags ('impossible', 'percent')."""
    state, x = read_typed(m.actuals.get(year), m.unit, year in m.percent_cells)
    tags: set[str] = set()
    if m.unit == "%" and state == "ok":
        tags.add("percent")
    if state == "error" or (state == "ok" and not plausible(x, m.unit)):
        return None, frozenset({"impossible"})
    return x, frozenset(tags)


def error_years(m: OMeasure) -> list[int]:
    return [y for y in YEARS if "impossible" in year_value_of(m, y)[1]]


def jump_years(m: OMeasure) -> list[int]:
    """Years whose value jumped more than tenfold against the last known value (at first: the baseline)."""
    out = []
    previous = exact(m.baseline)
    for y in YEARS:
        x, _ = year_value_of(m, y)
        if x is None:
            continue
        if x != 0 and previous != 0:
            big, small = max(abs(x), abs(previous)), min(abs(x), abs(previous))
            if big > 10 * small:
                out.append(y)
        previous = x
    return out


# -- the rules ---------------------------------------------------------------------------------------------
def own_target(m: OMeasure, year: int) -> Fraction | None:
    """The city's own target for the year, when typed and plausible (an impossible one is an input error)."""
    typed = m.targets.get(year)
    if typed is None:
        return None
    x = exact(typed)
    return x if plausible(x, m.unit) else None


def target_in(m: OMeasure, year: int) -> Fraction:
    """The target in force in `year`: the latest revision from that year or before, else the plan's."""
    started = [y for y in m.revised if y <= year]
    return exact(m.revised[max(started)]) if started else exact(m.target)


def planned_amount(m: OMeasure, year: int) -> Fraction:
    """A 累計 measure's planned amount of one plan year: its own target, else an equal share of the target."""
    own = own_target(m, year)
    return own if own is not None else exact(m.target) / len(PLAN_YEARS)


def planned_value(m: OMeasure, year: int) -> Fraction | None:
    if m.cumulative:
        return (
            None
            if year < START_YEAR
            else sum((planned_amount(m, yy) for yy in PLAN_YEARS if yy <= year), Fraction(0))
        )
    if own_target(m, year) is not None:
        return own_target(m, year)  # type: ignore[return-value]
    b, t = exact(m.baseline), target_in(m, year)
    return b + (t - b) * Fraction(year - BASELINE_YEAR, END_YEAR - BASELINE_YEAR)


def progress(a: Fraction | None, b: Fraction, t: Fraction) -> Fraction | None:
    if a is None or t == b:
        return None
    return (a - b) / (t - b)


def attainment(a: Fraction | None, t: Fraction, direction: str) -> Fraction | None:
    if a is None:
        return None
    num, den = (t, a) if direction == "減少" else (a, t)
    return None if den == 0 else num / den


def grade(rate: Fraction | None, p: Fraction) -> tuple[str, bool]:
    """(grade, whether the rate lies exactly on one of the lines)."""
    if rate is None:
        return NONE, False
    on_line = rate in (Fraction(1), p, Fraction(3, 5) * p, Fraction(0))
    if rate >= 1:
        return "S", on_line
    if rate >= p:
        return "A", on_line
    if rate >= Fraction(3, 5) * p:
        return "B", on_line
    if rate >= 0:
        return "C", on_line
    return "D", on_line


def effect(m: OMeasure, value: Fraction | None) -> Fraction | None:
    """財政効果額 of a typed value (for a 累計 measure: of the year's own amount, which is itself the effect)."""
    if value is None:
        return None
    if m.cumulative:
        if m.effect_kind in ("歳出削減", "歳入増加"):
            return value
        return value * PRICES[m.unit] if m.effect_kind == "参考" and m.unit in PRICES else None
    b = exact(m.baseline)
    if m.effect_kind == "歳出削減":
        return b - value
    if m.effect_kind == "歳入増加":
        return value - b
    if m.effect_kind == "参考" and m.unit in PRICES:
        better = b - value if m.direction == "減少" else value - b
        return better * PRICES[m.unit]
    return None


def counted(m: OMeasure, sc: Scenario) -> bool:
    money = m.effect_kind in ("歳出削減", "歳入増加")
    return m.include and (money or (m.effect_kind == "参考" and sc.include_reference))


def total(parts: list[Fig]) -> Fig:
    """A sum over parts: None when no part is known; the tags of every part (known or not)."""
    tags = frozenset().union(*(p.tags for p in parts)) if parts else frozenset()
    known = [p.value for p in parts if p.value is not None]
    return Fig(sum(known, Fraction(0)) if known else None, tags)


def ratio(num: Fig, den: Fig) -> Fig:
    tags = num.tags | den.tags
    if num.value is None or den.value is None or den.value == 0:
        return Fig(None, tags)
    return Fig(num.value / den.value, tags)


def effect_fig(m: OMeasure, year: int, planned: bool = False) -> Fig:
    """財政効果額 of a year: of the typed value (a 累計 measure: of the year's amount, not of the running total)."""
    if planned:
        return Fig(effect(m, planned_amount(m, year) if m.cumulative else planned_value(m, year)))
    a, tags = year_value_of(m, year) if m.cumulative else actual_of(m, year)
    return Fig(effect(m, a), tags)


def expected_report(sc: Scenario) -> dict[str, Any]:
    y = sc.evaluation_year
    pre_plan = frozenset({"pre_plan"}) if y < START_YEAR else frozenset()
    measures: dict[str, dict[str, Fig]] = {}
    for m in sc.measures:
        b, t = exact(m.baseline), target_in(m, y)
        a, tags = actual_of(m, y)
        flat = t == b
        if m.cumulative:  # its line runs from 0 before the plan's first year to the target at its end
            own_path = y >= START_YEAR and any(own_target(m, yy) is not None for yy in PLAN_YEARS if yy <= y)
            p = (
                progress(planned_value(m, y), b, t)
                if own_path
                else Fraction(y - START_YEAR + 1, END_YEAR - START_YEAR + 1)
            )
        else:
            p = (
                Fraction(1)
                if flat
                else (
                    progress(planned_value(m, y), b, t)
                    if own_target(m, y) is not None
                    else Fraction(y - BASELINE_YEAR, END_YEAR - BASELINE_YEAR)
                )
            )
        r, att = progress(a, b, t), attainment(a, t, m.direction)
        g, on_line = grade(att if flat else r, p)
        gtags = tags | ({"boundary"} if on_line else set())
        measures[m.mid] = {
            "actual": Fig(a, tags),
            "planned": Fig(planned_value(m, y)),
            "progress": Fig(r, tags),
            "attainment": Fig(att, tags),
            "planned_progress": Fig(p),
            "grade": Fig(g, frozenset(gtags)),
            "effect": effect_fig(m, y),
            "counted": Fig(counted(m, sc)),
            "target": Fig(t),
            "year_actual": Fig(year_value_of(m, y)[0], year_value_of(m, y)[1]),
        }
    items: dict[int, Fig] = {}
    for it in sc.items:
        if it.measures:
            own = [measures[m.mid]["grade"] for m in it.measures]
            if sc.item_grade_rule == "最低評価":
                graded = [f for f in own if f.value in GRADES]
                worst = max(graded, key=lambda f: GRADES.index(f.value)).value if graded else NONE
                items[it.no] = Fig(worst, frozenset().union(*(f.tags for f in own)))
            else:
                items[it.no] = own[0]
        else:
            items[it.no] = Fig(it.status_grade.get(y, NONE) if y in PLAN_YEARS else NONE)

    def ledger_fig(item_filter: set[int] | None, year: int) -> list[Fig]:
        return [
            Fig(exact(amount))
            for (no, ly, _kind, amount) in sc.ledger
            if ly == year and (item_filter is None or no in item_filter)
        ]

    def year_total(group: list[OItem] | None, year: int) -> Fig:
        """財政効果額 of a year over counted measures and ledger entries (of a group of items, or all)."""
        its = sc.items if group is None else group
        parts = [effect_fig(m, year) for it in its for m in it.measures if counted(m, sc)]
        parts += ledger_fig({it.no for it in its}, year)
        return total(parts)

    def group_fig(members: list[OItem]) -> dict[str, Fig]:
        grades = [items[it.no] for it in members]
        n = {g: sum(1 for f in grades if f.value == g) for g in (*GRADES, NONE)}
        gtags = frozenset().union(*(f.tags for f in grades)) if grades else frozenset()
        graded = sum(n[g] for g in GRADES)
        progresses = [measures[m.mid]["progress"] for it in members for m in it.measures]
        known = [f.value for f in progresses if f.value is not None]
        ptags = frozenset().union(*(f.tags for f in progresses)) if progresses else frozenset()
        if y in PLAN_YEARS:
            single = year_total(members, y)
            cumulative = total([year_total(members, yy) for yy in PLAN_YEARS if yy <= y])
        else:
            single = cumulative = Fig(None)
        # 効果額計画: the members' plans of the year (and so far); 実績 ÷ 計画, not known without a plan or at 0
        plan_year = total([Fig(exact(it.effect_plan[y])) for it in members if y in it.effect_plan])
        plan_so_far = total(
            [Fig(exact(a)) for it in members for yy, a in it.effect_plan.items() if START_YEAR <= yy <= y]
        )
        counted_here = [m for it in members for m in it.measures if counted(m, sc)]
        missing_year = sum(1 for m in counted_here if y in PLAN_YEARS and effect_fig(m, y).value is None)
        missing_all = sum(
            1 for m in counted_here for yy in PLAN_YEARS if yy <= y and effect_fig(m, yy).value is None
        )
        return {
            "items": Fig(len(members)),
            "graded": Fig(graded, gtags),
            **{f"n_{g}": Fig(n[g], gtags) for g in (*GRADES, NONE)},
            **{f"share_{g}": Fig(Fraction(n[g], graded) if graded else None, gtags) for g in GRADES},
            "mean_progress": Fig(sum(known, Fraction(0)) / len(known) if known else None, ptags),
            "effect_year": Fig(single.value, single.tags | pre_plan),
            "effect_cumulative": Fig(cumulative.value, cumulative.tags | pre_plan),
            "effect_year_missing": Fig(missing_year, single.tags),
            "effect_cumulative_missing": Fig(missing_all, cumulative.tags),
            "counted_measures": Fig([m.mid for it in members for m in it.measures if counted(m, sc)]),
            "effect_plan_year": plan_year,
            "effect_plan_cumulative": plan_so_far,
            "effect_plan_attainment": ratio(Fig(single.value, single.tags), plan_year),
            "effect_plan_attainment_cumulative": ratio(Fig(cumulative.value, cumulative.tags), plan_so_far),
        }

    def grouped(key: str | None) -> dict[Any, dict[str, Fig]]:
        keys = sorted({getattr(it, key) for it in sc.items}) if key else ["全体"]
        out = {k: group_fig([it for it in sc.items if key is None or getattr(it, key) == k]) for k in keys}
        # 分野別割合: each group's 単年度効果額 ÷ the sum over the groups' known ones (not known when that is 0)
        whole = total([figs["effect_year"] for figs in out.values()])
        for figs in out.values():
            figs["effect_share"] = ratio(figs["effect_year"], whole)
        return out

    by_year: dict[int, dict[str, Fig]] = {}
    run_single: list[Fig] = []
    run_measures: list[Fig] = []
    run_planned: list[Fig] = []
    run_plans: list[Fig] = []
    for yy in PLAN_YEARS:
        counted_measures = [m for m in sc.measures if counted(m, sc)]
        meas = total([effect_fig(m, yy) for m in counted_measures])
        ledger = total(ledger_fig(None, yy))
        single = total([meas, ledger])
        planned = total([effect_fig(m, yy, planned=True) for m in counted_measures])
        reference = total([effect_fig(m, yy) for m in sc.measures if m.effect_kind == "参考"])
        run_single.append(single)
        run_measures.append(meas)
        run_planned.append(planned)
        row = {
            "measures": meas,
            "ledger": ledger,
            "single_year": single,
            "cumulative": total(run_single),
            "planned": planned,
            "planned_cumulative": total(run_planned),
            "attainment": ratio(meas, planned),
            "attainment_cumulative": ratio(total(run_measures), total(run_planned)),
            "reference": reference,
            "missing": Fig(sum(1 for m in counted_measures if effect_fig(m, yy).value is None)),
        }
        plans = total([Fig(exact(it.effect_plan[yy])) for it in sc.items if yy in it.effect_plan])
        run_plans.append(plans)
        row.update(
            {
                "effect_plan": plans,
                "effect_plan_cumulative": total(run_plans),
                "effect_plan_attainment": ratio(single, plans),
                "effect_plan_attainment_cumulative": ratio(total(run_single), total(run_plans)),
            }
        )
        if yy > y:  # results of years after the evaluation year are not known yet
            row = {
                k: (
                    v
                    if k in ("planned", "planned_cumulative", "effect_plan", "effect_plan_cumulative")
                    else Fig(None, v.tags | pre_plan)
                )
                for k, v in row.items()
            }
        by_year[yy] = row
    headline = by_year.get(y)
    return {
        "measures": measures,
        "items": items,
        "policies": grouped("policy"),
        "departments": grouped("lead"),
        "total": grouped(None)["全体"],
        "by_year": by_year,
        "single_year": Fig(headline["single_year"].value, headline["single_year"].tags)
        if headline
        else Fig(None, pre_plan),
        "cumulative": Fig(headline["cumulative"].value, headline["cumulative"].tags)
        if headline
        else Fig(None, pre_plan),
        "error_cells": {(m.mid, yy) for m in sc.measures for yy in error_years(m)},
        "jump_cells": {(m.mid, yy) for m in sc.measures for yy in jump_years(m)},
    }
