"""The main tables of the exported documents, built from the typed report: the summary per 基本方針 and the items.

The 定性評価 table is in export/qualitative.py, the 財政効果額 tables in export/effect_tables.py.
"""

from __future__ import annotations

from kaikaku_xl.export.cells import (
    COUNT,
    PERCENT,
    Cell,
    Column,
    Figure,
    FigureRow,
    Group,
    Table,
    center,
    count_cell,
    display_measure_unit,
    figure_table,
    fiscal_year_label,
    measure_value_cell,
    percent_cell,
    text,
)
from kaikaku_xl.export.report import ItemResult, MeasureResult, Report, Rollup
from kaikaku_xl.plan import MONEY_KINDS, ItemNo, Plan
from kaikaku_xl.plan.scale import EXCLUDED, GRADE_LABELS, NOT_ENTERED, NOT_GRADED, GradeScale
from kaikaku_xl.rounding import format_number, is_missing


def policy_names(plan: Plan) -> dict[int, str]:
    return {p.no: p.name for p in plan.policies}


def policy_label(no: int | str, names: dict[int, str]) -> str:
    if isinstance(no, int) and no in names:
        return f"基本方針{no}　{names[no]}"
    return str(no)


DEPARTMENT_BASIS = "担当課評価"  # metrics/items.py's grade_source of a grade the department entered


def grade_basis(item: ItemResult) -> str:
    """What an item's grade rests on, as every table prints it beside the grade: 主指標, 担当課評価, …; for −
    why there is none (担当課評価：未入力 where the department has not entered it yet: − alone beside
    担当課の評価 would read as if the department had chosen −)."""
    source = item.grade_source or ""
    if item.grade != NOT_GRADED:
        return source
    label = item.grade_label or GRADE_LABELS[NOT_GRADED]
    if source == DEPARTMENT_BASIS and not item.grade_label:
        label = NOT_ENTERED  # (a report of a master before grade_label: a department's − is a blank)
    return f"{source}：{label}" if source else label


def _grade_head(scale: GradeScale, label: str) -> str:
    """「S（目標達成）」; a label that says it all alone stays alone."""
    title = scale.title(label)
    return f"{label}（{title}）" if title != label else label


def summary_tables(report: Report, names: dict[int, str], unit: str) -> list[Table]:
    scale = report.scale  # the plan's grades (S–D by default): one column each
    labels = scale.labels
    year = report.evaluation_year
    rows: list[FigureRow] = [
        ([text(policy_label(p.group, names))], p, f"/policies/{i}") for i, p in enumerate(report.policies)
    ]
    rows.append(([text("全体")], report.total, "/total"))
    head = [Column("基本方針", 38)]

    count_figures = [
        Figure("取組項目数", 11, "items", COUNT),
        Figure("評価対象", 11, "graded", COUNT),
        *(Figure(_grade_head(scale, g), 11, f"counts/{g}", COUNT) for g in labels[:-1]),
        Figure(_grade_head(scale, labels[-1]), 16, f"counts/{labels[-1]}", COUNT),
        Figure(f"{NOT_GRADED}（未入力・評価不能）", 16, f"counts/{NOT_GRADED}", COUNT),
        Figure(EXCLUDED, 9, f"counts/{EXCLUDED}", COUNT),
    ]
    counts = figure_table(
        "grade_counts",
        f"基本方針別の評価件数（{fiscal_year_label(year)}）",
        head,
        count_figures,
        rows,
        unit,
        unit_note="単位：件",
        notes=[
            "取組項目の評価：指標のある項目は主指標（設定により最低評価）の評価、指標のない項目は担当課の評価。",
            "対象外：推進本部が計画の見直しで対象外と決めた項目（評価対象と構成比の分母から除きます）。",
        ],
    )

    share_figures = [
        *(Figure(_grade_head(scale, g), 11, f"shares/{g}", PERCENT) for g in labels),
        Figure("平均進捗率", 11, "mean_progress", PERCENT),
        Figure(f"単年度効果額（{year}年度）", 16, "effect_year"),
        Figure("未入力の指標（件）", 9, "effect_year_missing", COUNT),
        Figure(f"財政効果額累計（{year}年度まで）", 16, "effect_cumulative"),
        Figure("未入力（累計・件）", 9, "effect_cumulative_missing", COUNT),
    ]
    shares = figure_table(
        "grade_shares",
        f"基本方針別の評価構成比・平均進捗率・財政効果額（{fiscal_year_label(year)}）",
        head,
        share_figures,
        rows,
        unit,
        unit_note=f"金額の単位：{unit}（△は負の値）",
        notes=[
            "構成比は評価対象の項目に占める割合（評価対象外を除く）。四捨五入のため合計が100.0%にならない場合があります。",
            "平均進捗率は進捗率を計算できた指標の単純平均。財政効果額は計上した指標と効果額台帳の合計。",
            "未入力：財政効果額に計上する指標のうち実績が未入力の件数（累計は計画期間の各年度の延べ件数）。"
            "その分は効果額に含まれていません（0ではなく未集計）。",
        ],
    )
    return [counts, shares, *score_table(report, names)]


