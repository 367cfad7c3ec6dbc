"""The 指標 sheet of a plan workbook: one measure per row, every mistake with its cell (plan_io/reader.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kaikaku_xl.plan import AGGREGATIONS, CUMULATIVE, DIRECTIONS, EFFECT_KINDS, ItemNo
from kaikaku_xl.plan.money import normal_unit, unit_problem
from kaikaku_xl.plan.vocabulary import YES_NO
from kaikaku_xl.plan_io.contract import PLAN_MEASURES

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

    from kaikaku_xl.plan_io.sheet import PlanReader


def read_measures(reader: PlanReader, wb: Workbook, items: dict[ItemNo, dict[str, Any]]) -> None:
    """Add each row's measure to its item in `items`; problems go to the reader."""
    spec = PLAN_MEASURES
    seen = set()
    for row in reader.rows(wb, spec):
        mark = reader.mark()  # every check of the row runs; the row is dropped after them if one failed
        aggregation = (
            reader.choice(row, "aggregation", "集計", AGGREGATIONS) if "aggregation" in row.cells else ""
        )
        cumulative = aggregation == CUMULATIVE
        # A 累計 measure's baseline is 0 by definition (the running total before the plan): blank is allowed.
        complete = reader.required(row, spec, optional=("baseline",) if cumulative else ())
        item = reader.item_no(row, "item")
        name, unit = reader.text(row, "name"), normal_unit(reader.text(row, "unit"))
        direction = reader.choice(row, "direction", "方向", DIRECTIONS)
        kind = reader.choice(row, "effect_kind", "効果区分", EFFECT_KINDS)
        include = reader.choice(row, "include_in_effect", "効果額に算入", ("", *YES_NO))
        baseline = reader.number(row, "baseline", "基準値", unit)
        if cumulative and baseline is None and reader.blank(row, "baseline"):
            baseline = 0.0
        target = reader.number(row, "target", "目標値", unit)
        if item is not None and item not in items:
            reader.bad(row, "item", f"取組項目 No.{item} は取組項目シートにありません。")
        if kind and (problem := unit_problem(unit, kind)):
            reader.bad(row, "unit", problem)  # the row's other checks still run: every mistake at once
        if name and (item, name) in seen:
            reader.bad(row, "name", f"No.{item} の指標「{name}」が重複しています。")
        seen.add((item, name))
        if direction == "維持" and baseline is not None and target is not None and baseline != target:
            reader.bad(row, "target", "方向が維持なのに基準値と目標値が異なります。")
        if cumulative and baseline not in (None, 0):
            reader.bad(
                row,
                "baseline",
                "累計の指標の基準値は 0 です（計画期間が始まる前の累計）。空欄か 0 にしてください。",
            )
        if cumulative and direction not in (None, "増加"):
            reader.bad(
                row, "direction", "累計の指標の方向は「増加」です（各年度の値を足し上げて目標値と比べます）。"
            )
        if (
            reader.faulty_since(mark)
            or not complete
            or item is None
            or None in (direction, kind, include, baseline, target, aggregation)
        ):
            continue
        measure: dict[str, Any] = {
            "name": name,
            "unit": unit,
            "direction": direction,
            "baseline": baseline,
            "target": target,
            "effect_kind": kind,
            "note": reader.text(row, "note"),
        }
        if include:
            measure["include_in_effect"] = include == "はい"
        if aggregation:
            measure["aggregation"] = aggregation
        items[item]["measures"].append(measure)
