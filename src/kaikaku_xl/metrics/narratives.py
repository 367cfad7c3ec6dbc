"""Which items need narratives (取組実績・課題・今後の方向性) for a year: those whose grade asks for them (要説明 in
the plan's scale; C and D by default) and those with a measure that cannot be graded."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kaikaku_xl.metrics.frames import Results, row_dicts
from kaikaku_xl.plan.model import ItemNo
from kaikaku_xl.plan.scale import EXCLUDED, NOT_GRADED, GradeScale
from kaikaku_xl.plan.vocabulary import NARRATIVE_KEYS


@dataclass(frozen=True)
class NarrativeGap:
    item: ItemNo
    why: str  # 評価 C, 評価できない指標あり …
    missing: list[str]  # narrative keys left blank (NARRATIVE_KEYS order)
    cells: dict[str, str] = field(default_factory=dict)  # key -> the 進捗状況 cell, where the row exists


def narrative_gaps(status: pd.DataFrame, results: Results, scale: GradeScale) -> list[NarrativeGap]:
    """The items of the evaluation year whose grade asks for narratives or with an ungraded measure, and which
    narratives their 進捗状況 row (status: item, year, the narrative keys, cells) still lacks."""
    year = results.evaluation_year
    this_year = status[status["year"] == year].drop_duplicates("item") if len(status) else status
    rows = {r["item"]: r for r in row_dicts(this_year, ("item", *NARRATIVE_KEYS, "cells"))}
    ungraded = set(results.measures.loc[results.measures["grade"] == NOT_GRADED, "item"])
    if scale.typed:
        ungraded = set()  # the departments grade every item: a measure is never graded, nor asked to be
    explained = scale.explained
    out = []
    for item, grade in zip(results.items["item"].tolist(), results.items["grade"].tolist(), strict=True):
        if grade == EXCLUDED:
            continue  # taken out of the year by a plan revision: nothing to explain
        if grade in explained:
            why = f"評価 {grade}"
        elif item in ungraded:
            why = "評価できない指標あり"
        else:
            continue
        row = rows.get(item)
        missing = [k for k in NARRATIVE_KEYS if row is None or not str(row[k] or "").strip()]
        cells = row["cells"] if row is not None else {}
        if missing:
            out.append(NarrativeGap(item, why, missing, cells if isinstance(cells, dict) else {}))
    return out
