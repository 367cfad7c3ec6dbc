"""What the exported documents show: every displayed figure, formatted once, for the xlsx, the PDF and the HTML.

The workbook and the web page are drawn from the same tables built here, so a figure reads the same in every
document. Each number cell keeps three things: the text people read (rounded by kaikaku_xl.rounding), the rounded
number the workbook stores (with a number format that prints exactly that text) and the full-precision report
value with its JSON pointer into the report (the web page puts both in data- attributes).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from kaikaku_xl.export.cells import (
    Cell,
    Table,
    fiscal_year_label,
)
from kaikaku_xl.export.effect_tables import effect_tables
from kaikaku_xl.export.plan_tables import effect_plan_tables, section_table
from kaikaku_xl.export.qualitative import qualitative_table
from kaikaku_xl.export.report import Report
from kaikaku_xl.export.revisions_view import revisions_table
from kaikaku_xl.export.tables import items_table, policy_names, summary_tables
from kaikaku_xl.export.trend_view import trend_view
from kaikaku_xl.plan.scale import GRADE_LABELS, NOT_GRADED, GradeScale
from kaikaku_xl.rounding import YEN_UNITS


@dataclass
class Document:
    plan_name: str
    subtitle: str
    city: str
    city_code: str
    evaluation_year: int
    period: tuple[int, int]
    generated: datetime.date
    display_unit: str
    summary: list[Table]
    items: Table
    qualitative: Table
    effects: list[Table]
    grade_chart: dict[str, Any]  # {"categories": [...], "series": {grade: [percent points]}, "alt": str}
    effect_year_chart: dict[str, Any]
    history_chart: dict[str, Any]
    warnings: list[str]
    scale: GradeScale = field(
        default_factory=GradeScale
    )  # the plan's grades: legends, columns, chart colours
    revisions: Table | None = None  # 計画の見直し (export/revisions_view.py); None: the plan was not revised
    trend: Any = None  # 年度推移 (export/trend_view.Trend); None: no section

    @property
    def title(self) -> str:
        return f"{self.plan_name} 取組状況報告（{fiscal_year_label(self.evaluation_year)}）"

    @property
    def evaluation_label(self) -> str:
        return f"{fiscal_year_label(self.evaluation_year)} 評価"

    @property
    def period_label(self) -> str:
        return f"{fiscal_year_label(self.period[0])}～{fiscal_year_label(self.period[1])}"

    @property
    def grade_legend(self) -> str:
        return "評価：" + self.scale.legend() + f"／{NOT_GRADED} {GRADE_LABELS[NOT_GRADED]}"


def _chart_number(cell: Cell) -> float | None:
    """The rounded figure a chart draws (in the display unit); None where the table shows −."""
    return float(cell.number) if cell.number is not None else None


def build_document(
    plan: Any,
    report: Report,
    statuses: list[dict[str, Any]],
    *,
    display_unit: str,
    generated: datetime.date,
    trend: dict[str, Any] | None = None,
) -> Document:

    if display_unit not in YEN_UNITS:
        raise ValueError(f"金額の表示単位「{display_unit}」は使えません（円・千円・万円のいずれか）。")
    warnings: list[str] = []
    names = policy_names(plan)
    info = report.plan
    summary = summary_tables(report, names, display_unit)
    items = items_table(report, names, display_unit)
    qualitative = qualitative_table(report, statuses or [], names, warnings)
    titles = {i.no: i.title for i in report.items}
    effects = effect_tables(report, titles, display_unit)
    # Only plans that have them (none otherwise, so a two-level plan without 効果額計画 is unchanged): appended
    # after the tables the charts read by position.
    summary += section_table(report, plan)
    effects += effect_plan_tables(report, names, display_unit)

    shares = summary[1]
    categories = [row[0].text for row in shares.rows]
    series = {
        g: [row[1 + k].number * 100 if row[1 + k].number is not None else 0.0 for row in shares.rows]
        for k, g in enumerate(report.scale.labels)
    }
    alt = (
        "基本方針別の評価構成比の横棒グラフ。"
        + "。".join(
            f"{row[0].text}："
            + "、".join(f"{g} {row[1 + k].text}" for k, g in enumerate(report.scale.labels))
            for row in shares.rows
        )
        + "。"
    )
    grade_chart = {"categories": categories, "series": series, "alt": alt}

    by_year = effects[0]
    year_labels = [f"{e.year}年度" for e in report.effects.by_year]
    effect_year_chart = {
        "categories": year_labels,
        "series": {
            "実績": [_chart_number(r[1]) for r in by_year.rows],
            "計画": [_chart_number(r[2]) for r in by_year.rows],
        },
        "unit": display_unit,
        "alt": f"年度別の財政効果額の棒グラフ（単位：{display_unit}）。"
        + "。".join(
            f"{lab}：実績 {r[1].text}、計画 {r[2].text}"
            for lab, r in zip(year_labels, by_year.rows, strict=True)
        )
        + "。",
    }
    history = effects[2]
    short = [_short_plan_name(r[0].text) for r in history.rows]
    history_chart = {
        "categories": short,
        "series": {"財政効果額": [_chart_number(r[1]) for r in history.rows]},
        "unit": display_unit,
        "alt": f"これまでの行財政改革の財政効果額と本計画の累計の棒グラフ（単位：{display_unit}）。"
        + "。".join(f"{r[0].text}：{r[1].text}" for r in history.rows)
        + "。",
    }
    return Document(
        plan_name=info.name,
        subtitle=str(getattr(plan, "subtitle", "") or ""),
        city=info.city,
        city_code=info.city_code or "",
        evaluation_year=info.evaluation_year,
        period=info.period,
        generated=generated,
        display_unit=display_unit,
        summary=summary,
        items=items,
        qualitative=qualitative,
        effects=effects,
        grade_chart=grade_chart,
        effect_year_chart=effect_year_chart,
        history_chart=history_chart,
        warnings=warnings,
        scale=report.scale,
        revisions=revisions_table(plan),
        trend=trend_view(trend, display_unit),
    )


def _short_plan_name(name: str) -> str:
    """第1次行財政改革大綱 -> 第1次大綱 for chart labels."""
    if name.startswith("本計画"):
        return "本計画累計"
    return name.replace("行財政改革", "") if len(name) > 8 else name
