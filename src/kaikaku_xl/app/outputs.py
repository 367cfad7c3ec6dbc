"""The rows of every output table refresh writes, built from the results by the tables' TableSpecs."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.metrics.frames import Results, row_dicts
from kaikaku_xl.plan import ItemNo, natural_key
from kaikaku_xl.plan.numformat import number_format
from kaikaku_xl.plan.scale import EXCLUDED, NOT_GRADED
from kaikaku_xl.problems import Problem
from kaikaku_xl.xlsx.rows import stored_value, table_rows
from kaikaku_xl.xlsx.tablespec import TableSpec
from kaikaku_xl.years import wareki


def evaluation_rows(loaded: Loaded, results: Results) -> list[list[Any]]:
    titles = _titles(loaded)
    rows = []
    for r in _columns_of(results.measures, c.EVALUATION):
        aggregation = _aggregation(r)
        rows.append(
            {
                **r,
                "title": titles.get(r["item"], ""),
                "effect_kind": r["effect_kind"] or "",
                "counted": "○" if r["counted"] else "",
                "aggregation": aggregation,
                "year_actual": r.get("year_actual")
                if aggregation
                else None,  # the year's own amount: 累計 only
            }
        )
    return table_rows(c.EVALUATION, rows)


def _columns_of(frame: pd.DataFrame, spec: TableSpec) -> list[dict[str, Any]]:
    """The frame's rows, with only the columns the table shows (a column it lacks stays missing: KeyError)."""
    return row_dicts(frame, [col.key for col in spec.columns if col.key in frame.columns])


def _titles(loaded: Loaded) -> dict[ItemNo, str]:
    items = loaded.inputs.items
    return dict(zip(items["item"].tolist(), items["title"].tolist(), strict=True))


def _aggregation(row: dict[str, Any]) -> str:
    value = row.get("aggregation")
    return value if isinstance(value, str) else ""


def evaluation_formats(loaded: Loaded, results: Results) -> dict[str, list[str]]:
    """Each 評価結果 row's number format for its measure's values (the plan's decimals for that measure)."""
    decimals = {m.measure_id: m.shown_decimals for m in loaded.plan.measures}
    per_row = [number_format(decimals.get(r, 0)) for r in results.measures["measure_id"].tolist()]
    return {col.key: per_row for col in c.EVALUATION.columns if col.per_row_format}


ITEM_EFFECT_KEYS = ("single_year", "cumulative", "plan_year", "plan_attainment")


def item_rows(loaded: Loaded, results: Results) -> list[list[Any]]:
    year = results.evaluation_year
    status = loaded.status
    this_year = status[status["year"] == year].set_index("item")["status"] if len(status) else pd.Series()
    # (the rare master with two 進捗状況 rows of one item and year: looked up as the Series, row by row)
    status_of = this_year.to_dict() if this_year.index.is_unique else this_year
    effects = results.item_effects
    of_item = {
        key: dict(zip(effects["item"].tolist(), effects[key].tolist(), strict=True))
        for key in ITEM_EFFECT_KEYS
    }
    rows = [
        {
            **r,
            "status": status_of.get(r["item"], "") or "",
            **{key: of_item[key][r["item"]] for key in ITEM_EFFECT_KEYS},
        }
        for r in _columns_of(results.items, c.ITEM_RESULTS)
    ]
    return table_rows(c.ITEM_RESULTS, rows)


def effect_rows(results: Results) -> list[list[Any]]:
    return table_rows(
        c.EFFECTS,
        (
            {**r, "year": int(r["year"]), "wareki": wareki(int(r["year"]))}
            for r in _columns_of(results.effects, c.EFFECTS)
        ),
    )


def item_effect_rows(loaded: Loaded, results: Results) -> list[list[Any]]:
    """Each measure's and each ledger entry's 財政効果額 per plan year (years after the evaluation year empty)."""
    years = loaded.layout.plan_years
    spec = loaded.layout.table(c.ITEM_EFFECTS_TABLE)
    titles = _titles(loaded)
    evaluation_year = results.evaluation_year
    rows = [
        _measure_effect_row(spec, first, by_year, titles, years, evaluation_year)
        for first, by_year in _effects_by_measure(results.measure_years, years).values()
    ]
    for r in loaded.ledger.to_dict("records"):
        rows.append(
            {
                "item": r["item"],
                "title": titles.get(r["item"], ""),
                "source": f"台帳: {r['what']}",
                "kind": r["kind"],
                "counted": "○",
                **{f"y{y}": r["amount"] if y == r["year"] else None for y in years},
                "total": r["amount"] if r["year"] <= evaluation_year else None,
            }
        )
    rows.sort(key=lambda record: natural_key(record["item"]))  # "2" < "10" < "R1-3"; stable sort
    return table_rows(spec, rows)


def _effects_by_measure(
    grid: pd.DataFrame, years: list[int]
) -> dict[tuple[ItemNo, str], tuple[dict[str, Any], dict[int, float]]]:
    """(item, measure) -> (its first row of the grid, year -> 財政効果額), for measures with a 効果区分, in the
    grid's order (one pass over its columns)."""
    grid = grid[grid["year"].isin(years) & grid["effect_kind"].astype(bool)]
    out: dict[tuple[ItemNo, str], tuple[dict[str, Any], dict[int, float]]] = {}
    for row in row_dicts(grid, ("item", "measure_id", "year", "effect", "name", "effect_kind", "counted")):
        first, by_year = out.setdefault((row["item"], row["measure_id"]), (row, {}))
        by_year.setdefault(row["year"], row["effect"])
    return out


