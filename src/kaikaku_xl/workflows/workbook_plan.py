"""The plan as the master workbook holds it: 計画情報, 取組項目 and 指標 read back into a `Plan`.

Split from load.py (which reads every input table): a master carries its own plan, so exports and reports of
another city's master need no plan file. 開始年度/終了年度 of an item are read as any other typed year
(workbook.inputs._int): blank or unreadable is None, the whole plan period.
"""

from __future__ import annotations

import pandas as pd

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.metrics.frames import EFFECT_PLAN_COLUMNS, ITEM_COLUMNS
from kaikaku_xl.plan import HistoricEffect, Item, ItemNo, Measure, Plan, Policy, Section, item_no, section_no
from kaikaku_xl.workbook import contract as c
from kaikaku_xl.workbook.engine import RawTable
from kaikaku_xl.workbook.typed import _int, parse_number


def plan_info(table: RawTable) -> dict[str, str]:
    key, value = table.column_index("キー"), table.column_index("値")
    if key is None or value is None:
        raise WorkbookError("計画情報シートの表 PlanInfo に「キー」「値」列がありません。")
    return {
        str(r[key]).strip(): "" if r[value] is None else str(r[value]).strip() for r in table.rows if r[key]
    }


def info_year(info: dict[str, str], key: str, label: str) -> int:
    try:
        return int(float(info[key]))
    except (KeyError, ValueError):
        raise WorkbookError(f"計画情報シート: 「{label}」が年（西暦）になっていません。") from None


def history_effects(table: RawTable) -> tuple[HistoricEffect, ...]:
    out = []
    for row in table.rows:
        if row[0] is None:
            continue
        amount = parse_number(row[1]) if row[1] is not None else None
        out.append(HistoricEffect(name=str(row[0]), effect_yen=int(amount or 0), as_of=str(row[2] or "")))
    return tuple(out)


def items_frame(table: RawTable) -> tuple[pd.DataFrame, dict[int, str]]:
    h = {col.key: table.column_index(col.header) for col in c.ITEMS.columns}
    if any(v is None for v in (h["item"], h["policy"], h["title"], h["lead"])):
        raise WorkbookError("取組項目シートの表 Items に No・基本方針・取組項目・主要担当課の列が必要です。")
    rows, policy_names = [], {}
    for r in table.rows:
        try:
            no, policy = item_no(r[h["item"]]), int(r[h["policy"]])
        except (TypeError, ValueError):
            continue
        if no is None:
            continue
        if h["policy_name"] is not None and r[h["policy_name"]]:
            policy_names[policy] = str(r[h["policy_name"]])
        rows.append(
            {
                "item": no,
                "policy": policy,
                "lead": str(r[h["lead"]] or ""),
                "title": str(r[h["title"]] or ""),
                "summary": str(r[h["summary"]] or "") if h["summary"] is not None else "",
                "actions": str(r[h["actions"]] or "") if h["actions"] is not None else "",
                "departments": str(r[h["departments"]] or "") if h["departments"] is not None else "",
                **{
                    key: _int(r[h[key]]) if h[key] is not None else None for key in ("start_year", "end_year")
                },
                "section": section_no(r[h["section"]]) if h["section"] is not None else None,
                "section_name": str(r[h["section_name"]] or "") if h["section_name"] is not None else "",
            }
        )
    return pd.DataFrame(
        rows, columns=[*ITEM_COLUMNS, "summary", "actions", "departments", "section_name"]
    ), policy_names


def _decimals(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def workbook_plan(
    info: dict[str, str],
    items: pd.DataFrame,
    policy_names: dict[int, str],
    measures: pd.DataFrame,
    history: tuple[HistoricEffect, ...],
    effect_plan: pd.DataFrame | None = None,
) -> Plan:
    """The plan as the workbook holds it (so exports of another city's master need no plan file)."""
    planned: dict[ItemNo, list[tuple[int, float]]] = {}
    for r in (
        effect_plan if effect_plan is not None else pd.DataFrame(columns=EFFECT_PLAN_COLUMNS)
    ).itertuples():
        planned.setdefault(r.item, []).append((int(r.year), float(r.planned)))
    by_item: dict[ItemNo, list[Measure]] = {}
    for m in measures.itertuples():
        by_item.setdefault(m.item, []).append(
            Measure(
                item=m.item,
                seq=int(m.seq),
                name=m.name,
                unit=m.unit,
                direction=m.direction,
                baseline=float(m.baseline),
                target=float(m.target),
                effect_kind=m.effect_kind,
                include_in_effect=bool(m.include_in_effect),
                decimals=_decimals(getattr(m, "decimals", None)),
                aggregation=str(getattr(m, "aggregation", "") or ""),
            )
        )
    plan_items = tuple(
        Item(
            no=r.item,
            policy=int(r.policy),
            title=r.title,
            summary=r.summary,
            actions=tuple(a for a in r.actions.split("\n") if a),
            lead=r.lead,
            departments=tuple(d for d in r.departments.split("、") if d) or (r.lead,),
            measures=tuple(by_item.get(r.item, ())),
            start_year=_int(r.start_year),
            end_year=_int(r.end_year),
            effect_plan=tuple(sorted(planned.get(r.item, ()))),
            section=r.section if isinstance(r.section, str) else None,
        )
        for r in items.itertuples()
    )
    sections: dict[str, Section] = {}
    for r in items.itertuples():
        if isinstance(r.section, str) and r.section not in sections:
            sections[r.section] = Section(
                no=r.section, policy=int(r.policy), name=r.section_name or r.section
            )
    policies = tuple(
        Policy(no=p, name=policy_names.get(p, f"基本方針{p}"), bullets=())
        for p in sorted(set(items["policy"]))
    )
    return Plan(
        name=info.get("name", ""),
        city=info.get("city", ""),
        city_code=info.get("city_code", ""),
        start_year=int(float(info["start_year"])),
        end_year=int(float(info["end_year"])),
        baseline_year=int(float(info["baseline_year"])),
        policies=policies,
        items=plan_items,
        history=history,
        subtitle=info.get("subtitle", ""),
        sections=tuple(sections.values()),
    )
