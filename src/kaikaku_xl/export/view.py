"""What the exported documents show: every displayed figure, formatted once, for the xlsx, the PDF and the HTML.

The workbook and the web page are drawn from the same tables built here, so a figure reads the same in every
document. Each number cell keeps three things: the text people read (rounded by kaikaku_xl.rounding), the rounded
number the workbook stores (with a number format that prints exactly that text) and the full-precision report
value with its JSON pointer into the report (the web page puts both in data- attributes).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from kaikaku_xl.export.cells import (
    Cell,
    Table,
    fiscal_year_label,
)
from kaikaku_xl.export.compare_view import compare_tables
from kaikaku_xl.export.effect_tables import effect_tables
from kaikaku_xl.export.opinions_view import opinions_table
from kaikaku_xl.export.period_view import period_tables
from kaikaku_xl.export.plan_tables import effect_plan_tables, section_table
from kaikaku_xl.export.qualitative import ItemStatus, qualitative_table
from kaikaku_xl.export.report import Report
from kaikaku_xl.export.revisions_view import revisions_table
from kaikaku_xl.export.summary_view import SummaryText, summary_texts
from kaikaku_xl.export.tables import items_table, policy_names, summary_tables
from kaikaku_xl.export.trend_view import Trend, TrendData, trend_view
from kaikaku_xl.master.closed import PROVISIONAL, YearDecision, decision_line
from kaikaku_xl.plan import Plan
from kaikaku_xl.plan.scale import GRADE_LABELS, NOT_GRADED, GradeScale
from kaikaku_xl.rounding import YEN_UNITS


@dataclass(frozen=True)
class GradeChart:
    """基本方針別の評価構成比: each grade's share in percent points per 基本方針 (0 where not computable)."""

    categories: list[str]
    series: dict[str, list[float]]  # grade -> one value per category
    alt: str  # the chart told in words, for screen readers


@dataclass(frozen=True)
class AmountChart:
    """Bars of amounts in the display unit, as rounded in the tables (None where a table shows −)."""

    categories: list[str]
    series: dict[str, list[float | None]]  # series name -> one value per category
    unit: str
    alt: str


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
    grade_chart: GradeChart
    effect_year_chart: AmountChart
    history_chart: AmountChart
    warnings: list[str]
    scale: GradeScale = field(
        default_factory=GradeScale
    )  # the plan's grades: legends, columns, chart colours
    revisions: Table | None = None  # 計画の見直し (export/revisions_view.py); None: the plan was not revised
    trend: Trend | None = None  # 年度推移 (export/trend_view.py); None: no section
    period_review: list[Table] = field(default_factory=list)  # 計画期間の総括評価: the plan's last year only
    opinions: Table | None = None  # 懇談会からの意見と市の対応 (export/opinions_view.py); None: no opinion
    overview: list[SummaryText] = field(default_factory=list)  # 総括 (export/summary_view.py)
    # 「令和9年6月15日 行財政改革推進本部にて確認」 or 「速報（推進本部確認前）」: on every page (verification_line)
    verification: str = PROVISIONAL
    provisional: bool = True

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

    @property
    def tables(self) -> list[Table]:
        """Every table, in the order of the documents."""
        trend = [self.trend.items, self.trend.measures] if self.trend is not None else []
        revisions = [self.revisions] if self.revisions is not None else []
        return [
            *self.summary,
            self.items,
            self.qualitative,
            *self.effects,
            *trend,
            *revisions,
            *self.period_review,
            *([self.opinions] if self.opinions is not None else []),
        ]

    @property
    def charts(self) -> int:
        """How many charts the documents draw."""
        return 3 + (len(self.trend.charts) if self.trend is not None else 0)


def _chart_number(cell: Cell) -> float | None:
    """The rounded figure a chart draws (in the display unit); None where the table shows −."""
    return float(cell.number) if cell.number is not None else None


def _points(cell: Cell) -> float:
    """A share as the chart draws it: percent points, 0 where the table shows −."""
    return cell.number * 100 if cell.number is not None else 0.0


def grade_chart(shares: Table, labels: tuple[str, ...]) -> GradeChart:
    """From the grade_shares table: its first column names the 基本方針, the next ones are the grades' shares."""
    rows = shares.rows
    series = {g: [_points(row[1 + k]) for row in rows] for k, g in enumerate(labels)}
    alt = (
        "基本方針別の評価構成比の横棒グラフ。"
        + "。".join(
            f"{row[0].text}：" + "、".join(f"{g} {row[1 + k].text}" for k, g in enumerate(labels))
            for row in rows
        )
        + "。"
    )
    return GradeChart([row[0].text for row in rows], series, alt)


