"""前年度比較 on the first pages (issue 23): grade counts, 状況 counts and 財政効果額 of the evaluation year beside the
previous year's, with 増減. The plan's first year prints − in the previous year's cells and in 増減 (never 0); a
closed previous year prints its recorded figures (the report's `previous` block says which)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence

from kaikaku_xl.export.cells import (
    Cell,
    Column,
    Group,
    Table,
    amount_cell,
    count_cell,
    fiscal_year_label,
    text,
)
from kaikaku_xl.export.report import CountRow, Report
from kaikaku_xl.export.tables import policy_label
from kaikaku_xl.plan.scale import EXCLUDED, NOT_GRADED
from kaikaku_xl.rounding import EMPTY
from kaikaku_xl.years import wareki_date

STATUS_COLUMNS = ("未着手", "実施中", "完了", EXCLUDED, "未入力")


def _none(n: int) -> list[Cell]:
    return [Cell(EMPTY, align="right") for _ in range(n)]


def _change_cell(value: int | None, ref: str) -> Cell:
    """増減 as Japanese tables print it: +1, △2, 0."""
    if value is None:
        return Cell(EMPTY, ref=ref, align="right")
    shown = f"+{value:,}" if value > 0 else f"△{-value:,}" if value < 0 else "0"
    return Cell(shown, number=value, number_format='+#,##0;"△"#,##0;0', raw=value, ref=ref, align="right")


def _previous_rows(report: Report) -> list[tuple[str, CountRow, CountRow | None, str, str]]:
    """(label, this year's row, the previous year's row or None, its pointer, the previous row's pointer)."""
    now = report.status_counts
    if now is None:
        return []
    prev = report.previous
    before = {r.group: (i, r) for i, r in enumerate(prev.policies)} if prev else {}
    out = []
    for i, row in enumerate(now.policies):
        found = before.get(row.group)
        out.append(
            (
                str(row.group),
                row,
                found[1] if found else None,
                f"/status_counts/policies/{i}",
                f"/previous/policies/{found[0]}" if found else "",
            )
        )
    out.append(("全体", now.total, prev.total if prev else None, "/status_counts/total", "/previous/total"))
    return out


def _compare_table(
    report: Report,
    names: dict[int, str],
    key: str,
    caption: str,
    keys: Sequence[str],
    pick: Callable[[CountRow], Mapping[str, int]],
    field: str,
) -> Table:
    """Per 基本方針 and for the plan: rows 今年度, 前年度, 増減 under one column per key (a grade or a 状況)."""
    year = report.evaluation_year
    groups = []
    for label, now, before, ref, prev_ref in _previous_rows(report):
        head = policy_label(int(label), names) if label.isdigit() else label
        this_row = [text(f"{year}年度")] + [count_cell(pick(now)[k], f"{ref}/{field}/{k}") for k in keys]
        if before is None:
            prev_row = [text(f"{year - 1}年度")] + _none(len(keys))
            change_row = [text("増減")] + _none(len(keys))
        else:
            prev_row = [text(f"{year - 1}年度")] + [
                count_cell(pick(before)[k], f"{prev_ref}/{field}/{k}") for k in keys
            ]
            changes = (before.change if field == "counts" else before.status_change) or {}
            change_name = "change" if field == "counts" else "status_change"
            change_row = [text("増減")] + [
                _change_cell(changes.get(k), f"{prev_ref}/{change_name}/{k}") for k in keys
            ]
        groups.append(Group(head, [this_row, prev_row, change_row]))
    return Table(
        key=key,
        caption=caption,
        columns=[Column("年度", 16), *(Column(k, 10, "right") for k in keys)],
        groups=groups,
        unit_note="単位：件",
        notes=_notes(report),
    )


def _notes(report: Report) -> list[str]:
    prev = report.previous
    if prev is None:
        return ["計画期間の初年度のため、前年度の欄と増減は「−」です。"]
    source = (
        "締めた年度の記録（年度確定値）" if prev.closed else "現在の入力から計算した値（年度を締める前の値）"
    )
    notes = [f"前年度（{fiscal_year_label(prev.year)}）は{source}です。増減は今年度 − 前年度。"]
    verified = _verified_on(prev.decision.decided_on) if prev.decision is not None else None
    if verified is not None:  # the previous year's 推進本部 line (this year's own stays 速報 until verified)
        notes.append(f"前年度の結果は、{verified}に行財政改革推進本部が確認したものです。")
    return notes


def _verified_on(day: str) -> str | None:
    """「令和9年6月15日」 of a recorded YYYY-MM-DD (None if it is not one)."""
    try:
        when = datetime.date.fromisoformat(day)
    except ValueError:
        return None
    return f"{wareki_date(when)}年{when.month}月{when.day}日"


def effect_compare_table(report: Report, names: dict[int, str], unit: str) -> Table:
    """単年度効果額 and 計画期間累計 of this year beside the previous year's, with 増減."""
    prev, year = report.previous, report.evaluation_year
    rows = []
    for label, field in (("単年度効果額", "single_year"), ("計画期間累計", "cumulative")):
        now = getattr(report.effects, field)
        cells = [text(label), amount_cell(now, unit, f"/effects/{field}")]
        if prev is None:
            cells += _none(2)
        else:
            change = (prev.effect_change or {}).get(field)
            cells += [
                amount_cell(prev.effects.get(field), unit, f"/previous/effects/{field}"),
                amount_cell(change, unit, f"/previous/effect_change/{field}"),
            ]
        rows.append(cells)
    return Table(
        key="effect_compare",
        caption=f"財政効果額の前年度比較（{fiscal_year_label(year)}）",
        columns=[
            Column("区分", 20),
            Column(f"{year}年度", 16, "right"),
            Column(f"{year - 1}年度", 16, "right"),
            Column("増減", 16, "right"),
        ],
        groups=[Group(None, rows)],
        unit_note=f"単位：{unit}（△は負の値）",
        notes=_notes(report),
    )


def compare_tables(report: Report, names: dict[int, str], unit: str) -> list[Table]:
    """The 前年度比較 tables of the first pages (none for a report without 状況 counts, e.g. built by hand)."""
    if report.status_counts is None:
        return []
    year = report.evaluation_year
    grades = (*report.scale.labels, NOT_GRADED, EXCLUDED)
    return [
        _compare_table(
            report,
            names,
            "grade_compare",
            f"評価件数の前年度比較（{fiscal_year_label(year)}）",
            grades,
            lambda r: r.counts,
            "counts",
        ),
        _compare_table(
            report,
            names,
            "status_compare",
            f"取組状況の件数の前年度比較（{fiscal_year_label(year)}）",
            STATUS_COLUMNS,
            lambda r: r.statuses,
            "statuses",
        ),
        effect_compare_table(report, names, unit),
    ]
