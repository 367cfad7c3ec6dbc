"""Refresh: read the inputs, run the metrics, write every output table. The same workflow for every door."""

from __future__ import annotations

import getpass
import math
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from ..metrics import ALL_GRADES, Results, evaluate
from ..numformat import number_format
from ..progress import SILENT, Phase, Progress
from ..rounding import percent_points, round_half_away
from ..workbook import contract as c
from ..workbook.engine import Engine
from ..workbook.inputs import ERROR, WARNING, Problem
from ..workbook.titles import DASHBOARD_KPIS, TITLES
from .load import Loaded, all_problems, count_inputs, load


@dataclass
class RefreshOutcome:
    loaded: Loaded
    results: Results
    log_row: list[Any]


def _pct(rate: float) -> float | None:
    """A fraction rounded for display (0.1 point, half away from zero), stored as a fraction for the % format."""
    return None if pd.isna(rate) else percent_points(float(rate)) / 100


def _yen(amount: float) -> float | None:
    return None if pd.isna(amount) else round_half_away(float(amount), 0)


def _value(x: Any) -> Any:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if hasattr(x, "item"):  # numpy scalar
        x = x.item()
    return x


def evaluation_rows(loaded: Loaded, results: Results) -> list[list[Any]]:
    titles = dict(zip(loaded.inputs.items["item"], loaded.inputs.items["title"], strict=True))
    rows = []
    for r in results.measures.to_dict("records"):
        rows.append([
            r["measure_id"], r["item"], r["policy"], titles.get(r["item"], ""), r["lead"], r["name"], r["unit"],
            r["direction"], _value(r["baseline"]), _value(r["target"]), _value(r["actual"]),
            _value(round_half_away(r["planned"], 2)), _pct(r["planned_progress"]), _pct(r["progress"]),
            _pct(r["attainment"]), r["grade"], r["grade_basis"], _yen(r["effect"]), r["effect_kind"] or "",
            "○" if r["counted"] else "", r["reason"],
        ])
    return rows


def evaluation_formats(loaded: Loaded, results: Results) -> dict[str, list[str]]:
    """Each 評価結果 row's number format for its measure's values (the plan's decimals for that measure)."""
    decimals = {m.measure_id: m.shown_decimals for m in loaded.plan.measures}
    per_row = [number_format(decimals.get(r, 0)) for r in results.measures["measure_id"]]
    return {col.key: per_row for col in c.EVALUATION.columns if col.per_measure}


def item_rows(loaded: Loaded, results: Results) -> list[list[Any]]:
    year = results.evaluation_year
    status = loaded.status[loaded.status["year"] == year].set_index("item")["status"] if len(loaded.status) else {}
    effects = results.item_effects.set_index("item")
    return [
        [r["item"], r["policy"], r["title"], r["lead"], r["grade"], r["grade_label"], r["grade_source"],
         (status.get(r["item"], "") if len(loaded.status) else "") or "",
         _yen(effects.at[r["item"], "single_year"]), _yen(effects.at[r["item"], "cumulative"])]
        for r in results.items.to_dict("records")
    ]


def effect_rows(results: Results) -> list[list[Any]]:
    return [
        [int(r["year"]), c.wareki(int(r["year"])), _yen(r["measures"]), _yen(r["ledger"]), _yen(r["single_year"]),
         _yen(r["cumulative"]), _yen(r["planned"]), _yen(r["planned_cumulative"]), _pct(r["attainment"]),
         _pct(r["attainment_cumulative"]), _yen(r["reference"]), None if pd.isna(r["missing"]) else int(r["missing"])]
        for r in results.effects.to_dict("records")
    ]


def item_effect_rows(loaded: Loaded, results: Results) -> list[list[Any]]:
    years = loaded.layout.plan_years
    titles = dict(zip(loaded.inputs.items["item"], loaded.inputs.items["title"], strict=True))
    grid = results.measure_years
    grid = grid[grid["year"].isin(years) & grid["effect_kind"].astype(bool)]
    evaluation_year = results.evaluation_year
    rows = []
    for (item, _measure_id), group in grid.groupby(["item", "measure_id"], sort=True):
        first = group.iloc[0]
        by_year = group.set_index("year")["effect"]
        values = [_yen(by_year.get(y)) if y <= evaluation_year else None for y in years]
        total = sum(v for v in values if v is not None) if first["counted"] else None
        rows.append([int(item), titles.get(item, ""), first["name"], first["effect_kind"],
                     "○" if first["counted"] else "", *values, total])
    for r in loaded.ledger.to_dict("records"):
        values = [_yen(r["amount"]) if y == r["year"] else None for y in years]
        rows.append([int(r["item"]), titles.get(r["item"], ""), f"台帳: {r['what']}", r["kind"], "○", *values,
                     _yen(r["amount"]) if r["year"] <= evaluation_year else None])
    rows.sort(key=lambda row: row[0])
    return rows


def summary_rows(frame: pd.DataFrame, names: dict[Any, str]) -> list[list[Any]]:
    rows = []
    for r in frame.to_dict("records"):
        rows.append([
            r["group"], names.get(r["group"], str(r["group"])), r["items"], r["graded"],
            *(r[f"n_{g}"] for g in ALL_GRADES),
            *(_pct(r[f"share_{g}"]) for g in ("S", "A", "B", "C", "D")),
            _pct(r["mean_progress"]), _yen(r["effect_year"]), _yen(r["effect_cumulative"]),
            int(r["effect_year_missing"]), r["counted_measures"],
        ])
    return rows


