"""kaikaku-xl のワークシート関数（UDF）: 計画値・進捗率・達成率・評価・財政効果額・集計。

Thin wrappers over `kaikaku_xl.metrics`, for classic xlwings (UDF Modules = kaikaku_udfs, "Import Python UDFs":
udfs/kaikaku_udfs re-exports this module under that name) and for xlwings Server (re-exported by its
custom_functions package). Each function takes a single cell or a
whole table column (one formula per column: the result spills), reads cells as the workbook's refresh does, and
returns "−" (評価対象外) for what cannot be computed, or one cell "エラー: ..." when the arguments do not fit.
Results are in full precision, as `kaikaku report --json`; the cell's number format rounds what is shown.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import xlwings as xw

from kaikaku_xl.metrics.effects import effect_amounts, unit_prices
from kaikaku_xl.metrics.evaluate import measure_grades
from kaikaku_xl.metrics.grades import EXCLUDED, GRADES, NOT_GRADED
from kaikaku_xl.metrics.rates import attainment, linear_planned, progress
from kaikaku_xl.metrics.rollups import WHOLE_PLAN, rollup
from kaikaku_xl.metrics.scale import GradeScale
from kaikaku_xl.plan import DIRECTIONS, item_no, load_plan
from kaikaku_xl.settings import Settings
from kaikaku_xl.udf_cells import (
    Arg,
    FormulaError,
    column,
    elementwise,
    error_value,
    grid,
    number,
    numbers,
    optional,
    scale_from,
    settings_from,
    shaped,
    text,
    year,
)
from kaikaku_xl.workbook import contract as c
from kaikaku_xl.workbook.status_choices import typed_grade

__all__ = [
    "kk_attainment",
    "kk_cumulative",
    "kk_effect",
    "kk_grade",
    "kk_planned",
    "kk_progress",
    "kk_rollup",
]

CONTINUING = (
    "継続"  # KK_EFFECT is 財政効果額 of one year against the baseline (the 継続 mode of the 設定 sheet)
)
_CELLS = {"ndim": 2, "err_to_str": True}  # every argument as a 2-D grid; Excel errors arrive as "#N/A" text


@lru_cache(maxsize=1)
def _plan_years() -> tuple[int, int]:
    """Baseline and target year of the bundled plan: the default when a formula leaves them out."""
    plan = load_plan()
    return plan.baseline_year, plan.end_year


def _period(baseline_year: Any, target_year: Any) -> tuple[float, float]:
    default_base, default_end = _plan_years()
    base = year(_first(baseline_year)) if optional(baseline_year) else float(default_base)
    end = year(_first(target_year)) if optional(target_year) else float(default_end)
    if not (math.isfinite(base) and math.isfinite(end)) or base >= end:
        raise FormulaError(
            "基準年度・目標年度は 2024、2030 のような西暦で、基準年度 < 目標年度 にしてください。"
        )
    return base, end


def _first(value: Any) -> Any:
    while isinstance(value, list | tuple) and value:
        value = value[0]
    return value


def _directions(values: np.ndarray) -> np.ndarray:
    """増加・減少・維持; anything else makes the row not computable."""
    return np.where(np.isin(values, DIRECTIONS), values, "").astype(object)


@xw.func
@xw.arg("baseline", doc="基準値（セルまたは列）", **_CELLS)
@xw.arg("target", doc="目標値（セルまたは列）", **_CELLS)
@xw.arg("fiscal_year", doc="年度（西暦。2026 や「2026年度」。セルまたは列）", **_CELLS)
@xw.arg("baseline_year", doc="基準年度（省略時は計画の基準年度 2024）", **_CELLS)
@xw.arg("target_year", doc="目標年度（省略時は計画の最終年度 2030）", **_CELLS)
def kk_planned(
    baseline: Any, target: Any, fiscal_year: Any, baseline_year: Any = None, target_year: Any = None
) -> Any:
    """計画値（直線）: 基準値 + (目標値 − 基準値) × (年度 − 基準年度) ÷ (目標年度 − 基準年度)。列を指定すると列で返します。"""
    try:
        base, end = _period(baseline_year, target_year)
    except FormulaError as exc:
        return error_value(exc)
    return elementwise(
        lambda b, t, y: linear_planned(b, t, y, base, end),  # type: ignore[arg-type]
        Arg(baseline, "number", "基準値"),
        Arg(target, "number", "目標値"),
        Arg(fiscal_year, "year", "年度"),
    )


@xw.func
@xw.arg("actual", doc="実績（セルまたは列）。空欄・文字・エラー値は「−」", **_CELLS)
@xw.arg("baseline", doc="基準値（セルまたは列）", **_CELLS)
@xw.arg("target", doc="目標値（セルまたは列）", **_CELLS)
def kk_progress(actual: Any, baseline: Any, target: Any) -> Any:
    """進捗率 = (実績 − 基準値) ÷ (目標値 − 基準値)。上限なし（137.5% もそのまま）。目標値＝基準値や実績なしは「−」。"""
    return elementwise(
        progress,
        Arg(actual, "number", "実績"),
        Arg(baseline, "number", "基準値"),
        Arg(target, "number", "目標値"),
    )


@xw.func
@xw.arg("actual", doc="実績（セルまたは列）", **_CELLS)
@xw.arg("target", doc="目標値（セルまたは列）", **_CELLS)
@xw.arg("direction", doc="方向: 増加・減少・維持（セルまたは列）", **_CELLS)
def kk_attainment(actual: Any, target: Any, direction: Any) -> Any:
    """達成率 = 実績 ÷ 目標値（増加・維持）、目標値 ÷ 実績（減少）。分母が0や実績なしは「−」。"""
    return elementwise(
        _attainment,
        Arg(actual, "number", "実績"),
        Arg(target, "number", "目標値"),
        Arg(direction, "text", "方向"),
    )


@xw.func
@xw.arg(
    "values", doc="各年度の値（1行が1指標、年度が左から右。例: 実績表の 2026年度〜2030年度 の列）", **_CELLS
)
def kk_cumulative(values: Any) -> Any:
    """累計: 各行の値を左から足し上げます（累計の指標の実績）。空欄・文字のある年度から右は「−」（0 とはしません）。"""
    try:
        cells = grid(values)
        amounts = numbers(cells)
        out = np.full(amounts.shape, np.nan)
        for i, row in enumerate(amounts):
            total = Decimal(0)  # the typed decimals, added exactly: 0.1 + 0.2 is 0.3
            for j, x in enumerate(row):
                if not math.isfinite(x):
                    break
                total += Decimal(repr(float(x)))
                out[i, j] = float(total)
        return shaped(out, amounts.shape, amounts.shape == (1, 1))
    except Exception as exc:  # a cell shows a message, never a traceback
        return error_value(exc)


def _attainment(actual: np.ndarray, target: np.ndarray, direction: np.ndarray) -> np.ndarray:
    known = _directions(direction)
    return attainment(np.where(known != "", actual, math.nan), target, known)


def _grades(
    actual: np.ndarray,
    baseline: np.ndarray,
    target: np.ndarray,
    direction: np.ndarray,
    years: np.ndarray,
    planned: np.ndarray,
    base: float,
    end: float,
    settings: Any,
) -> np.ndarray:
    """The refresh's own grading (metrics.evaluate.measure_grades) on the argument arrays, every year at once."""
    direction = _directions(direction)
    actual = np.where(direction != "", actual, math.nan)
    custom = ~np.isnan(planned)
    own = np.where(custom, planned, linear_planned(baseline, target, years, int(base), int(end)))
    elapsed = (years - int(base)) / (end - int(base))
    # period: the exact elapsed share decides the grade (exact decimals near a line, issue 8), elapsed is shown
    grades = measure_grades(
        actual,
        baseline,
        target,
        direction,
        own,
        custom,
        elapsed,
        settings,
        period=(years, int(base), int(end)),
    ).grade
    return np.where(np.isfinite(years), grades, NOT_GRADED)


