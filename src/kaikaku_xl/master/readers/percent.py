"""The % reading rule (docs/decisions.md): a % measure's number in points (30 = 30%), read the same way by the 指標
reader (基準値, 目標値), the yearly values (実績, 年度目標) and collect (a department's returned 実績)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.problems import WARNING
from kaikaku_xl.xlsx.engine import RawTable


def read_percent(
    log: ProblemLog, table: RawTable, i: int, j: int, raw: Any, value: float, what: str
) -> float:
    """A % measure's number in points (30 = 30%): a fraction only where the cell's own format is a percentage.

    No guessing from the size of the value (docs/decisions.md): 1 in a plain cell is 1%. Where the engine
    cannot see formats (Excel on the web), a value between 0 and 1 is read as points and flagged.
    """
    percent_cell = table.is_percent(i, j)
    if percent_cell and isinstance(raw, int | float) and not isinstance(raw, bool):
        # In decimal: 0.3 × 100 is 30, not 30.000000000000004.
        return float(Decimal(repr(float(raw))) * 100)
    if percent_cell is None and 0 < abs(value) <= 1:
        log.problem(
            WARNING,
            table,
            i,
            j,
            f"{what}の値 {raw} を {value:g}% として読みました（セルの表示形式を確認できません）。",
            "％の指標は 30 のように％の数値で入力してください。30% と表示される書式のセルなら問題ありません。",
        )
    return value
