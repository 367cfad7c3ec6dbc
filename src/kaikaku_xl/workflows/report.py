"""The machine-readable report (`kaikaku report --json`): results in full precision, nothing rounded."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from ..metrics import ALL_GRADES, GRADES, Results, evaluate
from ..numformat import default_decimals
from ..plan import Plan
from ..settings import Settings
from ..workbook.engine import Engine
from ..workbook.headless import FileEngine
from .load import Loaded, all_problems, load, problems_as_dicts


def _num(x: Any) -> float | int | None:
    """Full-precision number or None for not computable (JSON has no NaN)."""
    if x is None:
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    if math.isnan(value) or math.isinf(value):
        return None
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _rollup_rows(frame: pd.DataFrame, key: str) -> list[dict[str, Any]]:
    rows = []
    for r in frame.to_dict("records"):
        rows.append({
            key: r["group"],
            "items": int(r["items"]),
            "graded": int(r["graded"]),
            "counts": {g: int(r[f"n_{g}"]) for g in ALL_GRADES},
            "shares": {g: _num(r[f"share_{g}"]) for g in GRADES},
            "mean_progress": _num(r["mean_progress"]),
            "effect_year": _num(r["effect_year"]),
            "effect_cumulative": _num(r["effect_cumulative"]),
            "counted_measures": [m for m in str(r["counted_measures"]).split(", ") if m],
        })
    return rows


def build_report(plan: Plan, results: Results, problems: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    m = results.measures
    decimals = {x.measure_id: x.shown_decimals for x in plan.measures}
    measures = [
        {
            "id": r["measure_id"],
            "item": int(r["item"]),
            "name": r["name"],
            "unit": r["unit"],
            "decimals": decimals.get(r["measure_id"], default_decimals(r["unit"], r["baseline"], r["target"])),
            "direction": r["direction"],
            "baseline": _num(r["baseline"]),
            "target": _num(r["target"]),
            "actual": _num(r["actual"]),
            "planned": _num(r["planned"]),
            "progress": _num(r["progress"]),
            "attainment": _num(r["attainment"]),
            "planned_progress": _num(r["planned_progress"]),
            "grade_basis": r["grade_basis"],
            "grade": r["grade"],
            "effect_kind": r["effect_kind"],
            "counted": bool(r["counted"]),
            "effect": _num(r["effect"]),
            "note": r["reason"],
        }
        for r in m.to_dict("records")
    ]
    items = [
        {"no": int(r["item"]), "policy": int(r["policy"]), "title": r["title"], "lead": r["lead"],
         "grade": r["grade"], "grade_source": r["grade_source"]}
        for r in results.items.to_dict("records")
    ]
    effects = [
        {
            "year": int(r["year"]),
            "measures": _num(r["measures"]),
            "ledger": _num(r["ledger"]),
            "single_year": _num(r["single_year"]),
            "cumulative": _num(r["cumulative"]),
            "planned": _num(r["planned"]),
            "planned_cumulative": _num(r["planned_cumulative"]),
            "attainment": _num(r["attainment"]),
            "attainment_cumulative": _num(r["attainment_cumulative"]),
            "reference": _num(r["reference"]),
        }
        for r in results.effects.to_dict("records")
    ]
    total = _rollup_rows(results.total, "group")[0]
    return {
        "plan": {
            "name": plan.name, "city": plan.city, "city_code": plan.city_code,
            "period": [plan.start_year, plan.end_year], "baseline_year": plan.baseline_year,
            "evaluation_year": results.evaluation_year,
        },
        "measures": measures,
        "items": items,
        "policies": _rollup_rows(results.policies, "policy"),
        "departments": _rollup_rows(results.leads, "lead"),
        "total": total,
        "effects": {
            "by_year": effects,
            "evaluation_year": results.evaluation_year,
            "single_year": next((e["single_year"] for e in effects if e["year"] == results.evaluation_year), None),
            "cumulative": next((e["cumulative"] for e in effects if e["year"] == results.evaluation_year), None),
            "history": [{"name": h.name, "effect_yen": h.effect_yen, "as_of": h.as_of} for h in plan.history],
        },
        "problems": problems or [],
    }


def report_from_engine(engine: Engine, year: int | None = None) -> tuple[Loaded, Settings, dict[str, Any]]:
    """Read a master through any engine and compute the report (what refresh computes, nothing written)."""
    loaded = load(engine)
    settings = loaded.settings if year is None else replace(loaded.settings, evaluation_year=year)
    results = evaluate(loaded.inputs, settings)
    return loaded, settings, build_report(loaded.plan, results, problems_as_dicts(all_problems(loaded, results)))


def report_from_file(path: Path, year: int | None = None) -> dict[str, Any]:
    engine = FileEngine(path)
    try:
        return report_from_engine(engine, year)[2]
    finally:
        engine.close()


def print_table(report: dict[str, Any]) -> None:
    """A readable table in the terminal, rounded for people."""
    from ..rounding import format_amount, format_number, format_percent

    plan = report["plan"]
    print(f"{plan['name']}（{plan['city']}） 評価年度 {plan['evaluation_year']}年度")
    print(f"{'ID':<6}{'指標':<24}{'実績':>16}{'進捗率':>9}{'達成率':>9} 評価")
    for m in report["measures"]:
        print(f"{m['id']:<6}{m['name'][:22]:<24}{format_number(m['actual']):>16}"
              f"{format_percent(m['progress']):>9}{format_percent(m['attainment']):>9} {m['grade']}")
    for p in report["policies"]:
        counts = " ".join(f"{g}:{n}" for g, n in p["counts"].items())
        print(f"基本方針{p['policy']}: {counts} 平均進捗率 {format_percent(p['mean_progress'])} "
              f"累計効果額 {format_amount(p['effect_cumulative'])}円")
    e = report["effects"]
    print(f"単年度効果額 {format_amount(e['single_year'])}円 / 計画期間累計 {format_amount(e['cumulative'])}円")
    if report["problems"]:
        print(f"問題 {len(report['problems'])} 件（kaikaku validate で一覧）")
