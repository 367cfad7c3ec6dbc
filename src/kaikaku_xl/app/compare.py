"""前年度比較 as records of the report (`status_counts` and `previous` in `report --json`): the previous year's grade
and 状況 counts per 基本方針 and for the plan, its items' grades, its measures' actuals and its 財政効果額, with the
change to the evaluation year. Built by app/report.py; refresh does not import this (it imports the exports)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from kaikaku_xl.app.previous import PreviousYear, status_counts
from kaikaku_xl.export.report import (
    CountRow,
    Previous,
    PreviousItem,
    PreviousMeasure,
    StatusCounts,
)
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.metrics.frames import Results
from kaikaku_xl.plan import item_no
from kaikaku_xl.plan.scale import ALL_GRADES, GRADES, NOT_GRADED

TOTAL = "全体"


def _num(x: Any) -> float | int | None:
    if x is None or (isinstance(x, float) and (pd.isna(x) or x in (float("inf"), float("-inf")))):
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    if pd.isna(value):
        return None
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _rows(
    results: Results, statuses: Mapping[int | str, Mapping[str, int]], labels: tuple[str, ...]
) -> tuple[list[CountRow], CountRow]:
    grades = (*labels, *ALL_GRADES[len(GRADES) :])  # the plan's grades, then − and 対象外
    out = []
    for frame in (results.policies, results.total):
        for r in frame.to_dict("records"):
            group = r["group"] if frame is results.total else int(r["group"])
            out.append(
                CountRow(
                    group=TOTAL if frame is results.total else group,
                    items=int(r["items"]),
                    graded=int(r["graded"]),
                    counts={g: int(r.get(f"n_{g}", 0) or 0) for g in grades},
                    statuses=dict(statuses.get(TOTAL if frame is results.total else group, {})),
                    effect_year=_num(r.get("effect_year")),
                    effect_cumulative=_num(r.get("effect_cumulative")),
                )
            )
    return out[:-1], out[-1]


def _change(now: Mapping[str, int], then: Mapping[str, int]) -> dict[str, int | None]:
    return {k: now[k] - then[k] if k in now and k in then else None for k in then}


def _minus(a: float | int | None, b: float | int | None) -> float | int | None:
    return None if a is None or b is None else _num(a - b)


def status_record(loaded: Loaded, results: Results, labels: tuple[str, ...]) -> StatusCounts:
    counts = status_counts(loaded.status, results.items, results.evaluation_year)
    policies, total = _rows(results, counts, labels)
    return StatusCounts(tuple(policies), total)


def previous_record(
    loaded: Loaded, now: StatusCounts, previous: PreviousYear, labels: tuple[str, ...]
) -> Previous:
    """The previous year as the report's record, with the change (this year − that year) of every count."""
    results = previous.results
    counts = status_counts(loaded.status, results.items, previous.year)
    policies, total = _rows(results, counts, labels)
    this_year = {row.group: row for row in (*now.policies, now.total)}

    def changed(row: CountRow) -> CountRow:
        mine = this_year.get(row.group)
        if mine is None:
            return row
        return replace(
            row, change=_change(mine.counts, row.counts), status_change=_change(mine.statuses, row.statuses)
        )

    year_row = results.effects[results.effects["year"] == previous.year].to_dict("records")
    effects = {
        "single_year": _num(year_row[0]["single_year"]) if year_row else None,
        "cumulative": _num(year_row[0]["cumulative"]) if year_row else None,
    }
    return Previous(
        year=previous.year,
        closed=previous.closed,
        policies=tuple(changed(p) for p in policies),
        total=changed(total),
        items=tuple(
            PreviousItem(
                no=item_no(r["item"]) or str(r["item"]),
                grade=str(r["grade"] or NOT_GRADED),
                grade_label=str(r.get("grade_label") or ""),
            )
            for r in results.items.to_dict("records")
        ),
        measures=tuple(
            PreviousMeasure(
                id=str(r["measure_id"]),
                item=item_no(r["item"]) or str(r["item"]),
                actual=_num(r["actual"]),
                grade=str(r["grade"] or NOT_GRADED),
            )
            for r in results.measures.to_dict("records")
        ),
        effects=effects,
    )


def with_effect_change(previous: Previous, single_year: Any, cumulative: Any) -> Previous:
    """The change of 単年度効果額 and 計画期間累計 (this year − that year; None where either is −)."""
    return replace(
        previous,
        effect_change={
            "single_year": _minus(_num(single_year), previous.effects["single_year"]),
            "cumulative": _minus(_num(cumulative), previous.effects["cumulative"]),
        },
    )
