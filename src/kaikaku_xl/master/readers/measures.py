"""The 指標 table (contract.MEASURES) read into the measures frame: one row per measure, each cell checked where it
can be wrong.

A measure that cannot be evaluated (unknown item, no baseline, a 累計 measure that cannot be one) is left out with
an error naming its cell; a doubtful cell that still has a clear reading (an unknown 効果区分, a bad 小数桁) is a
warning and the row is kept. The frame keeps each measure's plausible range (low, high: `limit` reads them).
"""

from __future__ import annotations

import math
import unicodedata
from functools import partial
from typing import Any

import pandas as pd

from kaikaku_xl.errors import shown
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.master.readers.percent import read_percent
from kaikaku_xl.metrics.frames import MEASURE_COLUMNS, row_dicts
from kaikaku_xl.plan import AGGREGATIONS, CUMULATIVE, DIRECTIONS, EFFECT_KINDS, ItemNo, item_no
from kaikaku_xl.plan.money import unit_problem
from kaikaku_xl.plan.numformat import MAX_DECIMALS
from kaikaku_xl.plan.plausibility import NO_LIMIT, Bounds, violation
from kaikaku_xl.problems import ERROR, WARNING
from kaikaku_xl.text import cell_text, match_key
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.typed import NotANumber, parse_number, whole_number

_YES = ("はい", "TRUE", "True", "1", "○")  # 効果額に算入
_LEVELS = (("baseline", "基準値"), ("target", "目標値"))


