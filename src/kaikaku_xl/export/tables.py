"""The tables of the exported documents, built from the typed report: summary, items, 定性評価 and effects."""

from __future__ import annotations

from typing import Any

from ..metrics import NOT_GRADED
from ..metrics.grades import EXCLUDED
from ..metrics.scale import GradeScale
from ..plan import MONEY_KINDS, item_no
from ..report_model import Report, Rollup
from ..rounding import format_number, is_missing
from ..workbook.status_choices import STATUS_CHOICES, grade_choices, unknown_grade, unknown_status
from .cells import (
    Column,
    Group,
    Table,
    amount_cell,
    center,
    count_cell,
    display_measure_unit,
    fiscal_year_label,
    measure_value_cell,
    percent_cell,
    text,
)

NO_STATUS = "未入力"


def policy_names(plan: Any) -> dict[int, str]:
    return {p.no: p.name for p in getattr(plan, "policies", ())}


def policy_label(no: int | str, names: dict[int, str]) -> str:
    if isinstance(no, int) and no in names:
        return f"基本方針{no}　{names[no]}"
    return str(no)


def _grade_head(scale: GradeScale, label: str) -> str:
    """「S（目標達成）」; a label that says it all alone stays alone."""
    title = scale.title(label)
    return f"{label}（{title}）" if title != label else label


def summary_tables(report: Report, names: dict[int, str], unit: str) -> list[Table]:
    scale = report.scale  # the plan's grades (S–D by default): one column each
    labels = scale.labels
    year = report.evaluation_year
    rows_src: list[tuple[str, Rollup, str]] = [
        (f"/policies/{i}", p, policy_label(p.group, names)) for i, p in enumerate(report.policies)
    ]
    rows_src.append(("/total", report.total, "全体"))

    counts_rows = []
    for ref, p, label in rows_src:
        row = [text(label), count_cell(p.items, f"{ref}/items"), count_cell(p.graded, f"{ref}/graded")]
        row += [count_cell(p.counts[g], f"{ref}/counts/{g}") for g in labels]
        row.append(count_cell(p.counts[NOT_GRADED], f"{ref}/counts/{NOT_GRADED}"))
        row.append(count_cell(p.counts[EXCLUDED], f"{ref}/counts/{EXCLUDED}"))
        counts_rows.append(row)
    counts = Table(
        key="grade_counts",
        caption=f"基本方針別の評価件数（{fiscal_year_label(year)}）",
        columns=[Column("基本方針", 38), Column("取組項目数", 11, "right"), Column("評価対象", 11, "right")]
        + [Column(_grade_head(scale, g), 11, "right") for g in labels[:-1]]
        + [
            Column(_grade_head(scale, labels[-1]), 16, "right"),
            Column(f"{NOT_GRADED}（未入力・評価不能）", 16, "right"),
            Column(EXCLUDED, 9, "right"),
        ],
        groups=[Group(None, counts_rows)],
        unit_note="単位：件",
        notes=[
            "取組項目の評価：指標のある項目は主指標（設定により最低評価）の評価、指標のない項目は担当課の評価。",
            "対象外：担当課が対象外と入力した項目（評価対象と構成比の分母から除きます）。",
        ],
    )

    share_rows = []
    for ref, p, label in rows_src:
        row = [text(label)] + [percent_cell(p.shares[g], f"{ref}/shares/{g}") for g in labels]
        row.append(percent_cell(p.mean_progress, f"{ref}/mean_progress"))
        row.append(amount_cell(p.effect_year, unit, f"{ref}/effect_year"))
        row.append(amount_cell(p.effect_cumulative, unit, f"{ref}/effect_cumulative"))
        share_rows.append(row)
    shares = Table(
        key="grade_shares",
        caption=f"基本方針別の評価構成比・平均進捗率・財政効果額（{fiscal_year_label(year)}）",
        columns=[Column("基本方針", 38)]
        + [Column(_grade_head(scale, g), 11, "right") for g in labels]
        + [
            Column("平均進捗率", 11, "right"),
            Column(f"単年度効果額（{year}年度）", 16, "right"),
            Column(f"財政効果額累計（{year}年度まで）", 16, "right"),
        ],
        groups=[Group(None, share_rows)],
        unit_note=f"金額の単位：{unit}（△は負の値）",
        notes=[
            "構成比は評価対象の項目に占める割合（評価対象外を除く）。四捨五入のため合計が100.0%にならない場合があります。",
            "平均進捗率は進捗率を計算できた指標の単純平均。財政効果額は計上した指標と効果額台帳の合計。",
        ],
    )
    return [counts, shares]


