"""Refresh: read the inputs, run the metrics, write every output table. The same workflow for every door."""

from __future__ import annotations

import getpass
import logging
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from kaikaku_xl.metrics import Results
from kaikaku_xl.numformat import number_format
from kaikaku_xl.plan import natural_key
from kaikaku_xl.progress import SILENT, Phase, Progress
from kaikaku_xl.workbook import contract as c
from kaikaku_xl.workbook.engine import Engine
from kaikaku_xl.workbook.problems import ERROR, WARNING, Problem
from kaikaku_xl.workbook.rows import stored_value, table_row, table_rows
from kaikaku_xl.workbook.titles import DASHBOARD_NOTE, TITLES, dashboard_title
from kaikaku_xl.workflows.load import Loaded, all_problems, count_inputs, load
from kaikaku_xl.workflows.recorded import evaluate_kept
from kaikaku_xl.workflows.status import department_status, submission_rows
from kaikaku_xl.workflows.trend import trend_rows

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshSummary:
    """One refresh as the 更新履歴 table logs it (fields = the REFRESH_LOG columns' keys, in order)."""

    time: str
    user: str
    door: str
    evaluation_year: int
    graded: int  # items graded in the evaluation year
    single_year: float | None  # 財政効果額 of the evaluation year, whole yen; None = not computable
    cumulative: float | None
    errors: int
    warnings: int
    fingerprint: str  # of every input value (workflows.load.fingerprint)

    def as_row(self) -> list[Any]:
        return table_row(c.REFRESH_LOG, asdict(self))


@dataclass
class RefreshOutcome:
    loaded: Loaded
    results: Results
    summary: RefreshSummary


def evaluation_rows(loaded: Loaded, results: Results) -> list[list[Any]]:
    titles = dict(zip(loaded.inputs.items["item"], loaded.inputs.items["title"], strict=True))
    return table_rows(
        c.EVALUATION,
        (
            {
                **r,
                "title": titles.get(r["item"], ""),
                "effect_kind": r["effect_kind"] or "",
                "counted": "○" if r["counted"] else "",
                "aggregation": _aggregation(r),
                "year_actual": r.get("year_actual") if _aggregation(r) else None,
            }  # the year's own amount: 累計 only
            for r in results.measures.to_dict("records")
        ),
    )


def _aggregation(row: dict[str, Any]) -> str:
    value = row.get("aggregation")
    return value if isinstance(value, str) else ""


def evaluation_formats(loaded: Loaded, results: Results) -> dict[str, list[str]]:
    """Each 評価結果 row's number format for its measure's values (the plan's decimals for that measure)."""
    decimals = {m.measure_id: m.shown_decimals for m in loaded.plan.measures}
    per_row = [number_format(decimals.get(r, 0)) for r in results.measures["measure_id"]]
    return {col.key: per_row for col in c.EVALUATION.columns if col.per_measure}


def item_rows(loaded: Loaded, results: Results) -> list[list[Any]]:
    year = results.evaluation_year
    status = (
        loaded.status[loaded.status["year"] == year].set_index("item")["status"] if len(loaded.status) else {}
    )
    effects = results.item_effects.set_index("item")
    return table_rows(
        c.ITEM_RESULTS,
        (
            {
                **r,
                "status": status.get(r["item"], "") or "",
                "single_year": effects.at[r["item"], "single_year"],
                "cumulative": effects.at[r["item"], "cumulative"],
                "plan_year": effects.at[r["item"], "plan_year"],
                "plan_attainment": effects.at[r["item"], "plan_attainment"],
            }
            for r in results.items.to_dict("records")
        ),
    )


def effect_rows(results: Results) -> list[list[Any]]:
    return table_rows(
        c.EFFECTS,
        (
            {**r, "year": int(r["year"]), "wareki": c.wareki(int(r["year"]))}
            for r in results.effects.to_dict("records")
        ),
    )


