"""Plan revisions (見直し, docs/decisions.md): the plan values in force in each year.

A revision changes a measure's target or baseline, or adds or ends an item, from a year on; years before it keep
the old value. A revision may also be pinned to a span of years (`last_year`): a closed year keeps the values
it was closed with even when the revision table changes later.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kaikaku_xl.metrics.frames import REVISION_COLUMNS, row_dicts

TARGET, BASELINE, ADDED, ENDED = "target", "baseline", "added", "ended"
MEASURE_KINDS = (TARGET, BASELINE)


def _ordered(revisions: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows by first year (a later revision overrides an earlier one from its year on); pins last."""
    return sorted(row_dicts(revisions, REVISION_COLUMNS), key=lambda r: (_pinned(r), int(r["year"])))


def _pinned(row: dict[str, Any]) -> bool:
    last = row.get("last_year")
    return last is not None and not (isinstance(last, float) and np.isnan(last))


def _applies(row: dict[str, Any], years: np.ndarray) -> np.ndarray:
    hit = years >= int(row["year"])
    if _pinned(row):
        hit &= years <= int(row["last_year"])
    return hit


def revise_grid(grid: pd.DataFrame, revisions: pd.DataFrame) -> pd.DataFrame:
    """The measure-year grid with each row's target and baseline as in force that year."""
    if revisions is None or not len(revisions):
        return grid
    grid = grid.copy()
    grid["baseline"] = grid["baseline"].astype(float)
    grid["target"] = grid["target"].astype(float)
    years = grid["year"].to_numpy()
    ids = grid["measure_id"].to_numpy(object)
    for row in _ordered(revisions[revisions["kind"].isin(MEASURE_KINDS)]):
        hit = (ids == row["measure_id"]) & _applies(row, years)
        grid.loc[hit, row["kind"]] = float(row["value"])
    return grid


def inactive_items(revisions: pd.DataFrame, items: Any, year: int) -> dict[Any, str]:
    """item -> why it is not evaluated in `year`: ended before it, or added only later."""
    if revisions is None or not len(revisions):
        return {}
    out: dict[Any, str] = {}
    by_item: dict[
        Any, list[dict[str, Any]]
    ] = {}  # each item's rows in _ordered order (one pass, not a filter each)
    for r in _ordered(revisions[revisions["kind"].isin((ADDED, ENDED))]):
        by_item.setdefault(r["item"], []).append(r)
    for item in items:
        mine = by_item.get(item, [])
        plain = [r for r in mine if not _pinned(r)]
        pins = [r for r in mine if _pinned(r) and _applies(r, np.array([year]))[0]]
        if not plain and not pins:
            continue
        # An item whose first revision adds it did not run before that year.
        state = ENDED if plain and plain[0]["kind"] == ADDED else ADDED
        for r in [*plain, *pins]:
            if _applies(r, np.array([year]))[0]:
                state = r["kind"]
        if state == ENDED:
            ended = any(r["kind"] == ENDED and int(r["year"]) <= year for r in [*plain, *pins])
            out[item] = "計画の見直し（取組終了）" if ended else "計画の見直し（追加前）"
    return out