def problem_rows(problems: list[Problem]) -> list[list[Any]]:
    return [[p.severity, p.sheet, p.cell, p.message, p.action] for p in problems]


def dashboard(loaded: Loaded, results: Results, now: str) -> tuple[dict[str, Any], list[list[Any]], list[list[Any]]]:
    year = results.evaluation_year
    total = results.total.iloc[0]
    this_year = results.effects.set_index("year")
    kpis = {
        "B3": f"{year}年度（{c.wareki(year)}）",
        "B4": f"{int(total['graded'])} / {int(total['items'])} 項目",
        "B5": _yen(this_year["single_year"].get(year, float("nan"))),
        "B6": _yen(this_year["cumulative"].get(year, float("nan"))),
        "B7": now,
    }
    names = {p.no: p.name for p in loaded.plan.policies}
    grades = [[names.get(r["group"], str(r["group"])), *(_pct(r[f"share_{g}"]) for g in ("S", "A", "B", "C", "D"))]
              for r in results.policies.to_dict("records")]
    effects = [[h.name + (f"（{h.as_of}時点）" if h.as_of else ""), h.effect_yen] for h in loaded.plan.history]
    effects += [[f"本計画 {int(r['year'])}年度", _yen(r["single_year"])] for r in results.effects.to_dict("records")]
    return kpis, grades, effects


def log_row(loaded: Loaded, results: Results, problems: list[Problem], engine: Engine, now: str) -> list[Any]:
    effects = results.effects.set_index("year")
    year = results.evaluation_year
    try:
        user = getpass.getuser()
    except OSError:
        user = ""
    return [now, user, engine.door, year, int(results.total.iloc[0]["graded"]),
            _yen(effects["single_year"].get(year, float("nan"))), _yen(effects["cumulative"].get(year, float("nan"))),
            sum(p.severity == ERROR for p in problems), sum(p.severity == WARNING for p in problems),
            loaded.fingerprint]


def refresh(engine: Engine, now: datetime | None = None, progress: Progress = SILENT) -> RefreshOutcome:
    """Run the whole refresh through an engine and commit it. Raises WorkbookError only for unusable files.

    A file engine holds the master's writer lock from the read to the atomic replace (one writer at a time).
    progress: a line per phase (読み込み / 計算 / 書き込み) for the command line.
    """
    writing = getattr(engine, "writing", None)
    with writing() if writing else nullcontext():
        return _refresh(engine, now, progress)


def _refresh(engine: Engine, now: datetime | None, progress: Progress) -> RefreshOutcome:
    loaded = load(engine, progress)
    if getattr(engine, "backups", 0) is None:
        engine.backups = loaded.settings.backups  # type: ignore[attr-defined]
    with progress.phase("計算") as phase:
        count_inputs(phase, loaded)
        results = evaluate(loaded.inputs, loaded.settings)
    with progress.phase("書き込み", total=len(loaded.layout.outputs) + 1) as phase:
        row = _write_outputs(engine, loaded, results, now, phase)
    return RefreshOutcome(loaded=loaded, results=results, log_row=row)


def _write_outputs(engine: Engine, loaded: Loaded, results: Results, now: datetime | None, phase: Phase) -> list[Any]:
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    problems = all_problems(loaded, results)
    layout = loaded.layout
    policy_names = {p.no: p.name for p in loaded.plan.policies}
    policy_rows = summary_rows(results.policies, policy_names) + summary_rows(results.total, {})
    tables: dict[str, list[list[Any]]] = {
        c.EVALUATION.name: evaluation_rows(loaded, results),
        c.ITEM_RESULTS.name: item_rows(loaded, results),
        c.EFFECTS.name: effect_rows(results),
        "ItemEffects": item_effect_rows(loaded, results),
        c.POLICY_SUMMARY.name: policy_rows,
        c.DEPARTMENT_SUMMARY.name: summary_rows(results.leads, {}),
        c.PROBLEMS.name: problem_rows(problems),
    }
    previous_log = engine.read_table(c.REFRESH_LOG).rows if engine.has_table(c.REFRESH_LOG.name) else []
    row = log_row(loaded, results, problems, engine, stamp)
    tables[c.REFRESH_LOG.name] = [list(r) for r in previous_log] + [row]
    kpis, grade_rows, effect_chart_rows = dashboard(loaded, results, stamp)
    tables[c.DASHBOARD_GRADES.name] = grade_rows
    tables[c.DASHBOARD_EFFECTS.name] = effect_chart_rows
    formats = {c.EVALUATION.name: evaluation_formats(loaded, results)}
    for spec in layout.outputs:
        engine.write_table(spec, tables[spec.name], formats=formats.get(spec.name))
        phase.step()
        phase.count("表", 1)
        phase.count("行", len(tables[spec.name]))
        if spec.sheet != c.SHEET_DASHBOARD:
            heading, note = TITLES[spec.name]
            engine.write_cells(spec.sheet, {"A1": heading, "A2": note})
    engine.write_cells(c.SHEET_DASHBOARD, {
        "A1": f"{loaded.plan.name} ダッシュボード",
        "A2": "更新ボタン（kaikaku refresh）で最新の評価に置き換わります。",
        **{f"A{i}": label for i, label in enumerate(DASHBOARD_KPIS, start=3)},
        **kpis,
    })
    engine.commit()
    phase.step()
    return row