def read_measures(log: ProblemLog, table: RawTable, items: pd.DataFrame) -> pd.DataFrame:
    """The measures the plan can evaluate, with their row, 小数桁 and plausible range (low, high)."""
    keys = [col.key for col in c.MEASURES.columns if col.key not in c.MEASURE_OPTIONAL_KEYS]
    pos = log.require_columns(table, c.MEASURES, keys)
    if pos is None:
        return pd.DataFrame(columns=MEASURE_COLUMNS)
    # Optional columns (masters built before them still load): their index, or None.
    at = {key: table.column_index(c.MEASURES.column(key).header) for key in c.MEASURE_OPTIONAL_KEYS}
    # dicts: one lookup per row is cheap
    policy_of = dict(zip(items["item"].tolist(), items["policy"].tolist(), strict=True))
    lead_of = dict(zip(items["item"].tolist(), items["lead"].tolist(), strict=True))
    rows: list[dict[str, Any]] = []
    seen: set[tuple[ItemNo, str]] = set()
    seq: dict[ItemNo, int] = {}
    unit_ranges: dict[str, Bounds] = {}  # the 設定's range of each unit, read once
    for i, raw in enumerate(table.rows):
        identity = _identity(log, table, i, raw, pos, policy_of, seen)
        if identity is None:
            continue
        item, name, direction = identity
        unit, what = cell_text(raw[pos["unit"]]), f"No.{item}「{shown(name)}」"
        if unit not in unit_ranges:
            unit_ranges[unit] = log.config.bounds(unit)
        levels = _levels(log, table, i, raw, pos, at, (unit, unit_ranges[unit]), what)
        if levels is None:
            continue
        baseline, target, bounds = levels
        kind = _effect_kind(log, table, i, pos["effect_kind"], raw)
        if problem := unit_problem(unit, kind):  # its 財政効果額 stays not known (−)
            log.problem(ERROR, table, i, pos["unit"], problem, "この指標の財政効果額は計算していません。")
        decimals = _decimals(log, table, i, at["decimals"], raw)
        aggregation = _aggregation(
            log, table, i, at["aggregation"], raw, baseline, direction, f"No.{item}「{name}」"
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
                "baseline": baseline,
                "target": target,
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


def _aggregation(
    log: ProblemLog,
    table: RawTable,
    i: int,
    at: int | None,
    raw: list[Any],
    baseline: float | None,
    direction: str,
    what: str,
) -> str | None:
    """A measure's 集計 ("" or 累計); None (and an error naming the cell) where a 累計 measure cannot be one."""
    if at is None:
        return ""
    value = unicodedata.normalize("NFKC", cell_text(raw[at]))
    if value not in AGGREGATIONS:
        log.problem(
            WARNING,
            table,
            i,
            at,
            f"{what}の集計「{shown(raw[at])}」は使えません。",
            "累計・単年度・空欄のいずれかにしてください。各年度の値をそのまま評価しました。",
        )
        return ""
    if value != CUMULATIVE:
        return ""
    if baseline != 0 or direction != "増加":
        log.problem(
            ERROR,
            table,
            i,
            at,
            f"{what}は累計の指標ですが、基準値が 0 でないか方向が増加ではありません。",
            "累計の指標は基準値 0・方向 増加にしてください（各年度の値を足し上げます）。この指標は計算から除きました。",
        )
        return None
    return CUMULATIVE


def _measure_limits(
    log: ProblemLog, table: RawTable, i: int, limit_at: dict[str, int | None], raw: list[Any]
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
            log.problem(
                ERROR,
                table,
                i,
                j,
                f"{c.MEASURES.column(key).header}「{shown(value)}」: {exc}。",
                "数値か「なし」を入力してください。空欄として単位の範囲を使いました。",
            )
            out.append(None)
    return out[0], out[1]


def _identity(
    log: ProblemLog,
    table: RawTable,
    i: int,
    raw: list[Any],
    pos: dict[str, int],
    policy_of: dict[Any, Any],
    seen: set[tuple[ItemNo, str]],
) -> tuple[ItemNo, str, str] | None:
    """(item No, 指標名, 方向) of a row whose item is in the plan, not seen before and with a known 方向."""
    error = partial(log.problem, ERROR, table, i)
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
    seen.add((item, match_key(name)))  # before the 方向 check: a later row of the same measure is a duplicate
    if direction not in DIRECTIONS:
        error(
            pos["direction"],
            f"方向「{shown(direction)}」は使えません。",
            "増加・減少・維持のいずれかを入力してください。この指標は計算から除きました。",
        )
        return None
    return item, name, direction


def _levels(
    log: ProblemLog,
    table: RawTable,
    i: int,
    raw: list[Any],
    pos: dict[str, int],
    at: dict[str, int | None],
    unit_range: tuple[str, Bounds],
    what: str,
) -> tuple[float, float, Bounds] | None:
    """(基準値, 目標値, the plausible range) where both are numbers within it; None (with errors) where either is not."""
    unit, unit_bounds = unit_range
    numbers: dict[str, float | None] = {}
    for key, label in _LEVELS:
        try:
            number = parse_number(raw[pos[key]], unit or None)
            if unit == "%" and number is not None:
                number = read_percent(log, table, i, pos[key], raw[pos[key]], number, f"{what}の{label}")
            numbers[key] = number
        except NotANumber as exc:
            numbers[key] = None
            log.problem(
                ERROR,
                table,
                i,
                pos[key],
                f"{label}「{shown(raw[pos[key]])}」: {exc}。",
                f"{label}を数値で入力してください。この指標は計算から除きました。",
            )
    bounds = unit_bounds.override(*_measure_limits(log, table, i, at, raw))
    for key, label in _LEVELS:
        value = numbers[key]
        reason = None if value is None else violation(value, bounds, log.config.value_ceiling)
        if reason:
            log.problem(
                ERROR,
                table,
                i,
                pos[key],
                f"{what}の{label}「{shown(raw[pos[key]])}」は{reason}。",
                f"{label}を正しい値にしてください。この指標は計算から除きました。",
            )
            numbers[key] = None
    baseline, target = numbers["baseline"], numbers["target"]
    if baseline is not None and target is not None:
        return baseline, target, bounds
    if all(raw[pos[key]] is None for key, _ in _LEVELS):
        log.problem(
            ERROR,
            table,
            i,
            pos["baseline"],
            f"{what}の基準値・目標値が空欄です。",
            "基準値と目標値を入力してください。",
        )
    return None


def _effect_kind(log: ProblemLog, table: RawTable, i: int, j: int, raw: list[Any]) -> str:
    """The 効果区分, or "" (no kind, with a warning) where it is not one of the plan's."""
    kind = cell_text(raw[j])
    if kind in EFFECT_KINDS:
        return kind
    log.problem(
        WARNING,
        table,
        i,
        j,
        f"効果区分「{shown(kind)}」は使えません。",
        "歳出削減・歳入増加・参考・空欄のいずれかにしてください。区分なしとして計算しました。",
    )
    return ""


def _decimals(log: ProblemLog, table: RawTable, i: int, j: int | None, raw: list[Any]) -> int | None:
    """The measure's own 小数桁; None (from the unit) where blank, or with a warning where unusable."""
    if j is None or raw[j] in (None, ""):
        return None
    decimals = whole_number(raw[j])
    if decimals is not None and 0 <= decimals <= MAX_DECIMALS:
        return decimals
    log.problem(
        WARNING,
        table,
        i,
        j,
        f"小数桁「{shown(raw[j])}」は使えません。",
        f"0〜{MAX_DECIMALS} の整数を入力してください（空欄は単位から決めます）。単位から決めて表示しました。",
    )
    return None


def limit(value: float | None) -> float | None:
    """A measure's low or high as the measures frame holds it (read_measures): None where that side has no limit
    of its own (blank: NaN in the frame)."""
    return None if value is None or math.isnan(value) else float(value)


RECORD_KEYS = ("measure_id", "item", "name", "unit", "baseline", "low", "high")


def measure_records(measures: pd.DataFrame) -> list[dict[str, Any]]:
    """The measures frame as plain rows with the fields the value readers check by (frames without low/high,
    the metrics' own, give None there)."""
    return row_dicts(measures, RECORD_KEYS)
