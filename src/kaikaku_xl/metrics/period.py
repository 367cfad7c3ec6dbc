"""The whole plan period's review (計画期間の総括評価, docs/decisions.md): a grade per item for the whole period and
its roll-up per 基本方針 and for the plan.

An item with measures is graded by the same evaluation as a year's, at its last year in the plan (the plan's last
year, or its own 終了年度 when it ends earlier): the last year's 実績 (a 累計 measure's running total over the
period) against the 目標 in force, whose planned progress at the plan's end is 100%. An item without measures (every
item of a typed scale) takes the grade staff typed for the period; 対象外 typed there leaves it out of the
denominators, as a 計画の見直し does for a year.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from kaikaku_xl.metrics.cumulative import item_periods
from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.metrics.frames import STATUS_COLUMNS, Inputs
from kaikaku_xl.metrics.rollups import rollup
from kaikaku_xl.plan.scale import EXCLUDED, GRADE_LABELS, NOT_GRADED, GradeScale
from kaikaku_xl.plan.settings import Settings

TYPED_SOURCE = "担当課評価"  # metrics/items.py's source of an entered grade
PERIOD_TYPED = "総括評価（入力）"  # the period's typed grade, named as its column is
PERIOD_EXCLUDED = "総括評価（対象外）"


@dataclass
class PeriodResults:
    """The period review: items (item, policy, section, lead, title, grade, grade_source, grade_label,
    graded_year, comment), the measures graded (their rows at their item's last year) and the roll-ups."""

    first_year: int
    last_year: int
    items: pd.DataFrame
    measures: pd.DataFrame
    policies: pd.DataFrame
    total: pd.DataFrame


def last_years(inputs: Inputs) -> dict[Any, int]:
    """Each item's last year in the plan: its 終了年度, else the plan's last year."""
    periods = item_periods(inputs.items, inputs.start_year, inputs.end_year)
    return {item: min(last, inputs.end_year) for item, (_first, last) in periods.items()}


def _typed_status(typed: pd.DataFrame, last: dict[Any, int]) -> pd.DataFrame:
    """The typed period grades as a status frame (item, year = the item's last year, grade) for grade_items."""
    rows = [
        {"item": item, "year": last[item], "grade": grade}
        for item, grade in zip(typed["item"].tolist(), typed["grade"].tolist(), strict=True)
        if item in last and isinstance(grade, str) and grade != EXCLUDED
    ]
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def _source(source: str, year: int, why: str) -> str:
    """What the period grade rests on; why: the primary measure's reason for − (実績が未入力 …)."""
    if source == TYPED_SOURCE:
        return PERIOD_TYPED
    if source.startswith(("主指標", "指標")):
        return f"{source}・{year}年度の実績" + (f"（{why}）" if why else "")
    return source


def _reasons(measures: pd.DataFrame) -> dict[Any, str]:
    """Each item's first (primary) measure's reason where its grade is − (why the period grade is missing)."""
    if not len(measures):
        return {}
    ordered = measures.sort_values("seq", kind="stable")
    out: dict[Any, str] = {}
    for item, grade, reason in zip(
        ordered["item"].tolist(), ordered["grade"].tolist(), ordered["reason"].tolist(), strict=True
    ):
        out.setdefault(item, str(reason or "") if grade == NOT_GRADED else "")
    return out


def evaluate_period(inputs: Inputs, settings: Settings, typed: pd.DataFrame) -> PeriodResults:
    """The period review of the plan; typed: the period table as read (item, grade, comment)."""
    last = last_years(inputs)
    period_inputs = replace(inputs, status=_typed_status(typed, last))
    items, measures = [], []
    effects = pd.DataFrame(columns=["item", "single_year", "cumulative"])
    for year in sorted(set(last.values())):
        results = evaluate(period_inputs, replace(settings, evaluation_year=year))
        effects = results.item_effects  # the latest year's: 財政効果額 over the whole period
        mine = {item for item, y in last.items() if y == year}
        items.append(results.items[results.items["item"].isin(mine)].assign(graded_year=year))
        measures.append(results.measures[results.measures["item"].isin(mine)])
    frame = pd.concat(items, ignore_index=True) if items else pd.DataFrame()
    order = {item: i for i, item in enumerate(inputs.items["item"].tolist())}
    frame = frame.sort_values("item", key=lambda s: s.map(order)).reset_index(drop=True)
    graded = pd.concat(measures, ignore_index=True) if measures else pd.DataFrame()
    frame = _typed_exclusions(frame, typed, _reasons(graded))
    scale = GradeScale.of(settings)
    labels, points = scale.labels, scale.points
    return PeriodResults(
        first_year=inputs.start_year,
        last_year=inputs.end_year,
        items=frame,
        measures=graded,
        policies=rollup(frame, graded, effects, "policy", labels, points),
        total=rollup(frame, graded, effects, None, labels, points),
    )


def _typed_exclusions(frame: pd.DataFrame, typed: pd.DataFrame, why: dict[Any, str]) -> pd.DataFrame:
    """対象外 typed for an item graded by its typed grade; the sources named for the period; the comments."""
    grade_of = dict(zip(typed["item"], typed["grade"], strict=True)) if len(typed) else {}
    comment_of = dict(zip(typed["item"], typed["comment"], strict=True)) if len(typed) else {}
    out = frame.copy()
    grades, sources, labels = [], [], []
    for item, grade, source, label, year in zip(
        out["item"].tolist(),
        out["grade"].tolist(),
        out["grade_source"].tolist(),
        out["grade_label"].tolist(),
        out["graded_year"].tolist(),
        strict=True,
    ):
        if source == TYPED_SOURCE and grade_of.get(item) == EXCLUDED:
            grade, source, label = EXCLUDED, PERIOD_EXCLUDED, GRADE_LABELS[EXCLUDED]
        grades.append(grade)
        sources.append(_source(source, int(year), why.get(item, "") if grade == NOT_GRADED else ""))
        labels.append(label)
    out["grade"], out["grade_source"], out["grade_label"] = grades, sources, labels
    out["comment"] = [comment_of.get(item, "") or "" for item in out["item"].tolist()]
    return out
