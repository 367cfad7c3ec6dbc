"""A closed year's recorded results against a recomputation from its recorded inputs.

`load` already evaluates a closed year from the inputs recorded when it was closed (master/closed.py). Here the
figures recomputed from them are compared with the figures recorded at closing: a difference (a formula or a
rounding rule changed since) is a warning naming the 年度確定値 cell, and the outputs keep the recorded figure,
so a closed year never changes silently and never changes at all without being reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.closed import TAMPERED_ACTION, ClosedYears
from kaikaku_xl.master.records import cell_value, comparable
from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.metrics.frames import Inputs, Results
from kaikaku_xl.plan.scale import GRADE_LABELS
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.problems import ERROR, WARNING, Problem
from kaikaku_xl.xlsx.typed import whole_number

RESULT_KINDS = {  # the 区分 of a recorded result -> the results frame it was taken from, and its key column
    c.RECORD_MEASURE: ("measures", "measure_id"),
    c.RECORD_ITEM: ("items", "item"),
    c.RECORD_POLICY: ("policies", "group"),
    c.RECORD_LEAD: ("leads", "group"),
    c.RECORD_TOTAL: ("total", "group"),
    c.RECORD_EFFECTS: ("effects", "year"),
}
ITEM_EFFECT_FIELDS = ("single_year", "cumulative")  # the 項目 figures kept in results.item_effects
ACTION = (
    "締めた年度の結果は記録した値のまま表示しています。計算方法が変わった可能性があります。記録し直すには "
    "kaikaku reopen-year で締めを解除し、もう一度 close-year で締めてください。"
)


@dataclass(frozen=True)
class RecordedFigure:
    kind: str  # 指標・項目・基本方針・担当課・全体・財政効果
    key: str
    field: str
    value: Any
    cell: str  # where it is recorded, e.g. E120 of the 年度確定値 sheet
    trusted: bool = True  # False: the year's record fails its checksum (edited by hand), recomputation wins


def recorded_results(closed: ClosedYears) -> dict[int, list[RecordedFigure]]:
    """Closed year -> the result figures recorded when it was closed (inputs and styles left out)."""
    table = closed.table
    if table is None:
        return {}
    pos = {col.key: table.column_index(col.header) for col in c.YEAR_RESULTS.columns}
    at = {key: j for key, j in pos.items() if j is not None}
    if len(at) < len(pos):
        return {}
    out: dict[int, list[RecordedFigure]] = {}
    for i, row in enumerate(table.rows):
        year, kind = whole_number(row[at["year"]]), str(row[at["kind"]] or "")
        if year is not None and year in closed.years and kind in RESULT_KINDS:
            out.setdefault(year, []).append(
                RecordedFigure(
                    kind,
                    str(cell_value(row[at["key"]])),
                    str(row[at["field"]]),
                    row[at["value"]],
                    table.address(i, at["value"]),
                    year not in closed.tampered,
                )
            )
    return out


def _plain(value: Any) -> Any:
    """numpy scalars (a frame's cells) as Python values, so that 5 (int64) compares with a recorded 5."""
    return value.item() if isinstance(value, np.generic) else value


def _same(a: Any, b: Any) -> bool:
    a, b = comparable(_plain(a)), comparable(_plain(b))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)  # a save by another program may keep 15 digits
    return a == b


FRAMES = ("measures", "items", "policies", "leads", "total", "effects", "item_effects")


