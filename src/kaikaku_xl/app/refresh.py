"""Refresh: read the inputs, run the metrics, write every output table. The same workflow for every door."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from kaikaku_xl.app.opinions import write_opinion_cells
from kaikaku_xl.app.outputs import (
    dashboard,
    dashboard_grade_formats,
    effect_rows,
    evaluation_formats,
    evaluation_rows,
    item_effect_rows,
    item_rows,
    policy_summary_rows,
    problem_rows,
    summary_rows,
    yen_of_year,
)
from kaikaku_xl.app.period import period_results, write_period_cells
from kaikaku_xl.app.summary_cells import write_summary_cells
from kaikaku_xl.app.trend import trend_rows
from kaikaku_xl.app.validate import all_problems, compute
from kaikaku_xl.cycle.status import awaited_in, department_status, submission_rows, submission_totals
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded, load
from kaikaku_xl.master.records import current_user, timestamp
from kaikaku_xl.master.titles import DASHBOARD_NOTE, TITLES, dashboard_title
from kaikaku_xl.metrics.frames import Results
from kaikaku_xl.problems import ERROR, WARNING, Problem
from kaikaku_xl.progress import SILENT, Phase, Progress
from kaikaku_xl.xlsx.engine import Engine, PatchingEngine
from kaikaku_xl.xlsx.rows import table_row

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
    fingerprint: str  # of every input value (master.load.fingerprint)

    def as_row(self) -> list[Any]:
        return table_row(c.REFRESH_LOG, asdict(self))


@dataclass
class RefreshOutcome:
    loaded: Loaded
    results: Results
    summary: RefreshSummary


def refresh_summary(
    loaded: Loaded, results: Results, problems: list[Problem], engine: Engine, now: str
) -> RefreshSummary:
    return RefreshSummary(
        time=now,
        user=current_user(),
        door=engine.door,
        evaluation_year=results.evaluation_year,
        graded=int(results.total.iloc[0]["graded"]),
        single_year=yen_of_year(results, "single_year"),
        cumulative=yen_of_year(results, "cumulative"),
        errors=sum(p.severity == ERROR for p in problems),
        warnings=sum(p.severity == WARNING for p in problems),
        fingerprint=loaded.fingerprint,
    )


def refresh(
    engine: PatchingEngine, now: datetime | None = None, progress: Progress = SILENT
) -> RefreshOutcome:
    """Run the whole refresh through an engine and commit it. Raises WorkbookError only for unusable files.

    A file engine holds the master's writer lock from the read to the atomic replace (one writer at a time).
    progress: a line per phase (読み込み / 計算 / 書き込み) for the command line.
    """
    with engine.writing():
        return _refresh(engine, now, progress)


def _refresh(engine: PatchingEngine, now: datetime | None, progress: Progress) -> RefreshOutcome:
    loaded = load(engine, progress)
    engine.use_backups(loaded.settings.backups)
    results = compute(loaded, loaded.settings, progress)
    with progress.phase("書き込み", total=len(loaded.layout.outputs) + 1) as phase:
        write_period_cells(engine, loaded, period_results(loaded, loaded.settings))  # (committed below)
        write_opinion_cells(engine, loaded)  # 懇談会意見's 担当課
        write_summary_cells(engine, loaded, results)  # 総括's drafts, never 採用文 (issue 23)
        summary = _write_outputs(engine, loaded, results, now, phase)
    return RefreshOutcome(loaded=loaded, results=results, summary=summary)


def _write_outputs(
    engine: Engine, loaded: Loaded, results: Results, now: datetime | None, phase: Phase
) -> RefreshSummary:
    stamp = timestamp(now)
    problems = all_problems(loaded, results, awaited_in(engine, loaded, results.evaluation_year, now))
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
    formats = {
        c.EVALUATION.name: evaluation_formats(loaded, results),
        c.DASHBOARD_GRADES.name: dashboard_grade_formats(
            layout.table(c.DASHBOARD_GRADES.name), len(grade_rows)
        ),
    }
    trend_items, trend_measures, trend_formats = trend_rows(loaded, results)
    tables[c.TREND_ITEMS_TABLE], tables[c.TREND_MEASURES_TABLE] = trend_items, trend_measures
    trend_spec = layout.table(c.TREND_MEASURES_TABLE)
    formats[trend_spec.name] = {col.key: trend_formats for col in trend_spec.columns if col.per_row_format}
    statuses = department_status(engine, loaded, results)
    tables[c.SUBMISSIONS.name] = submission_rows(statuses)
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
            if spec.name == c.SUBMISSIONS.name:  # the totals first: 「2026年度: 確定 4/6 課・回収 5/6 課…」
                note = f"{submission_totals(statuses)}。{note}"
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