def _measure_effect_row(
    spec: TableSpec,
    first: dict[str, Any],
    by_year: dict[int, float],
    titles: dict[ItemNo, str],
    years: list[int],
    evaluation_year: int,
) -> dict[str, Any]:
    values = {
        y: stored_value(spec.column(f"y{y}"), by_year.get(y)) if y <= evaluation_year else None for y in years
    }
    return {
        "item": first["item"],
        "title": titles.get(first["item"], ""),
        "source": first["name"],
        "kind": first["effect_kind"],
        "counted": "○" if first["counted"] else "",
        **{f"y{y}": v for y, v in values.items()},
        "total": sum(v for v in values.values() if v is not None) if first["counted"] else None,
    }


def summary_rows(spec: TableSpec, frame: pd.DataFrame, names: dict[Any, str]) -> list[list[Any]]:
    keys = dict.fromkeys(["group", *(col.key for col in spec.columns if col.key in frame.columns)])
    return table_rows(
        spec, ({**r, "name": names.get(r["group"], str(r["group"]))} for r in row_dicts(frame, keys))
    )


def policy_summary_rows(
    loaded: Loaded, results: Results, policy_names: dict[Any, str], spec: TableSpec
) -> list[list[Any]]:
    """基本方針別: each 基本方針's row, followed in a three-level plan by the rows of its 推進項目 (their No in the
    first column, their name indented), so every level's roll-up is on the one sheet."""
    sections = results.sections.to_dict("records") if len(results.sections) else []
    owner = {x.no: x.policy for x in loaded.plan.sections}
    names = {x.no: f"　└ {x.name}" for x in loaded.plan.sections}
    rows = []
    for record in results.policies.to_dict("records"):
        rows += summary_rows(spec, pd.DataFrame([record]), policy_names)
        own = [r for r in sections if owner.get(r["group"]) == record["group"]]
        if own:
            rows += summary_rows(spec, pd.DataFrame(own), names)
    return rows


def problem_rows(problems: list[Problem]) -> list[list[Any]]:
    return table_rows(c.PROBLEMS, (p.as_dict() for p in problems))


def yen_of_year(results: Results, column: str) -> float | None:
    """The evaluation year's amount of results.effects[column], whole yen; None when not computable."""
    by_year = results.effects.set_index("year")[column]
    return stored_value(c.REFRESH_LOG.column(column), by_year.get(results.evaluation_year, float("nan")))


def _not_graded(row: Any, sep: str = "（") -> str:
    """「（未評価 3）」: the items of a roll-up row without a grade (− : 未入力・評価不能), "" when there is none."""
    n = int(row[f"n_{NOT_GRADED}"])
    if not n:
        return ""
    return f"{sep}{c.DASHBOARD_NOT_GRADED} {n}" + ("）" if sep == "（" else "")


def _policy_label(name: str, counts: Any) -> str:
    """「名称」and below it「（3/5項目・未評価 1・対象外 1）」: graded of the items running, and what the rest are, so
    the label and the row beside it (the grades and 未評価; 対象外 is out of the chart) add up to the items."""
    excluded = int(counts[f"n_{EXCLUDED}"])
    return (
        f"{name}\n（{int(counts['graded'])}/{int(counts['items'])}項目"
        + _not_graded(counts, "・")
        + (f"・{EXCLUDED} {excluded}" if excluded else "")
        + "）"
    )


def dashboard(
    loaded: Loaded, results: Results, now: str
) -> tuple[dict[str, Any], list[list[Any]], list[list[Any]]]:
    """The dashboard's figures (cell -> value) and the rows of its two chart tables."""
    year = results.evaluation_year
    total = results.total.iloc[0]
    figures = {
        "evaluation_year": f"{year}年度（{wareki(year)}）",
        "graded": f"{int(total['graded'])} / {int(total['items'])} 項目" + _not_graded(total),
        "single_year": yen_of_year(results, "single_year"),
        "cumulative": yen_of_year(results, "cumulative"),
        "updated": now,
    }
    kpis = {kpi.cell: figures[kpi.key] for kpi in c.DASHBOARD_KPIS}
    # the row counts each grade and 未評価; each 基本方針's name says how many items run and how many are graded
    counts = {r["group"]: r for r in results.policies.to_dict("records")}
    names = {
        p.no: _policy_label(p.name, counts[p.no]) if p.no in counts else p.name for p in loaded.plan.policies
    }
    grades = summary_rows(loaded.layout.table(c.DASHBOARD_GRADES.name), results.policies, names)
    effects = [
        {"label": h.name + (f"（{h.as_of}時点）" if h.as_of else ""), "amount": h.effect_yen}
        for h in loaded.plan.history
    ]
    effects += [
        {"label": f"本計画 {int(r['year'])}年度", "amount": r["single_year"]}
        for r in results.effects.to_dict("records")
    ]
    return kpis, grades, table_rows(c.DASHBOARD_EFFECTS, effects)


def dashboard_grade_formats(spec: TableSpec, n_rows: int) -> dict[str, list[str]]:
    """Every count column's number format for each row: a master made when the table held shares (its cells %
    formatted) shows the counts as counts after a refresh, not as 100%, 200% …"""
    return {col.key: [col.fmt] * n_rows for col in spec.columns if col.fmt}