class _Places:
    """Where each recorded figure is in the results: each frame's keys read once (not once per figure)."""

    def __init__(self, frames: dict[str, pd.DataFrame]) -> None:
        self.frames = frames
        self.rows: dict[str, dict[str, Any]] = {}  # frame name -> key (as recorded) -> its first row's index

    def of(self, figure: RecordedFigure) -> tuple[str, Any] | None:
        """(frame name, row index) holding a recorded figure in the results, or None."""
        name, key_column = RESULT_KINDS[figure.kind]
        if figure.kind == "項目" and figure.field in ITEM_EFFECT_FIELDS:
            name = "item_effects"
        frame = self.frames[name]
        if figure.field not in frame.columns:
            return None
        if name not in self.rows:
            rows: dict[str, Any] = {}
            for key, index in zip(frame[key_column].tolist(), frame.index.tolist(), strict=True):
                rows.setdefault(str(cell_value(key)), index)
            self.rows[name] = rows
        index = self.rows[name].get(figure.key)
        return None if index is None else (name, index)

    def changed(self, name: str, column: str) -> None:
        """A figure was written into `column` of the frame: its keys are read again if that is its key column."""
        if any(column == key_column for frame, key_column in RESULT_KINDS.values() if frame == name):
            self.rows.pop(name, None)


def keep_recorded(
    results: Results, figures: list[RecordedFigure], year: int
) -> tuple[Results, list[Problem]]:
    """The results with the recorded figures put back, and a warning for each figure that differs."""
    if not figures:
        return results, []
    frames = {name: getattr(results, name).copy() for name in FRAMES}
    places = _Places(frames)
    problems = []
    for figure in figures:
        place = places.of(figure)
        if place is None:
            continue
        name, index = place
        frame = frames[name]
        now = _plain(frame.at[index, figure.field])
        if _same(figure.value, now):
            continue
        problems.append(_differs(figure, now, year))
        if not figure.trusted:
            continue  # an edited record: the figure recomputed from the recorded inputs stays
        value = comparable(figure.value)
        if frame[figure.field].dtype.kind in "fiub":
            frame[figure.field] = frame[figure.field].astype(float)
            value = np.nan if value is None else float(value)
        frame.at[index, figure.field] = value
        places.changed(name, figure.field)
        if name == "items" and figure.field == "grade" and "grade_label" in frame.columns:
            frame.at[index, "grade_label"] = GRADE_LABELS.get(value, frame.at[index, "grade_label"])
    return replace(results, **frames), problems


def _differs(figure: RecordedFigure, now: Any, year: int) -> Problem:
    """A recorded figure that differs from its recomputation: a warning (a formula changed since the close), an
    error naming the cell when the year's record fails its checksum (the figure was edited by hand)."""
    message = (
        f"締めた{year}年度の{figure.kind}「{figure.key}」の「{figure.field}」: 記録した値 "
        f"{_shown(figure.value)} と、記録した入力から計算し直した値 {_shown(now)} が違います。"
    )
    if figure.trusted:
        return Problem(WARNING, c.YEAR_RESULTS.sheet, figure.cell, message, ACTION)
    return Problem(
        ERROR,
        c.YEAR_RESULTS.sheet,
        figure.cell,
        message
        + "記録が締めた後に書き換えられています（チェックサムが一致しません）。計算し直した値を使いました。",
        TAMPERED_ACTION,
    )


def _shown(value: Any) -> str:
    value = cell_value(value)
    if value is None:
        return "空欄"
    return f"{value:,}" if isinstance(value, int) else str(value)


class Recorded(Protocol):
    """What the evaluation of a master with closed years needs (load.Loaded has it)."""

    inputs: Inputs
    settings: Settings
    recorded: dict[int, list[RecordedFigure]]


def evaluate_kept(loaded: Recorded, settings: Settings) -> Results:
    """The evaluation of settings.evaluation_year; a closed year shows its recorded figures."""
    results = evaluate(loaded.inputs, settings)
    figures = loaded.recorded.get(settings.evaluation_year, [])
    return keep_recorded(results, figures, settings.evaluation_year)[0]


def recorded_problems(loaded: Recorded) -> list[Problem]:
    """Every closed year recomputed from its recorded inputs and compared with its recorded results."""
    problems: list[Problem] = []
    for year, figures in sorted(loaded.recorded.items()):
        results = evaluate(loaded.inputs, replace(loaded.settings, evaluation_year=year))
        problems += keep_recorded(results, figures, year)[1]
    return problems
