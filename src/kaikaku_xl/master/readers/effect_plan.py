"""The 効果額計画 table of a master (planned 財政効果額 per item and plan year), read into a long frame."""

from __future__ import annotations

import math

import pandas as pd

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.metrics.frames import EFFECT_PLAN_COLUMNS
from kaikaku_xl.plan import item_no
from kaikaku_xl.problems import ERROR
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.typed import NotANumber, parse_number
from kaikaku_xl.years import year_header


def read_effect_plan(
    log: ProblemLog, table: RawTable, items: pd.DataFrame, plan_years: list[int]
) -> pd.DataFrame:
    """item, year, planned (円) for every filled cell, as typed (what the figures compare with is
    metrics.effect_plan.comparable_plan of it); a cell that is not an amount is an error naming it."""
    known = set(items["item"])
    at_item = table.column_index(c.effect_plan_spec(plan_years).column("item").header)
    year_at = {y: table.column_index(year_header(y)) for y in plan_years}
    rows = []
    if at_item is None:
        return pd.DataFrame(columns=EFFECT_PLAN_COLUMNS)
    for i, raw in enumerate(table.rows):
        item = item_no(raw[at_item])
        if item is None or item not in known:
            if any(j is not None and cell_text(raw[j]) for j in year_at.values()):
                log.problem(
                    ERROR,
                    table,
                    i,
                    at_item,
                    f"取組項目 No「{cell_text(raw[at_item])}」は計画にありません。",
                    "取組項目シートにある No にしてください。この行の計画効果額は使いませんでした。",
                )
            continue
        for year, j in year_at.items():
            if j is None or cell_text(raw[j]) == "":
                continue
            try:
                amount = parse_number(raw[j], "円")
            except NotANumber as exc:
                amount, reason = None, str(exc)
            else:
                reason = "" if amount is not None and math.isfinite(amount) else "数値ではありません"
            if amount is None or reason:
                log.problem(
                    ERROR,
                    table,
                    i,
                    j,
                    f"No.{item} の {year}年度の計画効果額「{cell_text(raw[j])}」: {reason}。",
                    "金額（円）を数値で入力してください。この年度は計画なし（達成率 −）としました。",
                )
                continue
            rows.append({"item": item, "year": year, "planned": float(amount)})
    return pd.DataFrame(rows, columns=EFFECT_PLAN_COLUMNS)
