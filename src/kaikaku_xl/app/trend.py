"""年度推移: each item's grade in every plan year up to the evaluation year, and each measure's actual against its
planned path (the rows the builder's small charts read)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.master.recorded import evaluate_kept
from kaikaku_xl.metrics.frames import Results
from kaikaku_xl.metrics.items import grade_items
from kaikaku_xl.metrics.measures import evaluate_measures
from kaikaku_xl.plan.numformat import number_format
from kaikaku_xl.rounding import round_half_away


def _number(x: Any) -> float | None:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return None if value != value else value  # NaN: not known, never 0


def grades_by_year(loaded: Loaded, results: Results) -> dict[int, dict[int, str]]:
    """year -> item -> grade, for every plan year up to the evaluation year (closed years from their inputs)."""
    out = {}
    inputs = loaded.inputs
    for year in loaded.layout.plan_years:
        if year > results.evaluation_year:
            break
        if year == results.evaluation_year:
            items = results.items
        elif year in loaded.recorded:  # a closed year shows its recorded grades (master/recorded.py)
            items = evaluate_kept(loaded, replace(loaded.settings, evaluation_year=year)).items
        else:  # only the grades: the measure-year grid is the same for every year (no effects, totals, rollups)
            settings = replace(loaded.settings, evaluation_year=year)
            measures = evaluate_measures(results.measure_years, year, inputs.baseline_year, settings)
            items = grade_items(inputs, measures, year, settings)
        out[year] = dict(zip(items["item"].tolist(), items["grade"].tolist(), strict=True))
    return out


def trend_rows(loaded: Loaded, results: Results) -> tuple[list[list[Any]], list[list[Any]], list[str]]:
    """(item rows, measure rows, each measure row's number format)."""
    layout = loaded.layout
    grades = grades_by_year(loaded, results)
    shown = results.items
    items = [
        [item, title, lead, *(grades.get(y, {}).get(item) for y in layout.plan_years)]
        for item, title, lead in zip(
            shown["item"].tolist(), shown["title"].tolist(), shown["lead"].tolist(), strict=True
        )
    ]
    grid = results.measure_years
    # One pass over the grid into a dict ((measure, year) is unique there): a .loc per cell is slow at 50,000.
    values: dict[tuple[str, int], tuple[Any, Any]] = {}
    for measure_id, year, actual, planned in zip(
        grid["measure_id"].tolist(),
        grid["year"].tolist(),
        grid["actual"].tolist(),
        grid["planned"].tolist(),
        strict=True,
    ):
        values.setdefault((measure_id, year), (actual, planned))
    decimals = {m.measure_id: m.shown_decimals for m in loaded.plan.measures}
    measures, formats = [], []
    frame = loaded.inputs.measures
    for measure_id, name, unit in zip(
        frame["measure_id"].tolist(), frame["name"].tolist(), frame["unit"].tolist(), strict=True
    ):
        actual, planned = [], []
        for y in layout.years:
            row = values.get((measure_id, y))
            if row is None:
                actual.append(None)
                planned.append(None)
                continue
            actual.append(_number(row[0]) if y <= results.evaluation_year else None)
            value = _number(row[1])
            planned.append(None if value is None else round_half_away(value, 2))
        measures.append([measure_id, name, unit, c.TREND_ACTUAL, *actual])
        measures.append([measure_id, name, unit, c.TREND_PLANNED, *planned])
        fmt = number_format(decimals.get(measure_id, 0))
        formats += [fmt, fmt]
    return items, measures, formats
