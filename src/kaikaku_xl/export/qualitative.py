"""The 定性評価 table of the exported documents: what the departments entered on 進捗状況 for the evaluation year
(status, grade, results, issues, next steps), for the items without measures and any other item they wrote about.

Entries that cannot be used (no number or year, an item not in the plan, a choice not offered) become warnings
in the export's result, never a failure: the materials are still written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from kaikaku_xl.export.cells import Column, Group, Table, center, fiscal_year_label, text
from kaikaku_xl.export.report import Report
from kaikaku_xl.export.tables import grade_basis, policy_label
from kaikaku_xl.plan import ItemNo
from kaikaku_xl.plan.scale import NOT_ENTERED, NOT_GRADED
from kaikaku_xl.plan.vocabulary import STATUS_CHOICES, grade_choices, unknown_grade, unknown_status

NO_STATUS = "未入力"


@dataclass(frozen=True)
class ItemStatus:
    """One row of the 進捗状況 table as the export reads it: empty text (never NaN) for what staff left blank."""

    no: ItemNo | None  # the item's number as item_no reads it (None: the row names none)
    year: int
    status: str = ""  # 未着手・実施中・完了 (plan/vocabulary.py)
    grade: str = ""  # the department's grade, for the items without measures
    results: str = ""  # 取組実績
    issues: str = ""  # 課題
    next: str = ""  # 今後の方向性


def _status_index(
    statuses: Sequence[ItemStatus],
    year: int,
    item_nos: set[ItemNo],
    labels: tuple[str, ...],
    warnings: list[str],
) -> dict[ItemNo, ItemStatus]:
    found: dict[ItemNo, ItemStatus] = {}
    for entry in statuses:
        no = entry.no
        if no is None:
            warnings.append(
                f"定性評価の入力に番号または年度のない行があります（{asdict(entry)!r}）。読み飛ばしました。"
            )
            continue
        if entry.year != year:
            continue
        if no not in item_nos:
            warnings.append(f"定性評価の入力にある取組項目 No.{no} は計画にありません。読み飛ばしました。")
            continue
        if no in found:
            warnings.append(
                f"取組項目 No.{no} の定性評価（{year}年度）が複数あります。最後の入力を使いました。"
            )
        if unknown_status(entry.status):
            warnings.append(
                f"取組項目 No.{no} の状況「{entry.status}」は選択肢にありません。{STATUS_CHOICES}"
            )
        if unknown_grade(entry.grade, also=(NOT_GRADED,), labels=labels):
            warnings.append(
                f"取組項目 No.{no} の評価「{entry.grade}」は選択肢にありません。{grade_choices(labels)}"
            )
        found[no] = entry
    return found


def qualitative_table(
    report: Report, statuses: Sequence[ItemStatus], names: dict[int, str], warnings: list[str]
) -> Table:
    year = report.evaluation_year
    with_measures = {m.item for m in report.measures}
    entries = _status_index(statuses, year, {i.no for i in report.items}, report.scale.labels, warnings)
    groups: dict[int, Group] = {}
    for item in report.items:
        no = item.no
        entry = entries.get(no)
        if no in with_measures and entry is None:
            continue
        group = groups.setdefault(item.policy, Group(policy_label(item.policy, names), []))
        if entry is None:
            status, results, issues, nxt = NO_STATUS, "", "", ""
        else:
            status = entry.status or NO_STATUS
            results, issues, nxt = entry.results, entry.issues, entry.next
            typed = entry.grade or NOT_GRADED
            if no not in with_measures and typed != item.grade:
                warnings.append(
                    f"取組項目 No.{no} の評価が、集計結果（{item.grade}）と定性評価の入力（{typed}）で異なります。"
                    "集計を更新してから出力してください。"
                )
        # The item's grade from whatever it rests on (its 主指標 or the department), as the item table shows it
        group.rows.append(
            [
                center(no),
                text(item.title),
                text(item.lead),
                center(status),
                center(item.grade),
                text(grade_basis(item)),
                text(results),
                text(issues),
                text(nxt),
            ]
        )
    return Table(
        key="qualitative",
        caption=f"定性評価（指標のない取組項目ほか）（{fiscal_year_label(year)}）",
        columns=[
            Column("No", 5, "center"),
            Column("取組項目", 24),
            Column("主要担当課", 16),
            Column("状況", 8, "center"),
            Column("評価", 6, "center"),
            Column("評価の根拠", 12),
            Column("取組実績", 34),
            Column("課題", 28),
            Column("今後の方向性", 28),
        ],
        groups=list(groups.values()),
        notes=[
            f"状況：未着手／実施中／完了。評価（{report.scale.legend()}）は取組項目の評価で、取組項目別の進捗状況と同じ。"
            "評価の根拠：主指標＝指標の進捗による評価、担当課評価＝指標のない項目で担当課が入力した評価。"
            f"「{NOT_GRADED}」は評価がないもの（担当課評価：{NOT_ENTERED}＝担当課がまだ入力していない）。"
        ],
    )