@xw.func
@xw.arg("actual", doc="評価年度の実績（セルまたは列）", **_CELLS)
@xw.arg("baseline", doc="基準値（セルまたは列）", **_CELLS)
@xw.arg("target", doc="目標値（セルまたは列）", **_CELLS)
@xw.arg("direction", doc="方向: 増加・減少・維持（セルまたは列）", **_CELLS)
@xw.arg("fiscal_year", doc="評価年度（西暦。セルまたは列）", **_CELLS)
@xw.arg("planned", doc="市独自の年度目標（省略・空欄は直線の計画値）", **_CELLS)
@xw.arg("settings", doc="設定シートの表 Settings（省略時は既定の閾値）", **_CELLS)
@xw.arg("baseline_year", doc="基準年度（省略時は計画の基準年度）", **_CELLS)
@xw.arg("target_year", doc="目標年度（省略時は計画の最終年度）", **_CELLS)
@xw.arg("scale", doc="計画独自の評価区分の表 GradeScale（評価区分シート。省略時は S〜D）", **_CELLS)
def kk_grade(
    actual: Any,
    baseline: Any,
    target: Any,
    direction: Any,
    fiscal_year: Any,
    planned: Any = None,
    settings: Any = None,
    baseline_year: Any = None,
    target_year: Any = None,
    scale: Any = None,
) -> Any:
    """評価 S/A/B/C/D/−（または計画の評価区分）: 進捗率を計画進捗（経過年数÷計画期間）と比べます。S≧100%、A≧計画、B≧計画×0.6、C≧0、D<0。"""
    try:
        base, end = _period(baseline_year, target_year)
        config = scale_from(scale, settings_from(settings))
    except Exception as exc:
        return error_value(exc)
    own = planned if optional(planned) else None
    return elementwise(
        lambda a, b, t, d, y, p: _grades(a, b, t, d, y, p, base, end, config),
        Arg(actual, "number", "実績"),
        Arg(baseline, "number", "基準値"),
        Arg(target, "number", "目標値"),
        Arg(direction, "text", "方向"),
        Arg(fiscal_year, "year", "年度"),
        Arg(own, "number", "年度目標"),
    )


