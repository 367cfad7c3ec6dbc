"""The machine-readable report (`kaikaku report --json`): results in full precision, nothing rounded."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from kaikaku_xl.app.period import period_results
from kaikaku_xl.app.summary_report import compare_and_summarize
from kaikaku_xl.app.validate import all_problems, compute
from kaikaku_xl.cycle.status import awaited_in
from kaikaku_xl.errors import InputError
from kaikaku_xl.export.opinions_view import council_opinions
from kaikaku_xl.export.report import (
    Decision,
    Effects,
    EffectYear,
    HistoryEffect,
    ItemResult,
    MeasureResult,
    PeriodItem,
    PeriodReview,
    PlanInfo,
    Report,
    Rollup,
)
from kaikaku_xl.master.closed import YearDecision, read_decisions
from kaikaku_xl.master.load import Loaded, load
from kaikaku_xl.metrics.frames import Results
from kaikaku_xl.metrics.items import exclusion_proposals
from kaikaku_xl.metrics.period import PeriodResults
from kaikaku_xl.metrics.rollups import SCORE_KEYS
from kaikaku_xl.plan import ItemNo, Plan, item_no
from kaikaku_xl.plan.numformat import default_decimals
from kaikaku_xl.plan.scale import EXCLUDED, GRADES, NOT_GRADED
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.problems import Problem
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.xlsx.engine import Engine
from kaikaku_xl.xlsx.file_engine import FileEngine


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


def _count(x: Any) -> int | None:
    """A count of a results frame, None where not known (NaN, a year after the evaluation year)."""
    value = _num(x)
    return None if value is None else int(value)


Record = Mapping[Hashable, Any]  # a row of a results frame (DataFrame.to_dict("records"))


def _nums(record: Record, keys: Sequence[str]) -> dict[str, float | int | None]:
    """The record's figures under their own names, full precision or None (the report's fields share the names)."""
    return {key: _num(record[key]) for key in keys}


def _optional_nums(record: Record, keys: Sequence[str]) -> dict[str, float | int | None]:
    """The same for figures a frame may lack (those of the 効果額計画): None where it does."""
    return {key: _num(record.get(key)) for key in keys}


def _no(value: Any) -> ItemNo:
    """An item number of the results (the plan's own numbers: never blank)."""
    no = item_no(value)
    if no is None:
        raise ValueError(f"評価結果に取組項目の番号がない行があります（{value!r}）。")
    return no


def _rollups(frame: pd.DataFrame, labels: tuple[str, ...] = GRADES) -> tuple[Rollup, ...]:
    return tuple(
        Rollup(
            group=r["group"],
            items=int(r["items"]),
            graded=int(r["graded"]),
            counts={g: int(r[f"n_{g}"]) for g in (*labels, NOT_GRADED, EXCLUDED)},
            shares={g: _num(r[f"share_{g}"]) for g in labels},
            **_nums(r, ("mean_progress", "effect_year", "effect_cumulative")),
            effect_year_missing=int(r["effect_year_missing"]),
            effect_cumulative_missing=int(r["effect_cumulative_missing"]),
            counted_measures=tuple(m for m in str(r["counted_measures"]).split(", ") if m),
            **_optional_nums(
                r,
                (
                    "effect_plan_year",
                    "effect_plan_cumulative",
                    "effect_plan_attainment",
                    "effect_plan_attainment_cumulative",
                    "effect_share",
                    *SCORE_KEYS,  # 得点・満点・得点率 where the scale has 点数 (else None, not in the JSON)
                ),
            ),
        )
        for r in frame.to_dict("records")
    )


def _item_effects(row: Record) -> dict[str, Any]:
    """An item's 財政効果額 and its plan, as ItemResult fields (None where not known)."""
    keys = {
        "effect_year": "single_year",
        "effect_cumulative": "cumulative",
        "effect_plan_year": "plan_year",
        "effect_plan_cumulative": "plan_cumulative",
        "effect_plan_attainment": "plan_attainment",
        "effect_plan_attainment_cumulative": "plan_attainment_cumulative",
    }
    return {field: _num(row.get(column)) for field, column in keys.items()}


MEASURE_FIGURES = (
    "baseline",
    "target",
    "actual",
    "planned",
    "progress",
    "attainment",
    "planned_progress",
    "effect",
)
YEAR_FIGURES = (
    "measures",
    "ledger",
    "single_year",
    "cumulative",
    "planned",
    "planned_cumulative",
    "attainment",
    "attainment_cumulative",
    "reference",
)
YEAR_PLAN_FIGURES = (
    "effect_plan",
    "effect_plan_cumulative",
    "effect_plan_attainment",
    "effect_plan_attainment_cumulative",
)


def _measures(plan: Plan, frame: pd.DataFrame) -> tuple[MeasureResult, ...]:
    """One result per measure, with the decimals the plan shows it in."""
    decimals = {x.measure_id: x.shown_decimals for x in plan.measures}
    return tuple(
        MeasureResult(
            id=r["measure_id"],
            item=_no(r["item"]),
            name=r["name"],
            unit=r["unit"],
            decimals=decimals.get(r["measure_id"], default_decimals(r["unit"], r["baseline"], r["target"])),
            direction=r["direction"],
            **_nums(r, MEASURE_FIGURES),
            grade_basis=r["grade_basis"],
            grade=r["grade"],
            effect_kind=r["effect_kind"],
            counted=bool(r["counted"]),
            note=r["reason"],
            aggregation=str(r.get("aggregation") or ""),
            year_actual=_num(r.get("year_actual")),
            year_planned=_num(r.get("year_planned")),
        )
        for r in frame.to_dict("records")
    )


def _items(results: Results) -> tuple[ItemResult, ...]:
    """One result per item, with its 財政効果額 and their plan."""
    effects_of = results.item_effects.set_index("item").to_dict("index")
    return tuple(
        ItemResult(
            no=_no(r["item"]),
            policy=int(r["policy"]),
            title=r["title"],
            lead=r["lead"],
            grade=r["grade"],
            grade_source=r["grade_source"],
            **_item_effects(effects_of.get(r["item"], {})),
            grade_label=str(r.get("grade_label") or ""),
            effect_year_missing=_count(effects_of.get(r["item"], {}).get("single_missing")),
            effect_cumulative_missing=_count(effects_of.get(r["item"], {}).get("cumulative_missing")),
        )
        for r in results.items.to_dict("records")
    )


def _effects(plan: Plan, frame: pd.DataFrame, year: int) -> Effects:
    """The 財政効果額 per year, the evaluation year's own, and the earlier reforms' as the plan states them."""
    by_year = tuple(
        EffectYear(
            year=int(r["year"]),
            **_nums(r, YEAR_FIGURES),
            missing=None if pd.isna(r["missing"]) else int(r["missing"]),
            **_optional_nums(r, YEAR_PLAN_FIGURES),
            measures_cumulative=_num(r.get("measures_cumulative")),
            missing_cumulative=_count(r.get("missing_cumulative")),
        )
        for r in frame.to_dict("records")
    )
    this_year = next((e for e in by_year if e.year == year), None)
    return Effects(
        by_year=by_year,
        evaluation_year=year,
        single_year=this_year.single_year if this_year else None,
        cumulative=this_year.cumulative if this_year else None,
        history=tuple(
            HistoryEffect(name=h.name, effect_yen=h.effect_yen, as_of=h.as_of) for h in plan.history
        ),
    )


def _period_review(period: PeriodResults, labels: tuple[str, ...]) -> PeriodReview:
    """The period review as the report's record (`period_review` in `report --json`)."""
    return PeriodReview(
        period=(period.first_year, period.last_year),
        items=tuple(
            PeriodItem(
                no=item_no(r["item"]) or str(r["item"]),
                policy=int(r["policy"]),
                title=str(r["title"]),
                lead=str(r["lead"]),
                grade=str(r["grade"]),
                grade_source=str(r["grade_source"]),
                grade_label=str(r["grade_label"] or ""),
                graded_year=int(r["graded_year"]),
                comment=str(r["comment"] or ""),
            )
            for r in period.items.to_dict("records")
        ),
        policies=_rollups(period.policies, labels),
        total=_rollups(period.total, labels)[0],
    )


def build_report(plan: Plan, results: Results, problems: Sequence[Problem] = ()) -> Report:
    """The typed report of the results: measures, items, roll-ups (基本方針, 担当課, 推進項目, the whole plan)
    and 財政効果額, graded on the plan's own scale."""
    year = results.evaluation_year
    labels = plan.grade_scale.labels if plan.grade_scale is not None else GRADES
    return Report(
        plan=PlanInfo(
            name=plan.name,
            city=plan.city,
            city_code=plan.city_code,
            period=(plan.start_year, plan.end_year),
            baseline_year=plan.baseline_year,
            evaluation_year=year,
        ),
        measures=_measures(plan, results.measures),
        items=_items(results),
        policies=_rollups(results.policies, labels),
        departments=_rollups(results.leads, labels),
        total=_rollups(results.total, labels)[0],
        effects=_effects(plan, results.effects, year),
        problems=tuple(problems),
        grade_scale=plan.grade_scale,
        sections=_rollups(results.sections, labels) if len(results.sections) else (),
    )


@dataclass(frozen=True)
class Evaluation:
    """One evaluation of a master for a year: what was read, the settings it ran with, its results and report."""

    loaded: Loaded
    settings: Settings  # the master's, with the evaluation year asked for
    results: Results
    report: Report


def report_from_engine(engine: Engine, year: int | None = None, progress: Progress = SILENT) -> Evaluation:
    """Read a master through any engine and compute the report (what refresh computes, nothing written).
    progress: the 読み込み and 計算 lines for the command line."""
    loaded = load(engine, progress)
    years = loaded.layout.years
    if year is not None and year not in years:
        raise InputError(
            f"評価年度 {year} はこの計画の期間外です。{years[0]}〜{years[-1]} の年度を指定してください。"
        )
    settings = loaded.settings if year is None else replace(loaded.settings, evaluation_year=year)
    results = compute(loaded, settings, progress)
    awaited = awaited_in(engine, loaded, results.evaluation_year)  # gaps not due yet: 情報, as validate says
    report = build_report(loaded.plan, results, all_problems(loaded, results, awaited))
    proposals = exclusion_proposals(loaded.status, loaded.inputs.revisions, results.evaluation_year)
    if proposals:
        report = replace(
            report,
            exclusion_proposals=tuple(
                {"no": _no(p.item), "year": p.year, "reason": p.reason, "cell": p.cell} for p in proposals
            ),
        )
    opinions = council_opinions(loaded.opinions, results.evaluation_year)  # 懇談会意見 (issue 23)
    if opinions:
        report = replace(report, opinions=opinions)
    report = compare_and_summarize(
        loaded, settings, results, report, engine
    )  # 前年度比較 and 総括 (issue 23)
    report = with_verification(report, read_decisions(engine))
    if results.evaluation_year == loaded.plan.end_year:  # 計画期間の総括評価: the plan's last year's report
        labels = loaded.plan.grade_scale.labels if loaded.plan.grade_scale is not None else GRADES
        review = _period_review(period_results(loaded, settings), labels)
        report = replace(report, period_review=review)
    return Evaluation(loaded, settings, results, report)


def with_verification(report: Report, decisions: Mapping[int, YearDecision]) -> Report:
    """The report with the 推進本部's verification of its year (締めた年度): provisional (速報) unless recorded; the
    previous year's verification goes with its 前年度比較 block (the materials name it under the tables)."""
    before = decisions.get(report.evaluation_year - 1)
    if report.previous is not None and report.previous.closed and before is not None and before.decided_on:
        report = replace(
            report, previous=replace(report.previous, decision=Decision(before.decided_on, before.meeting))
        )
    year = decisions.get(report.evaluation_year)
    if year is None:
        return report
    if not year.decided_on:
        return replace(report, closed=True)
    return replace(report, decision=Decision(year.decided_on, year.meeting), provisional=False, closed=True)


def report_from_file(path: Path, year: int | None = None, progress: Progress = SILENT) -> Report:
    engine = FileEngine(path)
    try:
        return report_from_engine(engine, year, progress).report
    finally:
        engine.close()


def print_table(report: Report) -> None:
    """A readable table in the terminal, rounded for people, columns padded by display width (全角 = 2)."""
    from kaikaku_xl.rounding import format_number, format_percent, format_yen
    from kaikaku_xl.terminal import clip, pad

    columns = (("ID", 6, "<"), ("指標", 40, "<"), ("実績", 18, ">"), ("進捗率", 9, ">"), ("達成率", 9, ">"))
    plan = report.plan
    print(f"{plan.name}（{plan.city}） 評価年度 {plan.evaluation_year}年度")
    print("".join(pad(title, width, align) for title, width, align in columns) + " 評価")
    for m in report.measures:
        cells = (
            m.id,
            clip(m.name, 38),
            format_number(m.actual),
            format_percent(m.progress),
            format_percent(m.attainment),
        )
        print(
            "".join(pad(text, width, align) for text, (_t, width, align) in zip(cells, columns, strict=True))
            + f" {m.grade}"
        )
    for p in report.policies:
        counts = " ".join(f"{g}:{n}" for g, n in p.counts.items())
        score = f" 得点率 {format_percent(p.score_rate)}" if report.scale.points is not None else ""
        print(
            f"基本方針{p.group}: {counts} 平均進捗率 {format_percent(p.mean_progress)} "
            f"累計効果額 {format_yen(p.effect_cumulative)}{score}"
        )
    e = report.effects
    print(f"単年度効果額 {format_yen(e.single_year)} / 計画期間累計 {format_yen(e.cumulative)}")
    if report.problems:
        print(f"問題 {len(report.problems)} 件（kaikaku validate で一覧）")
