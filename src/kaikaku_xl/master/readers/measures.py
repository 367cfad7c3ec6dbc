"""Reading the 指標 table: one row per measure, each cell checked where it can be wrong; part of inputs.Reader.

A measure that cannot be evaluated (unknown item, no baseline, a 累計 measure that cannot be one) is left out with
an error naming its cell; a doubtful cell that still has a clear reading (an unknown 効果区分, a bad 小数桁) is a
warning and the row is kept. The % reading (percent_points) is shared with the yearly values.
"""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal
from functools import partial
from typing import Any

import pandas as pd

from kaikaku_xl.errors import shown
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.metrics.frames import MEASURE_COLUMNS
from kaikaku_xl.plan import AGGREGATIONS, CUMULATIVE, DIRECTIONS, EFFECT_KINDS, item_no
from kaikaku_xl.plan.numformat import MAX_DECIMALS
from kaikaku_xl.plan.plausibility import NO_LIMIT, Bounds, violation
from kaikaku_xl.problems import ERROR, WARNING
from kaikaku_xl.text import cell_text, match_key
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.typed import NotANumber, parse_number, whole_number

_YES = ("はい", "TRUE", "True", "1", "○")  # 効果額に算入


_LEVELS = (("baseline", "基準値"), ("target", "目標値"))


