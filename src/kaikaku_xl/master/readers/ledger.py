"""The 効果額台帳 table (contract.LEDGER): 財政効果額 entered as amounts (one row per entry, keyed by item No and
年度), read into the ledger frame. A row that cannot be counted (an unknown 区分, an amount that is not one) is an
error naming its cell and is left out."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kaikaku_xl.errors import shown
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.locate import positions
from kaikaku_xl.master.readers.base import ProblemLog, plan_rows
from kaikaku_xl.metrics.frames import LEDGER_COLUMNS
from kaikaku_xl.plan.settings import REDUCTION_SIGNS
from kaikaku_xl.plan.vocabulary import LEDGER_KINDS
from kaikaku_xl.problems import ERROR, WARNING
from kaikaku_xl.rounding import format_yen
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.typed import NotANumber, parse_number

SKIPPED = "この行は集計していません。"
NEGATIVE = REDUCTION_SIGNS[1]  # 負: the plan prints reductions as negative numbers


def read_ledger(log: ProblemLog, table: RawTable, items: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """item, year, kind, amount (円) and what (the entry's 内容) of every row that can be counted."""
    pos = positions(table, c.LEDGER)  # a master of an earlier release heads the amount 金額: read alike
    if len(pos) < len(c.LEDGER.columns):
        log.require_columns(table, c.LEDGER, [col.key for col in c.LEDGER.columns if col.key not in pos])
        return pd.DataFrame(columns=[*LEDGER_COLUMNS, "what"])
    rows = []
    for i, raw, item, year in plan_rows(log, table, pos, set(items["item"]), years, SKIPPED):
        kind = cell_text(raw[pos["kind"]])
        if kind not in LEDGER_KINDS:
            log.problem(
                ERROR,
                table,
                i,
                pos["kind"],
                f"区分「{shown(kind)}」は使えません。",
                "歳出削減・歳入増加から選んでください。" + SKIPPED,
            )
            continue
        amount = _amount(log, table, i, raw, pos)
        if amount is None:
            continue
        amount = _signed(log, table, i, pos["amount"], amount, kind)
        if not cell_text(raw[pos["basis"]]):
            log.problem(
                WARNING,
                table,
                i,
                pos["basis"],
                "算定根拠が空欄です。",
                "算定根拠を記入してください（監査・公表用）。",
            )
        rows.append(
            {"item": item, "year": year, "kind": kind, "amount": amount, "what": cell_text(raw[pos["what"]])}
        )
    return pd.DataFrame(rows, columns=[*LEDGER_COLUMNS, "what"])


def _signed(log: ProblemLog, table: RawTable, i: int, j: int, amount: float, kind: str) -> float:
    """The entry's effect as the plan's sign convention reads it (設定 削減額の符号): under 正 an effect is positive
    and a negative amount is read as typed (a loss); under 負 reductions are printed negative and read as positive
    effects. The sign the convention does not expect is a warning naming the cell and saying how it was read."""
    negative = log.config.reduction_sign == NEGATIVE
    effect = (-amount if negative else amount) + 0.0  # + 0.0: no -0.0
    if amount == 0 or (amount < 0) == negative:
        return effect
    read = f"効果額 {format_yen(effect)}（マイナスの効果）として集計しました。"
    if negative:
        message = f"{kind}の金額 {format_yen(amount)} が正の数です（削減額の符号: 負）。"
        action = "削減額の符号が「負」の計画なので " + read + "効果なら負の数で入力してください。"
    else:
        message = f"{kind}の金額 {format_yen(amount)} が負の数です。"
        action = (
            "入力のとおり " + read + "効果なら正の数で入力してください。削減額を負の数で書く計画は、"
            "設定シートの「削減額の符号」を「負」にします。"
        )
    log.problem(WARNING, table, i, j, message, action)
    return effect


def _amount(log: ProblemLog, table: RawTable, i: int, raw: list[Any], pos: dict[str, int]) -> float | None:
    """The row's 金額 in 円; None (and an error naming the cell) where it is blank or not an amount."""
    try:
        amount = parse_number(raw[pos["amount"]], "円")
    except NotANumber as exc:
        log.problem(
            ERROR,
            table,
            i,
            pos["amount"],
            f"金額（円）「{shown(raw[pos['amount']])}」: {exc}。",
            "金額を円単位の数値で入力してください。" + SKIPPED,
        )
        return None
    if amount is None:
        log.problem(
            ERROR, table, i, pos["amount"], "金額（円）が空欄です。", "金額を円単位で入力してください。"
        )
    return amount
