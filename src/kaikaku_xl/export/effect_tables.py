"""The 財政効果額 tables of the exported documents: per year, per measure, and this plan against earlier reforms.

`by_year_table` also draws the per-year table against the 効果額計画 (export/plan_tables.py): both list the
report's years with figures named by `Figure`.
"""

from __future__ import annotations

from collections.abc import Sequence

from kaikaku_xl.export.cells import (
    COUNT,
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
from kaikaku_xl.plan.money import yen_factor

# 効果額達成率 is the measures' part against their plan (the ledger has no plan): that part is printed beside
# it (うち指標分), so each rate is the ratio of the two figures left of it; 暫定 while counted measures lack values.
YEAR_FIGURES = (
    Figure("単年度効果額（指標＋台帳）", 16, "single_year"),
    Figure("うち指標分", 16, "measures"),
    Figure("計画効果額（指標分）", 16, "planned"),
    Figure("効果額達成率（指標分÷計画）", 13, "attainment", PERCENT, missing="missing"),
    Figure("未入力の指標（件）", 9, "missing", COUNT),
    Figure("累計効果額（指標＋台帳）", 16, "cumulative"),
    Figure("うち指標分の累計", 16, "measures_cumulative"),
    Figure("計画累計効果額（指標分）", 16, "planned_cumulative"),
    Figure("累計達成率（指標分÷計画）", 13, "attainment_cumulative", PERCENT, missing="missing_cumulative"),
    Figure("未入力（累計・件）", 9, "missing_cumulative", COUNT),
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
    year = report.evaluation_year
    counted, blank = _counted_measures(report)
    notes = [
        "財政効果額は基準年度（" + str(report.plan.baseline_year) + "年度）との比較による。"
        "歳出削減 ＝ 基準値 − 実績、歳入増加 ＝ 実績 − 基準値。累計は計画期間の単年度効果額の合計（継続的効果）。",
        "計画効果額は計画書に記載された金額ではありません：各指標が基準値から目標値まで毎年度同じだけ進む"
        "（直線）と仮定した計画値から計算した額です（市独自の年度目標がある指標はその値）。",
        "効果額達成率 ＝ うち指標分 ÷ 計画効果額。効果額台帳の手入力分には計画がないため、達成率には含めません"
        "（単年度効果額との比ではありません）。",
        f"計上した指標（{year}年度に実績のあるもの）："
        + ("、".join(counted) if counted else "なし")
        + "。ほかに効果額台帳の手入力分を含みます。参考換算額（時間・用紙の換算）は財政効果額に含めていません。",
    ]
    scaled = sorted({m.unit for m in report.measures if m.effect_kind and (yen_factor(m.unit) or 1) > 1})
    if scaled:  # 百万円 measures: their own figures stay in their unit, their effect is summed in 円
        notes.append(
            f"単位が{'・'.join(scaled)}の指標は、効果額を円に換算して合計しています（指標の値はその単位のまま）。"
        )
    if blank:
        notes.append(
            f"未入力の指標（{year}年度、効果額・達成率に含まれていません）：{'、'.join(blank)}。"
            "未入力がある年度の達成率は暫定値です。"
        )
    return by_year_table(
        report,
        "effects_by_year",
        "年度別の財政効果額",
        YEAR_FIGURES,
        unit,
        f"単位：{unit}（△は負の値）",
        notes,
    )


def _counted_measures(report: Report) -> tuple[list[str], list[str]]:
    """(counted measures with a value in the evaluation year, counted measures without one): only the first are
    in the totals; the second are the inputs still missing."""
    counted = [m for m in report.measures if m.counted]
    return [m.id for m in counted if m.effect is not None], [m.id for m in counted if m.effect is None]


def _by_measure(report: Report, plan_items: dict[ItemNo, str], unit: str) -> Table:
    """Every measure with an effect kind, and whether its effect is counted."""
    rows = []
    for i, m in enumerate(report.measures):
        if not m.effect_kind:
            continue
        if m.counted and m.effect is None:  # counted, but no value yet: not in the totals (never 0)
            status = f"計上（{report.evaluation_year}年度の実績が未入力）"
        elif m.counted:
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


def this_plan_label(report: Report) -> str:
    """The history's row of this plan: how many of its years the running total holds (the earlier plans' figures
    are totals over whole periods of several years: a first-year total beside them is not a collapse)."""
    start, year = report.plan.period[0], report.evaluation_year
    years = max(year - start + 1, 0)
    return (
        f"本計画（{start}〜{year}年度の{years}年分の累計）" if years != 1 else f"本計画（{year}年度の1年分）"
    )


def _history(report: Report, unit: str) -> Table:
    """The earlier reforms' 財政効果額 as the plan states them, then this plan's running total, labelled with the
    years it covers."""
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
            text(this_plan_label(report)),
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
        notes=[
            "これまでの大綱の額は各計画期間（複数年度）の累計、本計画の額は評価年度までの累計です。"
            "年数が異なるため、額の大小は計画の成果の比較ではありません。"
        ],
    )


def _as_of(value: str) -> str:
    """'2024' -> 2024年度（令和6年度）時点; other text as given."""
    text_value = str(value or "").strip()
    if text_value.isdigit() and len(text_value) == 4:
        return f"{fiscal_year_label(int(text_value))}時点"
    return text_value
