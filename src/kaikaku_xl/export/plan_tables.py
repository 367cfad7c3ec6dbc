"""Tables only some plans have: the roll-up per 推進項目 (three-level plans) and the 財政効果額 against the plan's
効果額計画 (per 基本方針 with 分野別割合, per item, per year). A plan without them gets none, so its documents are
unchanged. Every figure comes from the report; rates are rounded by the cells (rounding.py)."""

from __future__ import annotations

from kaikaku_xl.export.cells import (
    COUNT,
    PERCENT,
    Column,
    Figure,
    FigureRow,
    Table,
    center,
    figure_table,
    fiscal_year_label,
    text,
)
from kaikaku_xl.export.effect_tables import by_year_table
from kaikaku_xl.export.report import Report
from kaikaku_xl.plan import Plan


def section_table(report: Report, plan: Plan) -> list[Table]:
    """推進項目別: items, graded, grade shares and mean 進捗率 of each 推進項目, under its 基本方針."""
    if not report.sections:
        return []
    names: dict[int | str, tuple[int | str, str]] = {s.no: (s.policy, s.name) for s in plan.sections}
    figures = [
        Figure("取組項目数", 11, "items", COUNT),
        Figure("評価対象", 11, "graded", COUNT),
        *(Figure(f"{g}の割合", 10, f"shares/{g}", PERCENT) for g in report.scale.labels),
        Figure("平均進捗率", 11, "mean_progress", PERCENT),
    ]
    rows = []
    for i, s in enumerate(report.sections):
        policy, name = names.get(s.group, ("", str(s.group)))
        rows.append(([center(policy), text(f"{s.group}　{name}")], s, f"/sections/{i}"))
    table = figure_table(
        "section_summary",
        f"推進項目別の評価（{fiscal_year_label(report.evaluation_year)}）",
        [Column("基本方針", 9, "center"), Column("推進項目", 36)],
        figures,
        rows,
        "円",  # no amounts here: the unit is not used
        notes=[
            "構成比は評価対象の項目に占める割合（評価対象外を除く）。推進項目のない取組項目は基本方針の集計にだけ含まれます。"
        ],
    )
    return [table]


def _has_plan(report: Report) -> bool:
    return any(e.effect_plan is not None for e in report.effects.by_year) or any(
        i.effect_plan_year is not None or i.effect_plan_cumulative is not None for i in report.items
    )


def _plan_figures(year: int, *, share: bool) -> list[Figure]:
    """効果額 against its plan, for a year and cumulated; `share`: with the 基本方針's 分野別割合."""
    return [
        Figure(f"効果額（{year}年度）", 16, "effect_year"),
        Figure("計画効果額", 16, "effect_plan_year"),
        Figure(
            "効果額達成率",
            12,
            "effect_plan_attainment",
            PERCENT,
            missing="effect_year_missing",
        ),
        *([Figure("分野別割合", 11, "effect_share", PERCENT)] if share else []),
        Figure("未入力の指標（件）", 9, "effect_year_missing", COUNT),
        Figure("累計効果額", 16, "effect_cumulative"),
        Figure("計画累計", 16, "effect_plan_cumulative"),
        Figure(
            "累計達成率",
            11,
            "effect_plan_attainment_cumulative",
            PERCENT,
            missing="effect_cumulative_missing",
        ),
    ]


YEAR_PLAN_FIGURES = (
    Figure("単年度効果額", 16, "single_year"),
    Figure("計画効果額（取組の計）", 18, "effect_plan"),
    Figure("効果額達成率", 12, "effect_plan_attainment", PERCENT, missing="missing"),
    Figure("未入力の指標（件）", 9, "missing", COUNT),
    Figure("累計効果額", 16, "cumulative"),
    Figure("計画累計", 16, "effect_plan_cumulative"),
    Figure("累計達成率", 11, "effect_plan_attainment_cumulative", PERCENT, missing="missing_cumulative"),
    Figure("未入力（累計・件）", 9, "missing_cumulative", COUNT),
)


def _name(names: dict[int, str], policy: int | str) -> str:
    return names.get(policy, "") if isinstance(policy, int) else ""


def effect_plan_tables(report: Report, names: dict[int, str], unit: str) -> list[Table]:
    """財政効果額 against the 効果額計画: per 基本方針 (with 分野別割合), per item and per year; none without a plan."""
    if not _has_plan(report):
        return []
    year = report.evaluation_year
    label = fiscal_year_label(year)
    unit_note = f"金額の単位：{unit}（△は負の値）"
    policy_rows: list[FigureRow] = [
        ([text(f"基本方針{p.group}　{_name(names, p.group)}".rstrip())], p, f"/policies/{i}")
        for i, p in enumerate(report.policies)
    ]
    policy_rows.append(([text("全体")], report.total, "/total"))
    by_policy = figure_table(
        "effect_plan_by_policy",
        f"基本方針別の財政効果額と計画・分野別割合（{label}）",
        [Column("基本方針", 34)],
        _plan_figures(year, share=True),
        policy_rows,
        unit,
        unit_note=unit_note,
        notes=[
            "効果額達成率 ＝ 財政効果額 ÷ 計画効果額（計画のない項目・年度、計画が0のときは −）。",
            "分野別割合は、その年度の財政効果額の合計に占める各基本方針の割合。",
        ],
    )
    item_rows = [
        ([center(it.no), text(it.title)], it, f"/items/{i}")
        for i, it in enumerate(report.items)
        if it.effect_plan_year is not None or it.effect_plan_cumulative is not None
    ]
    by_item = figure_table(
        "effect_plan_by_item",
        f"取組項目別の財政効果額と計画（{label}）",
        [Column("No", 6, "center"), Column("取組項目", 30)],
        _plan_figures(year, share=False),
        item_rows,
        unit,
        unit_note=unit_note,
    )
    by_year = by_year_table(
        report,
        "effect_plan_by_year",
        "年度別の財政効果額と取組項目の計画",
        YEAR_PLAN_FIGURES,
        unit,
        unit_note,
    )
    return [by_policy, by_item, by_year]
