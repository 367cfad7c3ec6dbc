"""前年度比較 (issue 23): the previous year's results beside the evaluation year's, for every door.

The previous year of a closed year's master keeps the figures recorded when it was closed (年度確定値, through
master/recorded.evaluate_kept); an open previous year is evaluated from the master as it stands. The plan's first
year has no previous year (None: the tables print −, never 0). No export import here: refresh uses it too
(tests/app/test_refresh_imports.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from kaikaku_xl.master.load import Loaded
from kaikaku_xl.master.recorded import evaluate_kept
from kaikaku_xl.metrics.frames import Results
from kaikaku_xl.plan import item_no
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.plan.vocabulary import STATUS_VALUES
from kaikaku_xl.text import cell_text

NOT_ENTERED_STATUS = "未入力"  # a blank 状況 (not the same thing as any choice)
STATUS_COLUMNS = (*STATUS_VALUES, NOT_ENTERED_STATUS)


@dataclass(frozen=True)
class PreviousYear:
    """The year before the evaluation year: its results, and whether they are the closed year's record."""

    year: int
    closed: bool
    results: Results


def previous_results(loaded: Loaded, settings: Settings) -> PreviousYear | None:
    """The previous year's results (None in the plan's first year)."""
    year = settings.evaluation_year - 1
    if year < loaded.plan.start_year:
        return None
    results = evaluate_kept(loaded, replace(settings, evaluation_year=year))
    return PreviousYear(year, year in loaded.recorded, results)


def status_counts(status: pd.DataFrame, items: pd.DataFrame, year: int) -> dict[int | str, dict[str, int]]:
    """Per 基本方針 (by number) and for the plan (全体): how many of the year's items have each 状況 (未着手・
    実施中・完了・対象外, 未入力 for a blank). items: the results' items of that year (item, policy)."""
    of_year = status[status["year"] == year] if len(status) else status
    typed = {item_no(r["item"]): cell_text(r["status"]) for r in of_year.to_dict("records")}
    out: dict[int | str, dict[str, int]] = {}
    total = dict.fromkeys(STATUS_COLUMNS, 0)
    for r in items.to_dict("records"):
        value = typed.get(item_no(r["item"]), "")
        key = value if value in STATUS_VALUES else NOT_ENTERED_STATUS
        policy = out.setdefault(int(r["policy"]), dict.fromkeys(STATUS_COLUMNS, 0))
        policy[key] += 1
        total[key] += 1
    out["全体"] = total
    return out
