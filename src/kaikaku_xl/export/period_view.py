"""The council materials' 計画期間の総括評価 section (issue 22): each item's grade for the whole plan period with its
basis and 総括コメント, and the grade counts per 基本方針 and for the plan. Only in the plan's last year's materials
(the report carries `period_review` then only)."""

from __future__ import annotations

from kaikaku_xl.export.cells import (
    COUNT,
    Column,
    Figure,
    FigureRow,
    Group,
    Table,
    center,
    figure_table,
    fiscal_year_label,
    text,
)
from kaikaku_xl.export.report import Report
from kaikaku_xl.export.tables import policy_label
from kaikaku_xl.metrics.period import PERIOD_TYPED
from kaikaku_xl.plan.scale import EXCLUDED, NOT_GRADED

SECTION = "計画期間の総括評価"


def _items_table(report: Report, names: dict[int, str], period: str) -> Table:
    review = report.period_review
    assert review is not None
    groups: dict[int, Group] = {}
    for i in review.items:
        group = groups.setdefault(i.policy, Group(policy_label(i.policy, names), []))
        # − of a typed grade says 未入力; a measure's − carries its reason in the source already
        typed_missing = i.grade == NOT_GRADED and i.grade_source == PERIOD_TYPED
        basis = f"{i.grade_source}：{i.grade_label}" if typed_missing else i.grade_source
        group.rows.append(
            [center(i.no), text(i.title), text(i.lead), center(i.grade), text(basis), text(i.comment)]
        )
    return Table(
        key="period_items",
        caption=f"{SECTION}（{period}）",
        columns=[
            Column("No", 5, "center"),
            Column("取組項目", 26),
            Column("主要担当課", 16),
            Column("評価", 6, "center"),
            Column("評価の根拠", 22),
            Column("総括コメント", 50),
        ],
        groups=list(groups.values()),
        notes=[
            f"計画期間の評価：指標のある項目は最終年度（{fiscal_year_label(review.period[1])}）の実績を目標値と比べた評価"
            "（累計の指標は計画期間の累計）、指標のない項目は総括評価として入力した評価。"
            f"評価：{report.scale.legend()}。「{NOT_GRADED}」は評価がないもの。"
        ],
    )


def _counts_table(report: Report, names: dict[int, str], period: str) -> Table:
    review = report.period_review
    assert review is not None
    labels = report.scale.labels
    rows: list[FigureRow] = [
        ([text(policy_label(p.group, names))], p, f"/period_review/policies/{i}")
        for i, p in enumerate(review.policies)
    ]
    rows.append(([text("全体")], review.total, "/period_review/total"))
    figures = [
        Figure("取組項目数", 11, "items", COUNT),
        Figure("評価対象", 11, "graded", COUNT),
        *(Figure(g, 9, f"counts/{g}", COUNT) for g in labels),
        Figure(f"{NOT_GRADED}（未入力・評価不能）", 16, f"counts/{NOT_GRADED}", COUNT),
        Figure(EXCLUDED, 9, f"counts/{EXCLUDED}", COUNT),
    ]
    return figure_table(
        "period_counts",
        f"基本方針別の計画期間の評価件数（{period}）",
        [Column("基本方針", 38)],
        figures,
        rows,
        "円",
        unit_note="単位：件",
    )


def period_tables(report: Report, names: dict[int, str]) -> list[Table]:
    """The section's tables; none unless the report is of the plan's last year and carries the review."""
    review = report.period_review
    if review is None or report.evaluation_year != review.period[1]:
        return []
    period = f"{fiscal_year_label(review.period[0])}～{fiscal_year_label(review.period[1])}"
    return [_counts_table(report, names, period), _items_table(report, names, period)]