def items_table(report: Report, names: dict[int, str], unit: str) -> Table:
    measures_of = report.measures_by_item()
    groups: dict[Any, Group] = {}
    for item in report.items:
        group = groups.setdefault(item.policy, Group(policy_label(item.policy, names), []))
        head = [center(item.no), text(item.title), text(item.lead)]
        own = measures_of.get(item.no, [])
        if not own:
            group.rows.append(
                head
                + [text("指標なし（定性評価）"), center("")]
                + [text("", "right")] * 5
                + [center(item.grade), text("担当課の評価")]
            )
            continue
        for k, (i, m) in enumerate(own):
            ref = f"/measures/{i}"
            note = m.note or ""
            if k > 0:
                note = (
                    "副指標（項目の評価は主指標による）" + ("。" + note if note else "")
                    if item.grade_source == "主指標"
                    else note
                )
            if not m.counted and m.effect_kind in MONEY_KINDS and not is_missing(m.effect):
                note = (note + "。" if note else "") + "財政効果額に計上しない（重複計上の防止）"
            if (
                m.aggregation
            ):  # 累計: the 実績 shown is the running total; the year's own amount goes to the note
                own_year = "−" if is_missing(m.year_actual) else format_number(m.year_actual, m.decimals)
                note = f"実績は累計（{report.evaluation_year}年度の値 {own_year}）" + (
                    "。" + note if note else ""
                )
            group.rows.append(
                head
                + [
                    text(m.name),
                    center(display_measure_unit(m.unit, unit)),
                    measure_value_cell(m.baseline, m.unit, unit, f"{ref}/baseline", m.decimals),
                    measure_value_cell(m.target, m.unit, unit, f"{ref}/target", m.decimals),
                    measure_value_cell(m.actual, m.unit, unit, f"{ref}/actual", m.decimals),
                    percent_cell(m.progress, f"{ref}/progress"),
                    percent_cell(m.attainment, f"{ref}/attainment"),
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
            Column(f"実績（{year}年度）", 15, "right"),
            Column("進捗率", 9, "right"),
            Column("達成率", 9, "right"),
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


def _status_index(
    statuses: list[dict[str, Any]],
    year: int,
    item_nos: set[Any],
    labels: tuple[str, ...],
    warnings: list[str],
) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for entry in statuses:
        try:
            no, entry_year = item_no(entry.get("no")), int(entry.get("year"))
            if no is None:
                raise ValueError(entry)
        except (TypeError, ValueError):
            warnings.append(
                f"定性評価の入力に番号または年度のない行があります（{entry!r}）。読み飛ばしました。"
            )
            continue
        if entry_year != year:
            continue
        if no not in item_nos:
            warnings.append(f"定性評価の入力にある取組項目 No.{no} は計画にありません。読み飛ばしました。")
            continue
        if no in found:
            warnings.append(
                f"取組項目 No.{no} の定性評価（{year}年度）が複数あります。最後の入力を使いました。"
            )
        status = str(entry.get("status") or "")
        if unknown_status(status):
            warnings.append(f"取組項目 No.{no} の状況「{status}」は選択肢にありません。{STATUS_CHOICES}")
        grade = str(entry.get("grade") or "")
        if unknown_grade(grade, also=(NOT_GRADED,), labels=labels):
            warnings.append(
                f"取組項目 No.{no} の評価「{grade}」は選択肢にありません。{grade_choices(labels)}"
            )
        found[no] = entry
    return found


def qualitative_table(
    report: Report, statuses: list[dict[str, Any]], names: dict[int, str], warnings: list[str]
) -> Table:
    year = report.evaluation_year
    with_measures = {m.item for m in report.measures}
    entries = _status_index(statuses, year, {i.no for i in report.items}, report.scale.labels, warnings)
    groups: dict[Any, Group] = {}
    for item in report.items:
        no = item.no
        entry = entries.get(no)
        if no in with_measures and entry is None:
            continue
        group = groups.setdefault(item.policy, Group(policy_label(item.policy, names), []))
        if entry is None:
            status, grade, results, issues, nxt = NO_STATUS, item.grade, "", "", ""
        else:
            status = str(entry.get("status") or NO_STATUS)
            grade = str(entry.get("grade") or NOT_GRADED)
            results, issues, nxt = (str(entry.get(k) or "") for k in ("results", "issues", "next"))
            if no not in with_measures and grade != item.grade:
                warnings.append(
                    f"取組項目 No.{no} の評価が、集計結果（{item.grade}）と定性評価の入力（{grade}）で異なります。"
                    "集計を更新してから出力してください。"
                )
        group.rows.append(
            [
                center(no),
                text(item.title),
                text(item.lead),
                center(status),
                center(grade),
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
            Column("主要担当課", 14),
            Column("状況", 8, "center"),
            Column("評価", 6, "center"),
            Column("取組実績", 36),
            Column("課題", 30),
            Column("今後の方向性", 30),
        ],
        groups=list(groups.values()),
        notes=[f"状況：未着手／実施中／完了。評価は担当課による（{report.scale.legend()}）。"],
    )


def effect_tables(report: Report, plan_items: dict[int, str], unit: str) -> list[Table]:
    eff = report.effects
    year = report.evaluation_year
    year_rows = []
    for i, e in enumerate(eff.by_year):
        ref = f"/effects/by_year/{i}"
        year_rows.append(
            [
                text(fiscal_year_label(e.year), wrap=False),
                amount_cell(e.single_year, unit, f"{ref}/single_year"),
                amount_cell(e.planned, unit, f"{ref}/planned"),
                percent_cell(e.attainment, f"{ref}/attainment"),
                amount_cell(e.cumulative, unit, f"{ref}/cumulative"),
                amount_cell(e.planned_cumulative, unit, f"{ref}/planned_cumulative"),
                percent_cell(e.attainment_cumulative, f"{ref}/attainment_cumulative"),
                amount_cell(e.reference, unit, f"{ref}/reference"),
            ]
        )
    counted = report.total.counted_measures
    by_year = Table(
        key="effects_by_year",
        caption="年度別の財政効果額",
        columns=[
            Column("年度", 24),
            Column("単年度効果額", 16, "right"),
            Column("計画効果額", 16, "right"),
            Column("効果額達成率", 12, "right"),
            Column("累計効果額", 16, "right"),
            Column("計画累計効果額", 16, "right"),
            Column("累計達成率", 11, "right"),
            Column("参考換算額", 15, "right"),
        ],
        groups=[Group(None, year_rows)],
        unit_note=f"単位：{unit}（△は負の値）",
        notes=[
            "財政効果額は基準年度（" + str(report.plan.baseline_year) + "年度）との比較による。"
            "歳出削減 ＝ 基準値 − 実績、歳入増加 ＝ 実績 − 基準値。累計は計画期間の単年度効果額の合計（継続的効果）。",
            "計上した指標："
            + ("、".join(counted) if counted else "なし")
            + "（効果額台帳の手入力分を含む）。参考換算額（時間・用紙の換算）は財政効果額に含めていません。",
        ],
    )

    detail_rows = []
    for i, m in enumerate(report.measures):
        if not m.effect_kind:
            continue
        if m.counted:
            status = "計上"
        elif m.effect_kind == "参考":
            status = "参考換算"
        else:
            status = "計上しない（重複防止）"
        detail_rows.append(
            [
                center(m.item),
                text(plan_items.get(m.item, "")),
                text(m.name),
                center(m.effect_kind),
                text(status),
                amount_cell(m.effect, unit, f"/measures/{i}/effect"),
            ]
        )
    detail = Table(
        key="effects_by_measure",
        caption=f"指標別の財政効果額（{fiscal_year_label(year)}）",
        columns=[
            Column("No", 5, "center"),
            Column("取組項目", 30),
            Column("指標", 30),
            Column("区分", 10, "center"),
            Column("計上", 22),
            Column("効果額", 16, "right"),
        ],
        groups=[Group(None, detail_rows)],
        unit_note=f"単位：{unit}（△は負の値）",
    )

    history_rows = []
    for i, h in enumerate(eff.history):
        history_rows.append(
            [
                text(h.name),
                amount_cell(h.effect_yen, unit, f"/effects/history/{i}/effect_yen"),
                text(_as_of(h.as_of)),
            ]
        )
    history_rows.append(
        [
            text(f"本計画（{year}年度までの累計）"),
            amount_cell(eff.cumulative, unit, "/effects/cumulative"),
            text(fiscal_year_label(year)),
        ]
    )
    history = Table(
        key="effects_history",
        caption="これまでの行財政改革の財政効果額と本計画の累計",
        columns=[Column("計画", 34), Column("財政効果額", 18, "right"), Column("時点", 24)],
        groups=[Group(None, history_rows)],
        unit_note=f"単位：{unit}（△は負の値）",
    )
    return [by_year, detail, history]


def _as_of(value: Any) -> str:
    """'2024' -> 2024年度（令和6年度）時点; other text as given."""
    text_value = str(value or "").strip()
    if text_value.isdigit() and len(text_value) == 4:
        return f"{fiscal_year_label(int(text_value))}時点"
    return text_value
