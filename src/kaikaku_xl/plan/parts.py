"""The TOML tables of a plan's parts ([[items]], their measures, [[sections]], effect_plan) turned into the model.

Separate from `load.py` (the whole file and the plan's head) because each part has its own checks, every one
naming the item or measure at fault.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from kaikaku_xl.errors import PlanError
from kaikaku_xl.plan.model import (
    AGGREGATIONS,
    CUMULATIVE,
    DIRECTIONS,
    EFFECT_KINDS,
    MONEY_KINDS,
    Item,
    ItemNo,
    Measure,
    Section,
    item_no,
    section_no,
)
from kaikaku_xl.plan.money import normal_unit, unit_problem
from kaikaku_xl.plan.numformat import MAX_DECIMALS
from kaikaku_xl.plan.period import year_problem


def file_name_part(name: str) -> str:
    """A department name as it goes into its file's name: usable on Windows (no \\ / : * ? " < > |, no spaces or
    control characters)."""
    return re.sub(r'[\\/:*?"<>|\s\x00-\x1f]+', "_", name).strip("._") or "担当課"


def same_file_name(name: str) -> str:
    """What to say of two 主要担当課 whose names make one department file name (after naming both)."""
    return (
        f"配布ファイルの名前にすると同じ「{file_name_part(name)}」になります。"
        "同じ課なら同じ書き方に、別の課なら区別できる名前にしてください。"
    )


def file_name_key(name: str) -> str:
    """What two departments must not share: the cleaned name as Windows and macOS compare file names (case and
    Unicode composition ignored)."""
    return unicodedata.normalize("NFC", file_name_part(name)).casefold()


def require(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table or table[key] is None or table[key] == "":
        raise PlanError(f"{where}: 「{key}」がありません。")
    return table[key]


def _number(value: Any, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PlanError(f"{where}: 「{key}」が数値ではありません（{value!r}）。")
    return float(value)


def _limit(value: Any, where: str, key: str, none: float) -> float | None:
    """A measure's own plausible limit: a number, or "なし" for no limit on that side."""
    if value is None:
        return None
    if value == "なし":
        return none
    return _number(value, where, f"{key}（許容範囲）")


def _measure(raw: dict[str, Any], item_no: ItemNo, seq: int) -> Measure:
    where = f"取組項目 No.{item_no} の指標{seq}"
    name = str(require(raw, "name", where))
    where = f"取組項目 No.{item_no} の指標「{name}」"
    unit = normal_unit(require(raw, "unit", where))
    direction = str(require(raw, "direction", where))
    if direction not in DIRECTIONS:
        raise PlanError(f"{where}: 方向「{direction}」は不明です（増加・減少・維持のいずれか）。")
    effect_kind = str(raw.get("effect_kind", ""))
    if effect_kind not in EFFECT_KINDS:
        raise PlanError(
            f"{where}: 財政効果区分「{effect_kind}」は不明です（歳出削減・歳入増加・参考・空欄）。"
        )
    if problem := unit_problem(unit, effect_kind):
        raise PlanError(f"{where}: {problem}")
    aggregation = str(raw.get("aggregation") or "")
    if aggregation not in AGGREGATIONS:
        raise PlanError(f"{where}: 集計「{aggregation}」は不明です（単年度・累計・空欄）。")
    aggregation = "" if aggregation == "単年度" else aggregation
    if aggregation == CUMULATIVE:
        check_cumulative(raw.get("baseline"), direction, where)
        raw = {**raw, "baseline": raw.get("baseline") or 0}
    baseline = _number(require(raw, "baseline", where), where, "baseline（基準値）")
    target = _number(require(raw, "target", where), where, "target（目標値）")
    if direction == "維持" and baseline != target:
        raise PlanError(f"{where}: 方向が維持なのに基準値と目標値が異なります。")
    decimals = raw.get("decimals")
    if decimals is not None and (
        isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= MAX_DECIMALS
    ):
        raise PlanError(
            f"{where}: 小数桁（decimals）は 0〜{MAX_DECIMALS} の整数にしてください（{decimals!r}）。"
        )
    return Measure(
        item=item_no,
        seq=seq,
        name=name,
        unit=unit,
        direction=direction,
        baseline=baseline,
        target=target,
        effect_kind=effect_kind,
        include_in_effect=bool(raw.get("include_in_effect", effect_kind in MONEY_KINDS)),
        note=str(raw.get("note", "")),
        decimals=decimals,
        allowed_min=_limit(raw.get("allowed_min"), where, "allowed_min", -math.inf),
        allowed_max=_limit(raw.get("allowed_max"), where, "allowed_max", math.inf),
        aggregation=aggregation,
    )


