"""区分ごとの集計 (KK_ROLLUP) as a worksheet function: the report's own roll-up (metrics.rollups.rollup) on columns
of the 取組項目 results, one table back with a row per group and the whole plan last."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import xlwings as xw

from kaikaku_xl.master import contract as c
from kaikaku_xl.metrics.rollups import SCORE_KEYS, WHOLE_PLAN, Points, rollup
from kaikaku_xl.plan import item_no
from kaikaku_xl.plan.scale import EXCLUDED, GRADES, NOT_GRADED, GradeScale
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.plan.vocabulary import typed_grade
from kaikaku_xl.udfs.arguments import CELLS
from kaikaku_xl.udfs.cells import FormulaError, column, error_value, number, optional, text
from kaikaku_xl.udfs.tables import scale_from


def _key(value: Any) -> Any:
    """A group key as the report has it: whole numbers (基本方針 1, 2, 3) as int, else text."""
    try:
        return _group_key(value)
    except TypeError:  # unhashable (never from Excel)
        return _group_key.__wrapped__(value)


@lru_cache(maxsize=4096, typed=True)  # typed: True, 1 and 1.0 are different cells
def _group_key(value: Any) -> Any:
    n = number(value) if not isinstance(value, str) else math.nan
    return int(n) if math.isfinite(n) and float(n).is_integer() else text(value)


def rollup_keys(labels: tuple[str, ...] = GRADES, points: bool = False) -> tuple[str, ...]:
    """The KK_ROLLUP columns for a scale's labels (S..D by default); points: the scale has 点数."""
    return (
        "items",
        "graded",
        *(f"n_{g}" for g in (*labels, NOT_GRADED, EXCLUDED)),
        *(f"share_{g}" for g in labels),
        *(SCORE_KEYS if points else ()),
        "mean_progress",
        "effect_year",
    )


GROUP_HEADER = "区分"


def _rollup_frame(
    groups: Any,
    grades: Any,
    effects: Any,
    items: Any,
    measure_items: Any,
    progresses: Any,
    labels: tuple[str, ...] = GRADES,
    points: Points | None = None,
) -> pd.DataFrame:
    keys = [_key(v) for v in column(groups, "raw", "区分").tolist()]  # _key remembers each distinct value
    known = (*labels, NOT_GRADED, EXCLUDED)
    marks = [
        g if g in known else NOT_GRADED
        for g in (typed_grade(s, labels) for s in column(grades, "text", "評価"))
    ]
    if len(keys) != len(marks):
        raise FormulaError(f"区分（{len(keys)}行）と評価（{len(marks)}行）の行数が違います。")
    n = len(keys)
    # item numbers as the plan has them: 1, 2 … or text such as "R1-3" (issue 9)
    ids = (
        [_item(v) for v in column(items, "raw", "No").tolist()] if optional(items) else list(range(1, n + 1))
    )
    # without an 効果額 column the amounts are not known: − in the result, never 0 (DOMAIN.md)
    money = column(effects, "number", "効果額") if optional(effects) else np.full(n, math.nan)
    for label, values in (("No", ids), ("効果額", money)):
        if len(values) != n:
            raise FormulaError(f"{label}（{len(values)}行）は区分（{n}行）と同じ行数にしてください。")
    keep = [i for i in range(n) if keys[i] != "" and ids[i] is not None]
    if not keep:
        raise FormulaError(
            "区分の列に値がありません（空欄だけです）。区分の入った列（例: ItemResults[基本方針]）を指定してください。"
        )
    item_frame = pd.DataFrame(
        {
            "item": pd.Series([ids[i] for i in keep], dtype=object),
            "group": [keys[i] for i in keep],
            "grade": [marks[i] for i in keep],
        }
    )
    if item_frame["item"].duplicated().any():
        raise FormulaError("No が重複しています。取組項目ごとに1行の範囲を指定してください。")
    item_effects = pd.DataFrame(
        {"item": item_frame["item"], "single_year": money[keep], "cumulative": money[keep]}
    )
    measures = _measure_frame(measure_items, progresses, ids, n)
    rows = [
        rollup(item_frame, measures, item_effects, "group", labels, points),
        rollup(item_frame, measures, item_effects, None, labels, points),
    ]
    return pd.concat(rows, ignore_index=True)