def _points_decimals(scale: GradeScale) -> int:
    """The decimals that show every grade's 点数 (0 for 5・4・3・2・1; 1 for 2.5)."""
    points = scale.points or {}
    return next((d for d in range(4) if all((p * 10**d).denominator == 1 for p in points.values())), 4)


def _score_row(label: str, row: Rollup, ref: str, decimals: int) -> list[Cell]:
    return [
        text(label),
        count_cell(row.graded, f"{ref}/graded"),
        measure_value_cell(row.score, "点", "円", f"{ref}/score", decimals),
        measure_value_cell(row.full_score, "点", "円", f"{ref}/full_score", decimals),
        percent_cell(row.score_rate, f"{ref}/score_rate"),
        count_cell(row.counts[NOT_GRADED], f"{ref}/counts/{NOT_GRADED}"),
        count_cell(row.counts[EXCLUDED], f"{ref}/counts/{EXCLUDED}"),
    ]


def score_table(report: Report, names: dict[int, str]) -> list[Table]:
    """得点・満点・得点率 of every roll-up (基本方針, 推進項目, 主要担当課, the whole plan) when the plan's grades have
    点数 (鴨川's 達成率 = Σ点 ÷ 満点); none otherwise."""
    scale = report.scale
    if scale.points is None:
        return []
    decimals = _points_decimals(scale)
    top = max(scale.points.values())
    policies = [
        _score_row(policy_label(p.group, names), p, f"/policies/{i}", decimals)
        for i, p in enumerate(report.policies)
    ]
    sections = [
        _score_row(f"推進項目{s.group}", s, f"/sections/{i}", decimals) for i, s in enumerate(report.sections)
    ]
    departments = [
        _score_row(str(d.group), d, f"/departments/{i}", decimals) for i, d in enumerate(report.departments)
    ]
    groups = [
        Group("基本方針別", policies),
        *([Group("推進項目別", sections)] if sections else []),
        Group("主要担当課別", departments),
        Group(None, [_score_row("全体", report.total, "/total", decimals)]),
    ]
    points = "・".join(f"{g} {format_number(float(p), decimals)}点" for g, p in scale.points.items())
    return [
        Table(
            key="grade_scores",
            caption=f"評価の得点率（{fiscal_year_label(report.evaluation_year)}）",
            columns=[
                Column("区分", 38),
                Column("評価対象", 11, "right"),
                Column("得点", 11, "right"),
                Column("満点", 11, "right"),
                Column("得点率", 11, "right"),
                Column(f"{NOT_GRADED}（未入力・評価不能）", 16, "right"),
                Column(EXCLUDED, 9, "right"),
            ],
            groups=groups,
            unit_note="単位：点・件",
            notes=[
                f"評価の点数：{points}。得点は評価対象の項目の点数の合計、満点は評価対象の項目数 × "
                f"{format_number(float(top), decimals)}点（最上位の評価の点数）、得点率 ＝ 得点 ÷ 満点。",
                f"{NOT_GRADED}（未入力・評価不能）と対象外の項目は得点にも満点にも含めません（件数は右の列）。",
            ],
        )
    ]


def _measure_note(m: MeasureResult, *, secondary: bool, year: int) -> str:
    """A measure's 備考: the report's note, with what the row's figures do not say themselves (a secondary
    measure, an effect not counted, a 累計 shown as its running total)."""
    note = m.note or ""
    if secondary:
        note = "副指標（項目の評価は主指標による）" + ("。" + note if note else "")
    if not m.counted and m.effect_kind in MONEY_KINDS and not is_missing(m.effect):
        note = (note + "。" if note else "") + "財政効果額に計上しない（重複計上の防止）"
    if m.aggregation:  # 累計: the 実績 shown is the running total; the year's own amount goes to the note
        own_year = "−" if is_missing(m.year_actual) else format_number(m.year_actual, m.decimals)
        note = f"実績は累計（{year}年度の値 {own_year}）" + ("。" + note if note else "")
    return note


