"""Per item: whether it runs in a year, its grade (from its measures or as entered) and its counted effects.

Apart from `evaluate.py` because the trend, the status and distribute use these on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kaikaku_xl.metrics.frames import Inputs
from kaikaku_xl.metrics.grades import worst
from kaikaku_xl.metrics.revisions import inactive_items
from kaikaku_xl.plan.scale import EXCLUDED, GRADE_LABELS, NOT_ENTERED, NOT_GRADED, GradeScale
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.plan.vocabulary import NARRATIVE_KEYS
from kaikaku_xl.text import cell_text


def running(items: pd.DataFrame, year: int) -> pd.Series:
    """Items that run in `year`: 開始年度 ≤ year ≤ 終了年度 (blank = the whole plan). Others are not counted."""
    return pd.Series(_runs(_spans(items), year), index=items.index)


def running_items(items: pd.DataFrame, years: list[int]) -> dict[int, set[Any]]:
    """Year -> the numbers of the items that run in it (running; the item columns read once)."""
    spans, numbers = _spans(items), items["item"].tolist()
    return {
        year: {n for n, runs in zip(numbers, _runs(spans, year).tolist(), strict=True) if runs}
        for year in years
    }


def _spans(items: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each item's 開始年度 and 終了年度 as numbers (NaN: blank, or no such column)."""
    blank = np.full(len(items), np.nan)
    start, end = (
        pd.to_numeric(items[key], errors="coerce").to_numpy(dtype=float) if key in items else blank
        for key in ("start_year", "end_year")
    )
    return start, end


def _runs(spans: tuple[np.ndarray, np.ndarray], year: int) -> np.ndarray:
    start, end = spans
    return (np.isnan(start) | (start <= year)) & (np.isnan(end) | (year <= end))


def runs_in(items: pd.DataFrame, item: Any, year: int) -> bool:
    """Does one item run in `year` (running)? An item the frame does not hold is not refused here."""
    mine = items[items["item"] == item]
    return not len(mine) or bool(running(mine.iloc[:1], year).iloc[0])


EXCLUSION = "excluded"  # the revisions frame's kind: the 推進本部 took an item out of one year's evaluation


def accepted_exclusions(revisions: pd.DataFrame | None, year: int) -> set[Any]:
    """The items the 推進本部 took out of `year`'s evaluation (a 計画の見直し row of 区分 対象外 for that year)."""
    if revisions is None or not len(revisions):
        return set()
    rows = revisions[(revisions["kind"] == EXCLUSION) & (revisions["year"] == year)]
    return set(rows["item"].tolist())


@dataclass(frozen=True)
class ExclusionProposal:
    """対象外 picked in 進捗状況 (状況 or 評価) for a year: a proposal until the 推進本部 decides it."""

    item: Any
    year: int
    reason: str  # the row's narratives joined ("" when none is written: the reason is missing)
    cell: str  # the 進捗状況 cell where 対象外 was picked


def exclusion_proposals(
    status: pd.DataFrame, revisions: pd.DataFrame | None, year: int
) -> list[ExclusionProposal]:
    """The year's 対象外 proposals not (yet) decided by a 計画の見直し row; the items stay graded meanwhile."""
    if not len(status):
        return []
    accepted = accepted_exclusions(revisions, year)
    rows = status[status["year"] == year]
    out = []
    for r in rows.to_dict("records"):
        picked = [k for k in ("status", "grade") if r.get(k) == EXCLUDED]
        if not picked or r["item"] in accepted:
            continue
        found = r.get("cells")
        cells: dict[str, str] = found if isinstance(found, dict) else {}
        reason = " / ".join(t for k in NARRATIVE_KEYS if (t := cell_text(r.get(k))))
        out.append(ExclusionProposal(r["item"], year, reason, cells.get(picked[0], "")))
    return out