EFFECT_CHART_SERIES = {  # series name -> the per-year table's column it draws (the table's own titles)
    "実績（指標分）": "うち指標分",
    "計画（指標分）": "計画効果額（指標分）",
}


def effect_year_chart(by_year: Table, report: Report, unit: str) -> AmountChart:
    """From the per-year 財政効果額 table: the measures' 実績 against their 計画, per year (like with like: the
    ledger has no plan; the table prints it in 単年度効果額)."""
    labels = [f"{e.year}年度" for e in report.effects.by_year]
    titles = [c.title for c in by_year.columns]
    at = {name: titles.index(column) for name, column in EFFECT_CHART_SERIES.items()}
    rows = by_year.rows
    alt = (
        f"年度別の財政効果額（指標分）の棒グラフ（単位：{unit}）。"
        + "。".join(
            f"{lab}：" + "、".join(f"{name} {r[k].text}" for name, k in at.items())
            for lab, r in zip(labels, rows, strict=True)
        )
        + "。"
    )
    series = {name: [_chart_number(r[k]) for r in rows] for name, k in at.items()}
    return AmountChart(labels, series, unit, alt)


def history_chart(history: Table, unit: str) -> AmountChart:
    """From the table of earlier reforms: each plan's 財政効果額 and this plan's running total."""
    rows = history.rows
    alt = (
        f"これまでの行財政改革の財政効果額と本計画の累計の棒グラフ（単位：{unit}）。"
        + "。".join(f"{r[0].text}：{r[1].text}" for r in rows)
        + "。"
    )
    series = {"財政効果額": [_chart_number(r[1]) for r in rows]}
    return AmountChart([_short_plan_name(r[0].text) for r in rows], series, unit, alt)


def build_document(
    plan: Plan,
    report: Report,
    statuses: Sequence[ItemStatus],
    *,
    display_unit: str,
    generated: datetime.date,
    trend: TrendData | None = None,
) -> Document:
    """The documents' tables and charts. statuses: the 進捗状況 rows (the 定性評価 table; problems in them become
    warnings); trend: the 年度推移 rows (None: no such section)."""
    if display_unit not in YEN_UNITS:
        raise ValueError(f"金額の表示単位「{display_unit}」は使えません（円・千円・万円のいずれか）。")
    warnings: list[str] = []
    names = policy_names(plan)
    info = report.plan
    summary = summary_tables(report, names, display_unit)  # grade counts, grade shares
    effects = effect_tables(
        report, {i.no: i.title for i in report.items}, display_unit
    )  # by year, detail, history
    return Document(
        plan_name=info.name,
        subtitle=plan.subtitle,
        city=info.city,
        city_code=info.city_code or "",
        evaluation_year=info.evaluation_year,
        period=info.period,
        generated=generated,
        display_unit=display_unit,
        # Only plans that have them get the 推進項目 and 効果額計画 tables (a two-level plan without 効果額計画 is
        # unchanged): after the tables above.
        summary=summary + section_table(report, plan) + compare_tables(report, names, display_unit),
        items=items_table(report, names, display_unit),
        qualitative=qualitative_table(report, statuses, names, warnings),
        effects=effects + effect_plan_tables(report, names, display_unit),
        grade_chart=grade_chart(summary[1], report.scale.labels),
        effect_year_chart=effect_year_chart(effects[0], report, display_unit),
        history_chart=history_chart(effects[2], display_unit),
        warnings=warnings,
        scale=report.scale,
        revisions=revisions_table(plan),
        trend=trend_view(trend, display_unit),
        period_review=period_tables(report, names),
        opinions=opinions_table(report),
        overview=summary_texts(report),
        verification=verification_line(report),
        provisional=report.provisional,
    )


def verification_line(report: Report) -> str:
    """The line every page of the materials carries: the 推進本部's verification of the year, or 速報 until the
    year is closed with one (cycle/decision.py)."""
    decision = report.decision
    if report.provisional or decision is None:
        return PROVISIONAL
    return decision_line(YearDecision(decision.decided_on, decision.meeting))


def _short_plan_name(name: str) -> str:
    """第1次行財政改革大綱 -> 第1次大綱 for chart labels."""
    if name.startswith("本計画"):  # 本計画（2026年度の1年分） -> 本計画（1年分）: the years stay on the bar
        years = name[name.find("の") + 1 : name.find("年分")] if "年分" in name else ""
        return f"本計画（{years}年分）" if years else "本計画"
    return name.replace("行財政改革", "") if len(name) > 8 else name