class _PreviousCells:
    """The previous year's cells of the item table (前年度実績, 前年度評価): − in the plan's first year."""

    def __init__(self, report: Report) -> None:
        prev = report.previous
        self.items = {p.no: (i, p) for i, p in enumerate(prev.items)} if prev else {}
        self.measures = {p.id: (i, p) for i, p in enumerate(prev.measures)} if prev else {}

    def item_grade(self, no: ItemNo) -> Cell:
        found = self.items.get(no)
        return center(found[1].grade if found else NOT_GRADED)

    def measure_grade(self, measure_id: str) -> Cell:
        found = self.measures.get(measure_id)
        return center(found[1].grade if found else NOT_GRADED)

    def actual(self, m: MeasureResult, unit: str) -> Cell:
        found = self.measures.get(m.id)
        if found is None:
            return text(NOT_GRADED, "right")
        i, p = found
        return measure_value_cell(p.actual, m.unit, unit, f"/previous/measures/{i}/actual", m.decimals)


def items_table(report: Report, names: dict[int, str], unit: str) -> Table:
    measures_of = report.measures_by_item()
    prev = _PreviousCells(report)
    groups: dict[int, Group] = {}
    for item in report.items:
        group = groups.setdefault(item.policy, Group(policy_label(item.policy, names), []))
        head = [center(item.no), text(item.title), text(item.lead)]
        own = measures_of.get(item.no, [])
        if not own:
            group.rows.append(
                head
                + [text("指標なし（定性評価）"), center("")]
                + [text("", "right")] * 6
                + [prev.item_grade(item.no), center(item.grade), text(grade_basis(item))]
            )
            continue
        for k, (i, m) in enumerate(own):
            ref = f"/measures/{i}"
            note = _measure_note(
                m, secondary=k > 0 and item.grade_source == "主指標", year=report.evaluation_year
            )
            group.rows.append(
                head
                + [
                    text(m.name),
                    center(display_measure_unit(m.unit, unit)),
                    measure_value_cell(m.baseline, m.unit, unit, f"{ref}/baseline", m.decimals),
                    measure_value_cell(m.target, m.unit, unit, f"{ref}/target", m.decimals),
                    prev.actual(m, unit),
                    measure_value_cell(m.actual, m.unit, unit, f"{ref}/actual", m.decimals),
                    percent_cell(m.progress, f"{ref}/progress"),
                    percent_cell(m.attainment, f"{ref}/attainment"),
                    prev.measure_grade(m.id),
                    center(m.grade),
                    text(note),
                ]
            )
    year = report.evaluation_year
    baseline_year = report.plan.baseline_year
    end_year = report.plan.period[1]
    return Table(
        key="items",
        caption=f"取組項目別の進捗状況（{fiscal_year_label(year)}）",
        columns=[
            Column("No", 5, "center"),
            Column("取組項目", 30),
            Column("主要担当課", 15),
            Column("指標", 26),
            Column("単位", 6, "center"),
            Column(f"基準値（{baseline_year}年度）", 15, "right"),
            Column(f"目標値（{end_year}年度）", 15, "right"),
            Column(f"前年度実績（{year - 1}年度）", 15, "right"),
            Column(f"実績（{year}年度）", 15, "right"),
            Column("進捗率", 9, "right"),
            Column("達成率", 9, "right"),
            Column("前年度評価", 8, "center"),
            Column("評価", 6, "center"),
            Column("備考", 24),
        ],
        groups=list(groups.values()),
        notes=[
            "進捗率 ＝（実績 − 基準値）÷（目標値 − 基準値）。達成率 ＝ 実績 ÷ 目標値（減少を目指す指標は 目標値 ÷ 実績）。",
            "目標値＝基準値の指標（維持）は達成率で評価。「−」は実績が未入力などで計算できないもの（評価対象外）。",
            *(
                [
                    "累計の指標は、各年度の値を足し上げた累計を実績とし、基準値 0 から目標値までの進捗率（累計 ÷ 目標値）で評価。"
                ]
                if any(m.aggregation for m in report.measures)
                else []
            ),
        ],
    )