def _item(value: Any) -> Any:
    """An item No as the plan has it (2, "R1-3"); None for blank cells and Excel's error values."""
    if isinstance(value, str) and value.strip().startswith("#"):
        return None
    return item_no(value)


def _measure_frame(measure_items: Any, progresses: Any, ids: list[Any], n: int) -> pd.DataFrame:
    if not optional(progresses):
        return pd.DataFrame(
            {
                "item": pd.Series(dtype=object),
                "measure_id": pd.Series(dtype=str),
                "progress": pd.Series(dtype=float),
                "counted": pd.Series(dtype=bool),
            }
        )
    rates = column(progresses, "number", "進捗率")
    owners = (
        [_item(v) for v in column(measure_items, "raw", "指標のNo").tolist()]
        if optional(measure_items)
        else ids
    )
    if len(owners) != len(rates):
        raise FormulaError(f"指標のNo（{len(owners)}行）と進捗率（{len(rates)}行）の行数が違います。")
    known = [i for i, owner in enumerate(owners) if owner is not None]
    return pd.DataFrame(
        {
            "item": pd.Series([owners[i] for i in known], dtype=object),
            "measure_id": [str(i) for i in range(len(known))],
            "progress": rates[known],
            "counted": False,
        }
    )


@xw.func
@xw.arg("groups", doc="区分の列（例: ItemResults[基本方針] や ItemResults[主要担当課]）", **CELLS)
@xw.arg("grades", doc="評価の列（S・A・B・C・D・−）", **CELLS)
@xw.arg("effects", doc="単年度効果額の列（省略可）", **CELLS)
@xw.arg("items", doc="取組項目 No の列（省略時は行番号）", **CELLS)
@xw.arg("measure_items", doc="指標の取組項目 No の列（平均進捗率用、省略可）", **CELLS)
@xw.arg("progresses", doc="指標の進捗率の列（平均進捗率用、省略可）", **CELLS)
@xw.arg(
    "scale",
    doc="計画独自の評価区分の表 GradeScale（省略時は S〜D。点数があれば得点・満点・得点率も）",
    **CELLS,
)
@xw.ret(index=False, header=True)
def kk_rollup(
    groups: Any,
    grades: Any,
    effects: Any = None,
    items: Any = None,
    measure_items: Any = None,
    progresses: Any = None,
    scale: Any = None,
) -> Any:
    """区分ごとの集計（表で返します）: 項目数、評価対象、S〜−の件数、S〜Dの割合（−を除く）、評価区分に点数があれば
    得点・満点・得点率、平均進捗率、効果額、最後に全体。"""
    try:
        grade_scale = GradeScale.of(scale_from(scale, Settings()))
        labels, points = grade_scale.labels, grade_scale.points
        frame = _rollup_frame(groups, grades, effects, items, measure_items, progresses, labels, points)
        return _rollup_table(frame, labels, points is not None)
    except Exception as exc:  # a cell shows a message, never a traceback
        return error_value(exc)


def _rollup_table(frame: pd.DataFrame, labels: tuple[str, ...], points: bool = False) -> pd.DataFrame:
    """The roll-up as the sheet shows it: Japanese headers, − where a figure is not known."""
    keys = rollup_keys(labels, points)
    spec = c.policy_summary_spec(labels, points)
    headers = [GROUP_HEADER, *(spec.column(k).header for k in keys)]
    body = frame[["group", *keys]].astype(object)
    body = body.where(
        body.notna() & body.map(lambda v: not (isinstance(v, float) and math.isinf(v))), NOT_GRADED
    )
    body["group"] = [WHOLE_PLAN if g == WHOLE_PLAN else g for g in body["group"]]
    body.columns = headers
    return body