class MeasuresReader(ProblemLog):
    """The reader of the 指標 table (and the % reading every measure value shares)."""

    def measures(self, table: RawTable, items: pd.DataFrame) -> pd.DataFrame:
        keys = [col.key for col in c.MEASURES.columns if col.key not in c.MEASURE_OPTIONAL_KEYS]
        pos = self.require_columns(table, c.MEASURES, keys)
        if pos is None:
            return pd.DataFrame(columns=MEASURE_COLUMNS)
        # Optional columns (masters built before them still load): their index, or None.
        at = {key: table.column_index(c.MEASURES.column(key).header) for key in c.MEASURE_OPTIONAL_KEYS}
        policy_of = dict(
            zip(items["item"], items["policy"], strict=True)
        )  # dicts: one lookup per row is cheap
        lead_of = dict(zip(items["item"], items["lead"], strict=True))
        rows, seen = [], set()
        seq: dict[int, int] = {}
        for i, raw in enumerate(table.rows):
            identity = self._identity(table, i, raw, pos, policy_of, seen)
            if identity is None:
                continue
            item, name, direction = identity
            unit, what = cell_text(raw[pos["unit"]]), f"No.{item}「{shown(name)}」"
            levels = self._levels(table, i, raw, pos, at, unit, what)
            if levels is None:
                continue
            numbers, bounds = levels
            kind = self._effect_kind(table, i, pos["effect_kind"], raw)
            decimals = self._decimals(table, i, at["decimals"], raw)
            aggregation = self.aggregation(
                table, i, at["aggregation"], raw, numbers["baseline"], direction, f"No.{item}「{name}」"
            )
            if aggregation is None:
                continue
            seq[item] = seq.get(item, 0) + 1
            rows.append(
                {
                    "measure_id": cell_text(raw[pos["measure_id"]]) or f"{item}-{seq[item]}",
                    "item": item,
                    "seq": seq[item],
                    "policy": int(policy_of[item]),
                    "lead": lead_of[item],
                    "name": name,
                    "unit": unit,
                    "direction": direction,
                    "baseline": numbers["baseline"],
                    "target": numbers["target"],
                    "effect_kind": kind,
                    "include_in_effect": cell_text(raw[pos["include_in_effect"]]) in _YES,
                    "aggregation": aggregation,
                    "row": i,
                    "decimals": decimals,
                    "low": bounds.low,
                    "high": bounds.high,
                }
            )
        return pd.DataFrame(rows, columns=[*MEASURE_COLUMNS, "row", "decimals", "low", "high"])

    def aggregation(
        self,
        table: RawTable,
        i: int,
        at: int | None,
        raw: list[Any],
        baseline: float | None,
        direction: str,
        what: str,
    ) -> str | None:
        """A measure's 集計 ("" or 累計); None (and an error naming the cell) where a 累計 measure cannot be one."""
        value = "" if at is None else unicodedata.normalize("NFKC", cell_text(raw[at]))
        if value not in AGGREGATIONS:
            self.problem(
                WARNING,
                table,
                i,
                at,
                f"{what}の集計「{shown(raw[at])}」は使えません。",  # type: ignore[arg-type,index]
                "累計・単年度・空欄のいずれかにしてください。各年度の値をそのまま評価しました。",
            )
            return ""
        if value != CUMULATIVE:
            return ""
        if baseline != 0 or direction != "増加":
            self.problem(
                ERROR,
                table,
                i,
                at,
                f"{what}は累計の指標ですが、基準値が 0 でないか方向が増加ではありません。",  # type: ignore[arg-type]
                "累計の指標は基準値 0・方向 増加にしてください（各年度の値を足し上げます）。この指標は計算から除きました。",
            )
            return None
        return CUMULATIVE

    def measure_limits(
        self, table: RawTable, i: int, limit_at: dict[str, int | None], raw: list[Any]
    ) -> tuple[float | None, float | None]:
        """A measure's own 許容下限/許容上限 (blank: the unit's rule; なし: no limit on that side)."""
        out: list[float | None] = []
        for key, infinite in (("allowed_min", -math.inf), ("allowed_max", math.inf)):
            j = limit_at[key]
            value = None if j is None else raw[j]
            if value is None or cell_text(value) == "":
                out.append(None)
                continue
            if match_key(value) == NO_LIMIT:
                out.append(infinite)
                continue
            try:
                out.append(parse_number(value))
            except NotANumber as exc:
                self.problem(
                    ERROR,
                    table,
                    i,
                    j,
                    f"{c.MEASURES.column(key).header}「{shown(value)}」: {exc}。",
                    "数値か「なし」を入力してください。空欄として単位の範囲を使いました。",
                )
                out.append(None)
        return out[0], out[1]

    def percent_points(self, table: RawTable, i: int, j: int, raw: Any, value: float, what: str) -> float:
        """A % measure's number in points (30 = 30%): a fraction only where the cell's own format is a percentage.

        No guessing from the size of the value (docs/decisions.md): 1 in a plain cell is 1%. Where the engine
        cannot see formats (Excel on the web), a value between 0 and 1 is read as points and flagged.
        """
        percent_cell = table.is_percent(i, j)
        if percent_cell and isinstance(raw, int | float) and not isinstance(raw, bool):
            # In decimal: 0.3 × 100 is 30, not 30.000000000000004.
            return float(Decimal(repr(float(raw))) * 100)
        if percent_cell is None and 0 < abs(value) <= 1:
            self.problem(
                WARNING,
                table,
                i,
                j,
                f"{what}の値 {raw} を {value:g}% として読みました（セルの表示形式を確認できません）。",
                "％の指標は 30 のように％の数値で入力してください。30% と表示される書式のセルなら問題ありません。",
            )
        return value

    def _identity(
        self,
        table: RawTable,
        i: int,
        raw: list[Any],
        pos: dict[str, int],
        policy_of: dict[Any, Any],
        seen: set[tuple[int, str]],
    ) -> tuple[int, str, str] | None:
        """(item No, 指標名, 方向) of a row whose item is in the plan, not seen before and with a known 方向."""
        error = partial(self.problem, ERROR, table, i)
        item, name, direction = (
            item_no(raw[pos["item"]]),
            cell_text(raw[pos["name"]]),
            cell_text(raw[pos["direction"]]),
        )
        if item is None or item not in policy_of:
            error(
                pos["item"],
                f"取組項目 No「{shown(raw[pos['item']])}」は計画にありません。",
                "取組項目シートにある No を入力してください。この指標は計算から除きました。",
            )
            return None
        if (item, match_key(name)) in seen:
            error(
                pos["name"],
                f"No.{item}「{shown(name)}」の行が重複しています。",
                "重複した行を削除してください。最初の行で計算しました。",
            )
            return None
        seen.add(
            (item, match_key(name))
        )  # before the 方向 check: a later row of the same measure is a duplicate
        if direction not in DIRECTIONS:
            error(
                pos["direction"],
                f"方向「{shown(direction)}」は使えません。",
                "増加・減少・維持のいずれかを入力してください。この指標は計算から除きました。",
            )
            return None
        return item, name, direction

    def _levels(
        self,
        table: RawTable,
        i: int,
        raw: list[Any],
        pos: dict[str, int],
        at: dict[str, int | None],
        unit: str,
        what: str,
    ) -> tuple[dict[str, float], Bounds] | None:
        """基準値 and 目標値 as numbers within the measure's plausible range; None (with errors) where either is not."""
        numbers: dict[str, float | None] = {}
        for key, label in _LEVELS:
            try:
                numbers[key] = parse_number(raw[pos[key]], unit or None)
                if unit == "%" and numbers[key] is not None:
                    numbers[key] = self.percent_points(
                        table, i, pos[key], raw[pos[key]], numbers[key], f"{what}の{label}"
                    )
            except NotANumber as exc:
                numbers[key] = None
                self.problem(
                    ERROR,
                    table,
                    i,
                    pos[key],
                    f"{label}「{shown(raw[pos[key]])}」: {exc}。",
                    f"{label}を数値で入力してください。この指標は計算から除きました。",
                )
        bounds = self.config.bounds(unit).override(*self.measure_limits(table, i, at, raw))
        for key, label in _LEVELS:
            value = numbers[key]
            reason = None if value is None else violation(value, bounds, self.config.value_ceiling)
            if reason:
                self.problem(
                    ERROR,
                    table,
                    i,
                    pos[key],
                    f"{what}の{label}「{shown(raw[pos[key]])}」は{reason}。",
                    f"{label}を正しい値にしてください。この指標は計算から除きました。",
                )
                numbers[key] = None
        if numbers["baseline"] is not None and numbers["target"] is not None:
            return numbers, bounds  # type: ignore[return-value]
        if all(raw[pos[key]] is None for key, _ in _LEVELS):
            self.problem(
                ERROR,
                table,
                i,
                pos["baseline"],
                f"{what}の基準値・目標値が空欄です。",
                "基準値と目標値を入力してください。",
            )
        return None

    def _effect_kind(self, table: RawTable, i: int, j: int, raw: list[Any]) -> str:
        """The 効果区分, or "" (no kind, with a warning) where it is not one of the plan's."""
        kind = cell_text(raw[j])
        if kind in EFFECT_KINDS:
            return kind
        self.problem(
            WARNING,
            table,
            i,
            j,
            f"効果区分「{shown(kind)}」は使えません。",
            "歳出削減・歳入増加・参考・空欄のいずれかにしてください。区分なしとして計算しました。",
        )
        return ""

    def _decimals(self, table: RawTable, i: int, j: int | None, raw: list[Any]) -> int | None:
        """The measure's own 小数桁; None (from the unit) where blank, or with a warning where unusable."""
        if j is None or raw[j] in (None, ""):
            return None
        decimals = whole_number(raw[j])
        if decimals is not None and 0 <= decimals <= MAX_DECIMALS:
            return decimals
        self.problem(
            WARNING,
            table,
            i,
            j,
            f"小数桁「{shown(raw[j])}」は使えません。",
            f"0〜{MAX_DECIMALS} の整数を入力してください（空欄は単位から決めます）。単位から決めて表示しました。",
        )
        return None
