"""Optional sheets of a plan workbook: 効果額計画 (planned 財政効果額 per item and year, one row each) and 推進項目
(the middle level of a three-level plan)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kaikaku_xl.plan import ItemNo, section_no
from kaikaku_xl.plan.money import MONEY_UNIT_NAMES, YEN, to_yen, yen_factor
from kaikaku_xl.plan_io.contract import EFFECT_PLAN_AMOUNT, PLAN_EFFECTS, PLAN_SECTIONS
from kaikaku_xl.plan_io.sheet import HEADER_SEARCH_ROWS, norm
from kaikaku_xl.xlsx.tablespec import TableSpec

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

    from kaikaku_xl.plan_io.sheet import PlanReader


def read_effect_plans(
    reader: PlanReader, wb: Workbook, items: dict[ItemNo, dict[str, Any]], period: tuple[int, int] | None
) -> None:
    """Put each row's amount, in 円, into its item's effect_plan {"2026": amount}; problems go to the reader.

    The amount column's header states the plan's unit (計画効果額（百万円）): amounts become 円 exactly."""
    if PLAN_EFFECTS.sheet not in wb.sheetnames:
        return  # optional sheet (plan workbooks written before it)
    stated = _stated_unit(reader, wb[PLAN_EFFECTS.sheet])
    if stated is None:
        return
    spec, factor = stated
    for row in reader.rows(wb, spec):
        if not reader.required(row, spec):
            continue
        item = reader.item_no(row, "item")
        year = reader.year(row, "year", "年度")
        amount = reader.number(row, "amount", "計画効果額", YEN)
        if item is not None and item not in items:
            reader.bad(row, "item", f"取組項目 No.{item} は取組項目シートにありません。")
            continue
        if year is not None and period and not period[0] <= year <= period[1]:
            reader.bad(row, "year", f"{year}年度は推進期間（{period[0]}〜{period[1]}年度）の外です。")
            continue
        if item is None or year is None or amount is None:
            continue
        plans = items[item].setdefault("effect_plan", {})
        if str(year) in plans:
            reader.bad(row, "year", f"No.{item} の {year}年度の計画効果額が重複しています。")
            continue
        plans[str(year)] = to_yen(amount, factor)


_STATED = re.compile(rf"^{EFFECT_PLAN_AMOUNT}\s*(?:[(（](?P<unit>[^)）]*)[)）])?$")


def _stated_unit(reader: PlanReader, ws: Any) -> tuple[TableSpec, int] | None:
    """The 効果額計画 spec with the header as the sheet has it, and the unit's 円 factor (a header without a unit,
    計画効果額, is in 円); None (and the header cell named) where the stated unit is not money."""
    for cells in ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS):
        for cell in cells:
            match = _STATED.match(norm(cell.value))
            if not match:
                continue
            factor = yen_factor(match["unit"] or YEN)
            if factor is None:
                reader.problems.append(
                    (
                        PLAN_EFFECTS.sheet,
                        cell.coordinate,
                        f"見出し「{cell.value}」の単位「{match['unit']}」は金額の単位ではありません"
                        f"（{MONEY_UNIT_NAMES}）。",
                    )
                )
                return None
            column = replace(PLAN_EFFECTS.column("amount"), header=str(cell.value))
            columns = tuple(column if c.key == "amount" else c for c in PLAN_EFFECTS.columns)
            return replace(PLAN_EFFECTS, columns=columns), factor
    return PLAN_EFFECTS, 1  # no such header: rows() names the missing column


def read_sections(reader: PlanReader, wb: Workbook, policy_nos: set[int]) -> list[dict[str, Any]]:
    """The 推進項目 rows (no, policy, name); none when the sheet is absent or empty (a two-level plan)."""
    spec = PLAN_SECTIONS
    if spec.sheet not in wb.sheetnames:
        return []
    out: list[dict[str, Any]] = []
    for row in reader.rows(wb, spec):
        if not reader.required(row, spec):
            continue
        no, policy = section_no(row.value("no")), reader.integer(row, "policy", "基本方針")
        if no is None or policy is None:
            continue
        if policy_nos and policy not in policy_nos:
            reader.bad(row, "policy", f"基本方針「{policy}」は基本方針シートにありません。")
            continue
        if any(x["no"] == no for x in out):
            reader.bad(row, "no", f"推進項目「{no}」が重複しています。")
            continue
        out.append({"no": no, "policy": policy, "name": reader.text(row, "name")})
    return out