def _effects(
    actual: np.ndarray,
    baseline: np.ndarray,
    kind: np.ndarray,
    unit: np.ndarray,
    direction: np.ndarray,
    settings: Any,
) -> np.ndarray:
    """財政効果額 against the baseline (継続), by the refresh's own kernel (metrics.effects.effect_amounts)."""
    return effect_amounts(actual, baseline, kind, _directions(direction), unit_prices(unit, settings))


@xw.func
@xw.arg("actual", doc="その年度の実績（セルまたは列）", **_CELLS)
@xw.arg("baseline", doc="基準値（セルまたは列）", **_CELLS)
@xw.arg("effect_kind", doc="効果区分: 歳出削減・歳入増加・参考（セルまたは列）", **_CELLS)
@xw.arg("unit", doc="単位（参考換算のみ: 時間・枚）", **_CELLS)
@xw.arg("direction", doc="方向（参考換算のみ）", **_CELLS)
@xw.arg("settings", doc="設定シートの表 Settings（参考換算の単価。省略時は既定値）", **_CELLS)
def kk_effect(
    actual: Any,
    baseline: Any,
    effect_kind: Any,
    unit: Any = None,
    direction: Any = None,
    settings: Any = None,
) -> Any:
    """財政効果額（円、基準年度比）: 歳出削減 = 基準値 − 実績、歳入増加 = 実績 − 基準値、参考 = 改善量 × 単価。区分なしは「−」。"""
    try:
        config = settings_from(settings)
    except Exception as exc:
        return error_value(exc)
    return elementwise(
        lambda a, b, k, u, d: _effects(a, b, k, u, d, config),
        Arg(actual, "number", "実績"),
        Arg(baseline, "number", "基準値"),
        Arg(effect_kind, "text", "効果区分"),
        Arg(unit, "text", "単位"),
        Arg(direction, "text", "方向"),
    )


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


def rollup_keys(labels: tuple[str, ...] = GRADES) -> tuple[str, ...]:
    """The KK_ROLLUP columns for a scale's labels (S..D by default)."""
    return (
        "items",
        "graded",
        *(f"n_{g}" for g in (*labels, NOT_GRADED, EXCLUDED)),
        *(f"share_{g}" for g in labels),
        "mean_progress",
        "effect_year",
    )


ROLLUP_KEYS = rollup_keys()
GROUP_HEADER = "区分"


def _rollup_frame(
    groups: Any,
    grades: Any,
    effects: Any,
    items: Any,
    measure_items: Any,
    progresses: Any,
    labels: tuple[str, ...] = GRADES,
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
        rollup(item_frame, measures, item_effects, "group", labels),
        rollup(item_frame, measures, item_effects, None, labels),
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
@xw.arg("groups", doc="区分の列（例: ItemResults[基本方針] や ItemResults[主要担当課]）", **_CELLS)
@xw.arg("grades", doc="評価の列（S・A・B・C・D・−）", **_CELLS)
@xw.arg("effects", doc="単年度効果額の列（省略可）", **_CELLS)
@xw.arg("items", doc="取組項目 No の列（省略時は行番号）", **_CELLS)
@xw.arg("measure_items", doc="指標の取組項目 No の列（平均進捗率用、省略可）", **_CELLS)
@xw.arg("progresses", doc="指標の進捗率の列（平均進捗率用、省略可）", **_CELLS)
@xw.arg("scale", doc="計画独自の評価区分の表 GradeScale（省略時は S〜D）", **_CELLS)
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
    """区分ごとの集計（表で返します）: 項目数、評価対象、S〜−の件数、S〜Dの割合（−を除く）、平均進捗率、効果額、最後に全体。"""
    try:
        labels = GradeScale.of(scale_from(scale, Settings())).labels
        frame = _rollup_frame(groups, grades, effects, items, measure_items, progresses, labels)
    except Exception as exc:
        return error_value(exc)
    keys = rollup_keys(labels)
    spec = c.policy_summary_spec(labels)
    headers = [GROUP_HEADER, *(spec.column(k).header for k in keys)]
    body = frame[["group", *keys]].astype(object)
    body = body.where(
        body.notna() & body.map(lambda v: not (isinstance(v, float) and math.isinf(v))), NOT_GRADED
    )
    body["group"] = [WHOLE_PLAN if g == WHOLE_PLAN else g for g in body["group"]]
    body.columns = headers
    return body
