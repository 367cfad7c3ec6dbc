"""The 財政効果額 tables of the exported documents: per year, per measure, and this plan against earlier reforms.

`by_year_table` also draws the per-year table against the 効果額計画 (export/plan_tables.py): both list the
report's years with figures named by `Figure`.
"""

from __future__ import annotations

from collections.abc import Sequence

from kaikaku_xl.export.cells import (
    PERCENT,
    Column,
    Figure,
    Group,
    Table,
    amount_cell,
    center,
    figure_table,
    fiscal_year_label,
    text,
)
from kaikaku_xl.export.report import Report
from kaikaku_xl.plan import ItemNo

YEAR_FIGURES = (
    Figure("単年度効果額", 16, "single_year"),
    Figure("計画効果額", 16, "planned"),
    Figure("効果額達成率", 12, "attainment", PERCENT),
    Figure("累計効果額", 16, "cumulative"),
    Figure("計画累計効果額", 16, "planned_cumulative"),
    Figure("累計達成率", 11, "attainment_cumulative", PERCENT),
    Figure("参考換算額", 15, "reference"),
)


def by_year_table(
    report: Report,
    key: str,
    caption: str,
    figures: Sequence[Figure],
    unit: str,
    unit_note: str,
    notes: Sequence[str] = (),
) -> Table:
    """One row per year of the report's 財政効果額 (/effects/by_year), the year first, then `figures`."""
    rows = [
        ([text(fiscal_year_label(e.year), wrap=False)], e, f"/effects/by_year/{i}")
        for i, e in enumerate(report.effects.by_year)
    ]
    return figure_table(
        key, caption, [Column("年度", 24)], figures, rows, unit, unit_note=unit_note, notes=notes
    )


def effect_tables(report: Report, plan_items: dict[ItemNo, str], unit: str) -> list[Table]:
    """Per year, per measure, and this plan against earlier reforms (the charts read them in this order)."""
    return [_by_year(report, unit), _by_measure(report, plan_items, unit), _history(report, unit)]


def _by_year(report: Report, unit: str) -> Table:
    counted = report.total.counted_measures
    notes = [
        "財政効果額は基準年度（" + str(report.plan.baseline_year) + "年度）との比較による。"
        "歳出削減 ＝ 基準値 − 実績、歳入増加 ＝ 実績 − 基準値。累計は計画期間の単年度効果額の合計（継続的効果）。",
        "計上した指標："
        + ("、".join(counted) if counted else "なし")
        + "（効果額台帳の手入力分を含む）。参考換算額（時間・用紙の換算）は財政効果額に含めていません。",
    ]
    return by_year_table(
        report,
        "effects_by_year",
        "年度別の財政効果額",
        YEAR_FIGURES,
        unit,
        f"単位：{unit}（△は負の値）",
        notes,
    )


def _by_measure(report: Report, plan_items: dict[ItemNo, str], unit: str) -> Table:
    """Every measure with an effect kind, and whether its effect is counted."""
    rows = []
    for i, m in enumerate(report.measures):
        if not m.effect_kind:
            continue
        if m.counted:
            status = "計上"
        elif m.effect_kind == "参考":
            status = "参考換算"
        else:
            status = "計上しない（重複防止）"
        rows.append(
            [
                center(m.item),
                text(plan_items.get(m.item, "")),
                text(m.name),
                center(m.effect_kind),
                text(status),
                amount_cell(m.effect, unit, f"/measures/{i}/effect"),
            ]
        )
    return Table(
        key="effects_by_measure",
        caption=f"指標別の財政効果額（{fiscal_year_label(report.evaluation_year)}）",
        columns=[
            Column("No", 5, "center"),
            Column("取組項目", 30),
            Column("指標", 30),
            Column("区分", 10, "center"),
            Column("計上", 22),
            Column("効果額", 16, "right"),
        ],
        groups=[Group(None, rows)],
        unit_note=f"単位：{unit}（△は負の値）",
    )


def _history(report: Report, unit: str) -> Table:
    """The earlier reforms' 財政効果額 as the plan states them, then this plan's running total."""
    eff, year = report.effects, report.evaluation_year
    rows = [
        [
            text(h.name),
            amount_cell(h.effect_yen, unit, f"/effects/history/{i}/effect_yen"),
            text(_as_of(h.as_of)),
        ]
        for i, h in enumerate(eff.history)
    ]
    rows.append(
        [
            text(f"本計画（{year}年度までの累計）"),
            amount_cell(eff.cumulative, unit, "/effects/cumulative"),
            text(fiscal_year_label(year)),
        ]
    )
    return Table(
        key="effects_history",
        caption="これまでの行財政改革の財政効果額と本計画の累計",
        columns=[Column("計画", 34), Column("財政効果額", 18, "right"), Column("時点", 24)],
        groups=[Group(None, rows)],
        unit_note=f"単位：{unit}（△は負の値）",
    )


def _as_of(value: str) -> str:
    """'2024' -> 2024年度（令和6年度）時点; other text as given."""
    text_value = str(value or "").strip()
    if text_value.isdigit() and len(text_value) == 4:
        return f"{fiscal_year_label(int(text_value))}時点"
    return text_value
