"""Tables only some plans have: the roll-up per 推進項目 (three-level plans) and the 財政効果額 against the plan's
効果額計画 (per 基本方針 with 分野別割合, per item, per year). A plan without them gets none, so its documents are
unchanged. Every figure comes from the report; rates are rounded by the cells (rounding.py)."""

from __future__ import annotations

from typing import Any

from ..metrics import GRADES
from ..report_model import Report, Rollup
from .cells import (
    Column,
    Group,
    Table,
    amount_cell,
    center,
    count_cell,
    fiscal_year_label,
    percent_cell,
    text,
)


def section_table(report: Report, plan: Any) -> list[Table]:
    """推進項目別: items, graded, grade shares and mean 進捗率 of each 推進項目, under its 基本方針."""
    if not report.sections:
        return []
    names = {s.no: (s.policy, s.name) for s in getattr(plan, "sections", ())}
    rows = []
    for i, s in enumerate(report.sections):
        ref = f"/sections/{i}"
        policy, name = names.get(s.group, ("", s.group))
        rows.append(
            [
                center(policy),
                text(f"{s.group}　{name}"),
                count_cell(s.items, f"{ref}/items"),
                count_cell(s.graded, f"{ref}/graded"),
                *(percent_cell(s.shares[g], f"{ref}/shares/{g}") for g in GRADES),
                percent_cell(s.mean_progress, f"{ref}/mean_progress"),
            ]
        )
    return [
        Table(
            key="section_summary",
            caption=f"推進項目別の評価（{fiscal_year_label(report.evaluation_year)}）",
            columns=[
                Column("基本方針", 9, "center"),
                Column("推進項目", 36),
                Column("取組項目数", 11, "right"),
                Column("評価対象", 11, "right"),
                *(Column(f"{g}の割合", 10, "right") for g in GRADES),
                Column("平均進捗率", 11, "right"),
            ],
            groups=[Group(None, rows)],
            notes=[
                "構成比は評価対象の項目に占める割合（評価対象外を除く）。推進項目のない取組項目は基本方針の集計にだけ含まれます。"
            ],
        )
    ]


def _has_plan(report: Report) -> bool:
    return any(e.effect_plan is not None for e in report.effects.by_year) or any(
        i.effect_plan_year is not None or i.effect_plan_cumulative is not None for i in report.items
    )


def _plan_row(label: str, r: Rollup, ref: str, unit: str) -> list[Any]:
    return [
        text(label),
        amount_cell(r.effect_year, unit, f"{ref}/effect_year"),
        amount_cell(r.effect_plan_year, unit, f"{ref}/effect_plan_year"),
        percent_cell(r.effect_plan_attainment, f"{ref}/effect_plan_attainment"),
        percent_cell(r.effect_share, f"{ref}/effect_share"),
        amount_cell(r.effect_cumulative, unit, f"{ref}/effect_cumulative"),
        amount_cell(r.effect_plan_cumulative, unit, f"{ref}/effect_plan_cumulative"),
        percent_cell(r.effect_plan_attainment_cumulative, f"{ref}/effect_plan_attainment_cumulative"),
    ]


def effect_plan_tables(report: Report, names: dict[int, str], unit: str) -> list[Table]:
    """財政効果額 against the 効果額計画: per 基本方針 (with 分野別割合), per item and per year; none without a plan."""
    if not _has_plan(report):
        return []
    year = report.evaluation_year
    label = fiscal_year_label(year)
    policy_rows = [
        _plan_row(f"基本方針{p.group}　{names.get(p.group, '')}".rstrip(), p, f"/policies/{i}", unit)
        for i, p in enumerate(report.policies)
    ]
    policy_rows.append(_plan_row("全体", report.total, "/total", unit))
    by_policy = Table(
        key="effect_plan_by_policy",
        caption=f"基本方針別の財政効果額と計画・分野別割合（{label}）",
        columns=[
            Column("基本方針", 34),
            Column(f"効果額（{year}年度）", 16, "right"),
            Column("計画効果額", 16, "right"),
            Column("効果額達成率", 12, "right"),
            Column("分野別割合", 11, "right"),
            Column("累計効果額", 16, "right"),
            Column("計画累計", 16, "right"),
            Column("累計達成率", 11, "right"),
        ],
        groups=[Group(None, policy_rows)],
        unit_note=f"金額の単位：{unit}（△は負の値）",
        notes=[
            "効果額達成率 ＝ 財政効果額 ÷ 計画効果額（計画のない項目・年度、計画が0のときは −）。",
            "分野別割合は、その年度の財政効果額の合計に占める各基本方針の割合。",
        ],
    )
    item_rows = []
    for i, it in enumerate(report.items):
        if it.effect_plan_year is None and it.effect_plan_cumulative is None:
            continue
        ref = f"/items/{i}"
        item_rows.append(
            [
                center(it.no),
                text(it.title),
                amount_cell(it.effect_year, unit, f"{ref}/effect_year"),
                amount_cell(it.effect_plan_year, unit, f"{ref}/effect_plan_year"),
                percent_cell(it.effect_plan_attainment, f"{ref}/effect_plan_attainment"),
                amount_cell(it.effect_cumulative, unit, f"{ref}/effect_cumulative"),
                amount_cell(it.effect_plan_cumulative, unit, f"{ref}/effect_plan_cumulative"),
                percent_cell(
                    it.effect_plan_attainment_cumulative, f"{ref}/effect_plan_attainment_cumulative"
                ),
            ]
        )
    by_item = Table(
        key="effect_plan_by_item",
        caption=f"取組項目別の財政効果額と計画（{label}）",
        columns=[
            Column("No", 6, "center"),
            Column("取組項目", 30),
            Column(f"効果額（{year}年度）", 16, "right"),
            Column("計画効果額", 16, "right"),
            Column("効果額達成率", 12, "right"),
            Column("累計効果額", 16, "right"),
            Column("計画累計", 16, "right"),
            Column("累計達成率", 11, "right"),
        ],
        groups=[Group(None, item_rows)],
        unit_note=f"金額の単位：{unit}（△は負の値）",
    )
    year_rows = []
    for i, e in enumerate(report.effects.by_year):
        ref = f"/effects/by_year/{i}"
        year_rows.append(
            [
                text(fiscal_year_label(e.year), wrap=False),
                amount_cell(e.single_year, unit, f"{ref}/single_year"),
                amount_cell(e.effect_plan, unit, f"{ref}/effect_plan"),
                percent_cell(e.effect_plan_attainment, f"{ref}/effect_plan_attainment"),
                amount_cell(e.cumulative, unit, f"{ref}/cumulative"),
                amount_cell(e.effect_plan_cumulative, unit, f"{ref}/effect_plan_cumulative"),
                percent_cell(e.effect_plan_attainment_cumulative, f"{ref}/effect_plan_attainment_cumulative"),
            ]
        )
    by_year = Table(
        key="effect_plan_by_year",
        caption="年度別の財政効果額と取組項目の計画",
        columns=[
            Column("年度", 24),
            Column("単年度効果額", 16, "right"),
            Column("計画効果額（取組の計）", 18, "right"),
            Column("効果額達成率", 12, "right"),
            Column("累計効果額", 16, "right"),
            Column("計画累計", 16, "right"),
            Column("累計達成率", 11, "right"),
        ],
        groups=[Group(None, year_rows)],
        unit_note=f"金額の単位：{unit}（△は負の値）",
    )
    return [by_policy, by_item, by_year]