def check_cumulative(baseline: Any, direction: str, where: str) -> None:
    """A 累計 measure adds up yearly amounts from the plan's first year: its baseline is that running total before
    the plan, 0 by definition (blank reads as 0), and it can only grow towards its target (増加)."""
    if baseline not in (None, "", 0, 0.0):
        raise PlanError(
            f"{where}: 累計の指標の基準値は 0（計画期間が始まる前の累計）です（{baseline!r}）。"
            "計画前の実績は指標の備考に書いてください。"
        )
    if direction != "増加":
        raise PlanError(
            f"{where}: 累計の指標の方向は「増加」です（各年度の値を足し上げ、目標値と比べます）。"
        )


def parse_item(raw: dict[str, Any], policy_nos: set[int], sections: dict[str, Section] | None = None) -> Item:
    no = item_no(raw.get("no"))
    if no is None:
        raise PlanError(f"取組項目「{raw.get('title', '?')}」: 番号（no）がありません。")
    where = f"取組項目 No.{no}"
    section = section_no(raw.get("section"))
    if section is not None:
        if section not in (sections or {}):
            raise PlanError(f"{where}: 推進項目「{section}」は計画にありません（[[sections]]）。")
        owner = (sections or {})[section].policy
        if raw.get("policy") not in (None, "", owner):
            raise PlanError(
                f"{where}: 基本方針 {raw.get('policy')} が推進項目「{section}」の基本方針 {owner} と違います。"
            )
        raw = {**raw, "policy": owner}
    policy = require(raw, "policy", where)
    if policy not in policy_nos:
        raise PlanError(f"{where}: 基本方針 {policy} は計画にありません。")
    departments = tuple(str(d) for d in raw.get("departments", ()))
    lead = str(raw.get("lead") or (departments[0] if len(departments) == 1 else ""))
    if not lead:
        raise PlanError(f"{where}: 主要担当課（lead）がありません。")
    if lead not in departments:
        departments = (lead, *departments)
    measures = tuple(_measure(m, no, i) for i, m in enumerate(raw.get("measures", ()), start=1))
    years: list[int | None] = []
    for key, label in (("start_year", "開始年度"), ("end_year", "終了年度")):
        value = raw.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise PlanError(f"{where}: {label}（{key}）が整数ではありません。")
        problem = None if value is None else year_problem(value)
        if problem:
            raise PlanError(f"{where}: {label}（{key}）: {problem}")
        years.append(value)
    start, end = years
    if start is not None and end is not None and start > end:
        raise PlanError(f"{where}: 開始年度が終了年度より後です。")
    return Item(
        effect_plan=_effect_plan(raw.get("effect_plan"), where),
        section=section,
        no=no,
        policy=int(policy),
        title=str(require(raw, "title", where)),
        summary=str(raw.get("summary", "")),
        actions=tuple(str(a) for a in raw.get("actions", ())),
        lead=lead,
        departments=departments,
        measures=measures,
        start_year=start,
        end_year=end,
    )


def parse_sections(raw: Any, policy_nos: set[int]) -> tuple[Section, ...]:
    """The plan's 推進項目 ([[sections]] no, policy, name), in the plan's order; none for a two-level plan."""
    out: list[Section] = []
    for entry in raw or ():
        no = section_no(entry.get("no"))
        where = f"推進項目 {no or '?'}"
        if no is None:
            raise PlanError("推進項目: 番号（no）がありません。")
        policy = require(entry, "policy", where)
        if policy not in policy_nos:
            raise PlanError(f"{where}: 基本方針 {policy} は計画にありません。")
        if any(s.no == no for s in out):
            raise PlanError(f"{where} が重複しています。")
        out.append(Section(no=no, policy=int(policy), name=str(require(entry, "name", where))))
    return tuple(out)


def _effect_plan(raw: Any, where: str) -> tuple[tuple[int, float], ...]:
    """An item's planned 財政効果額 per year: a table {"2026" = 1000000, ...} (TOML keys are text)."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise PlanError(
            f"{where}: 計画効果額（effect_plan）は {{2026 = 1000000, ...}} の形で書いてください。"
        )
    out = {}
    for key, value in raw.items():
        try:
            year = int(str(key))
        except ValueError:
            raise PlanError(f"{where}: 計画効果額の年度「{key}」が西暦の整数ではありません。") from None
        out[year] = _number(value, where, f"計画効果額（{year}年度）")
    return tuple(sorted(out.items()))
