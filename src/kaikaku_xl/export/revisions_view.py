"""The council materials' 計画の見直し section: every plan revision with its reason and the 推進本部 date."""

from __future__ import annotations

import datetime

from kaikaku_xl.export.cells import Column, Group, Table, center, date_label, text
from kaikaku_xl.plan import Plan, plain_number

CAPTION = "計画の見直し（推進本部決定）。適用開始年度より前の年度は見直し前の値で評価しています。"


def _value(x: float | None, unit: str) -> str:
    if x is None:
        return "−"
    return f"{plain_number(x):,}{unit}"


def _day(value: str) -> str:
    try:
        return date_label(datetime.date.fromisoformat(value))
    except ValueError:
        return value


def revisions_table(plan: Plan) -> Table | None:
    """None when the plan has not been revised (the section is left out)."""
    revisions = plan.revisions
    if not revisions:
        return None
    measures = {m.measure_id: m for m in plan.measures}
    titles = {it.no: it.title for it in plan.items}
    rows = []
    for r in sorted(revisions, key=lambda r: (r.year, r.decided)):
        measure = measures.get(r.measure_id)
        if measure is not None:
            subject = f"No.{r.item} {measure.name}"
            change = f"{_value(r.old, measure.unit)} → {_value(r.new, measure.unit)}"
        else:
            subject, change = f"No.{r.item} {titles.get(r.item, '')}", "−"
        rows.append(
            [
                center(f"{r.year}年度"),
                text(subject),
                center(r.kind),
                text(change),
                text(r.reason),
                text(_day(r.decided)),
            ]
        )
    columns = [
        Column("適用開始", 10, "center"),
        Column("取組項目・指標", 30),
        Column("区分", 9, "center"),
        Column("変更前 → 変更後", 24),
        Column("理由", 40),
        Column("推進本部決定日", 26),
    ]
    return Table("revisions", CAPTION, columns, [Group(None, rows)])