def grade_items(
    inputs: Inputs, measures: pd.DataFrame, year: int, settings: Settings, items: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Item grade: the primary measure's (or the worst, per settings); entered grade for items without measures,
    and for every item when the plan's scale is typed (graded by the departments)."""
    scale = GradeScale.of(settings)
    entered = inputs.status
    entered = entered[entered["year"].astype("Int64") == year] if len(entered) else entered
    entered_grade = dict(zip(entered["item"], entered["grade"], strict=True)) if len(entered) else {}
    rows = []
    # each item's measure grades in seq order (one pass, not one filter per item)
    by_item: dict[Any, list[str]] = {}
    # sort by seq only (stable): item numbers may mix ints and text, which do not compare
    ordered = measures.sort_values("seq", kind="stable")
    for item_no, g in zip(ordered["item"].tolist(), ordered["grade"].tolist(), strict=True):
        by_item.setdefault(item_no, []).append(g)
    labels, typed = scale.labels, scale.typed  # (properties: once, not per item)
    rows_of = inputs.items if items is None else items
    inactive = inactive_items(inputs.revisions, rows_of["item"], year)
    excluded = accepted_exclusions(inputs.revisions, year)  # a department's 対象外 alone is a proposal
    n = len(rows_of)
    sections = rows_of["section"].tolist() if "section" in rows_of.columns else [None] * n
    for item, policy, section, lead, title in zip(
        rows_of["item"].tolist(),
        rows_of["policy"].tolist(),
        sections,
        rows_of["lead"].tolist(),
        rows_of["title"].tolist(),
        strict=True,
    ):
        own = by_item.get(item, [])
        label = ""
        if item in inactive:  # ended, or not yet added, by a plan revision
            g, source = EXCLUDED, inactive[item]
        elif item in excluded:
            g, source = EXCLUDED, "計画の見直し（対象外）"  # the 推進本部's decision for this year
        elif len(own) and not typed:
            if settings.item_grade_rule == "最低評価":
                g, source = worst(own, scale), "指標（最低評価）"
            else:
                g, source = own[0], "主指標"
        else:
            value = entered_grade.get(item)
            g = value if isinstance(value, str) and value in labels else NOT_GRADED
            source = "担当課評価"
            label = NOT_ENTERED if g == NOT_GRADED else ""  # a blank is 未入力, not 対象外
        rows.append(
            {
                "item": item,
                "policy": policy,
                "section": section,
                "lead": lead,
                "title": title,
                "grade": g,
                "grade_source": source,
                "grade_label": label or (scale.title(g) if g in labels else GRADE_LABELS[g]),
            }
        )
    return pd.DataFrame(rows)


def effects_per_item(
    grid: pd.DataFrame, ledger: pd.DataFrame, items: pd.DataFrame, year: int, start_year: int
) -> pd.DataFrame:
    """Counted effects per item: single year and cumulative (start_year..year), ledger included.

    NaN where no part is known (never 0: a year before the plan has none); single_missing / cumulative_missing
    count the counted measure-years without a value (not known, or refused as an input error).
    """
    counted = grid[grid["counted"] & grid["year"].between(start_year, year)]
    ledger = ledger[ledger["year"].between(start_year, year)] if len(ledger) else ledger
    out = pd.DataFrame({"item": items["item"]})
    this_year = counted[counted["year"] == year]
    parts = [this_year.groupby("item")["effect"].sum(min_count=1)]
    all_years = [counted.groupby("item")["effect"].sum(min_count=1)]
    if len(ledger):
        parts.append(ledger[ledger["year"] == year].groupby("item")["amount"].sum(min_count=1))
        all_years.append(ledger.groupby("item")["amount"].sum(min_count=1))
    out["single_year"] = pd.concat([out["item"].map(p).astype(float) for p in parts], axis=1).sum(
        axis=1, min_count=1
    )
    out["cumulative"] = pd.concat([out["item"].map(p).astype(float) for p in all_years], axis=1).sum(
        axis=1, min_count=1
    )
    out["single_missing"] = (
        out["item"].map(this_year["effect"].isna().groupby(this_year["item"]).sum()).fillna(0)
    )
    out["cumulative_missing"] = (
        out["item"].map(counted["effect"].isna().groupby(counted["item"]).sum()).fillna(0)
    )
    return out