def item_effect_rows(loaded: Loaded, results: Results) -> list[list[Any]]:
    """Each measure's and each ledger entry's 財政効果額 per plan year (years after the evaluation year empty)."""
    years = loaded.layout.plan_years
    spec = loaded.layout.table(c.ITEM_EFFECTS_TABLE)
    titles = dict(zip(loaded.inputs.items["item"], loaded.inputs.items["title"], strict=True))
    grid = results.measure_years
    grid = grid[grid["year"].isin(years) & grid["effect_kind"].astype(bool)]
    evaluation_year = results.evaluation_year
    records = []
    for (item, _measure_id), group in grid.groupby(["item", "measure_id"], sort=False):
        first = group.iloc[0]
        by_year = group.set_index("year")["effect"]
        values = {
            y: stored_value(spec.column(f"y{y}"), by_year.get(y)) if y <= evaluation_year else None
            for y in years
        }
        total = sum(v for v in values.values() if v is not None) if first["counted"] else None
        records.append(
            {
                "item": item,
                "title": titles.get(item, ""),
                "source": first["name"],
                "kind": first["effect_kind"],
                "counted": "○" if first["counted"] else "",
                **{f"y{y}": v for y, v in values.items()},
                "total": total,
            }
        )
    for r in loaded.ledger.to_dict("records"):
        records.append(
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
    records.sort(key=lambda record: natural_key(record["item"]))  # "2" < "10" < "R1-3"; stable sort
    return table_rows(spec, records)


def summary_rows(spec: c.TableSpec, frame: pd.DataFrame, names: dict[Any, str]) -> list[list[Any]]:
    return table_rows(
        spec, ({**r, "name": names.get(r["group"], str(r["group"]))} for r in frame.to_dict("records"))
    )


def policy_summary_rows(
    loaded: Loaded, results: Results, policy_names: dict[Any, str], spec: c.TableSpec
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


def _yen_of_year(results: Results, column: str) -> float | None:
    """The evaluation year's amount of results.effects[column], whole yen; None when not computable."""
    by_year = results.effects.set_index("year")[column]
    return stored_value(c.REFRESH_LOG.column(column), by_year.get(results.evaluation_year, float("nan")))


def dashboard(
    loaded: Loaded, results: Results, now: str
) -> tuple[dict[str, Any], list[list[Any]], list[list[Any]]]:
    """The dashboard's figures (cell -> value) and the rows of its two chart tables."""
    year = results.evaluation_year
    total = results.total.iloc[0]
    figures = {
        "evaluation_year": f"{year}年度（{c.wareki(year)}）",
        "graded": f"{int(total['graded'])} / {int(total['items'])} 項目",
        "single_year": _yen_of_year(results, "single_year"),
        "cumulative": _yen_of_year(results, "cumulative"),
        "updated": now,
    }
    kpis = {kpi.cell: figures[kpi.key] for kpi in c.DASHBOARD_KPIS}
    names = {p.no: p.name for p in loaded.plan.policies}
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


def refresh_summary(
    loaded: Loaded, results: Results, problems: list[Problem], engine: Engine, now: str
) -> RefreshSummary:
    try:
        user = getpass.getuser()
    except OSError:
        user = ""
    return RefreshSummary(
        time=now,
        user=user,
        door=engine.door,
        evaluation_year=results.evaluation_year,
        graded=int(results.total.iloc[0]["graded"]),
        single_year=_yen_of_year(results, "single_year"),
        cumulative=_yen_of_year(results, "cumulative"),
        errors=sum(p.severity == ERROR for p in problems),
        warnings=sum(p.severity == WARNING for p in problems),
        fingerprint=loaded.fingerprint,
    )


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
        results = evaluate_kept(loaded, loaded.settings)
    with progress.phase("書き込み", total=len(loaded.layout.outputs) + 1) as phase:
        summary = _write_outputs(engine, loaded, results, now, phase)
    return RefreshOutcome(loaded=loaded, results=results, summary=summary)


def _write_outputs(
    engine: Engine, loaded: Loaded, results: Results, now: datetime | None, phase: Phase
) -> RefreshSummary:
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
    problems = all_problems(loaded, results)
    layout = loaded.layout
    policy_names = {p.no: p.name for p in loaded.plan.policies}
    summaries = layout.table(c.POLICY_SUMMARY.name)  # the plan's grade columns
    policy_rows = policy_summary_rows(loaded, results, policy_names, summaries) + summary_rows(
        summaries, results.total, {}
    )
    tables: dict[str, list[list[Any]]] = {
        c.EVALUATION.name: evaluation_rows(loaded, results),
        c.ITEM_RESULTS.name: item_rows(loaded, results),
        c.EFFECTS.name: effect_rows(results),
        c.ITEM_EFFECTS_TABLE: item_effect_rows(loaded, results),
        c.POLICY_SUMMARY.name: policy_rows,
        c.DEPARTMENT_SUMMARY.name: summary_rows(layout.table(c.DEPARTMENT_SUMMARY.name), results.leads, {}),
        c.PROBLEMS.name: problem_rows(problems),
    }
    previous_log = engine.read_table(c.REFRESH_LOG).rows if engine.has_table(c.REFRESH_LOG.name) else []
    summary = refresh_summary(loaded, results, problems, engine, stamp)
    tables[c.REFRESH_LOG.name] = [list(r) for r in previous_log] + [summary.as_row()]
    kpis, grade_rows, effect_chart_rows = dashboard(loaded, results, stamp)
    tables[c.DASHBOARD_GRADES.name] = grade_rows
    tables[c.DASHBOARD_EFFECTS.name] = effect_chart_rows
    formats = {c.EVALUATION.name: evaluation_formats(loaded, results)}
    trend_items, trend_measures, trend_formats = trend_rows(loaded, results)
    tables[c.TREND_ITEMS_TABLE], tables[c.TREND_MEASURES_TABLE] = trend_items, trend_measures
    trend_spec = layout.table(c.TREND_MEASURES_TABLE)
    formats[trend_spec.name] = {col.key: trend_formats for col in trend_spec.columns if col.per_measure}
    tables[c.SUBMISSIONS.name] = submission_rows(department_status(engine, loaded, results))
    for spec in layout.outputs:
        logger.debug("表 %s（%s）に %d 行を書き込みます", spec.name, spec.sheet, len(tables[spec.name]))
        if spec.name in (
            c.SUBMISSIONS.name,
            c.TREND_ITEMS_TABLE,
            c.TREND_MEASURES_TABLE,
        ) and not engine.has_table(spec.name):
            continue  # a master made before the yearly cycle existed: everything else still refreshes
        engine.write_table(spec, tables[spec.name], formats=formats.get(spec.name))
        phase.step()
        phase.count("表", 1)
        phase.count("行", len(tables[spec.name]))
        if spec.sheet != c.SHEET_DASHBOARD and spec.anchor_col == 1:
            heading, note = TITLES[spec.name]
            engine.write_cells(spec.sheet, {"A1": heading, "A2": note})
    engine.write_cells(
        c.SHEET_DASHBOARD,
        {
            "A1": dashboard_title(loaded.plan.name),
            "A2": DASHBOARD_NOTE,
            **{kpi.label_cell: kpi.label for kpi in c.DASHBOARD_KPIS},
            **kpis,
        },
    )
    engine.commit()
    logger.info(
        "更新を保存しました（%s）: 評価年度 %d、評価した項目 %d、エラー %d 件・警告 %d 件",
        engine.door,
        summary.evaluation_year,
        summary.graded,
        summary.errors,
        summary.warnings,
    )
    phase.step()
    return summary
