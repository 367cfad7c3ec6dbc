"""The plan as the master workbook holds it: 計画情報, 取組項目 and 指標 read back into a `Plan`."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from kaikaku_xl.metrics.frames import row_dicts
from kaikaku_xl.plan import HistoricEffect, Item, ItemNo, Measure, Plan, Policy, Section
from kaikaku_xl.xlsx.typed import whole_number


def _decimals(value: Any) -> int | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else int(value)


MEASURE_KEYS = (
    "item",
    "seq",
    "name",
    "unit",
    "direction",
    "baseline",
    "target",
    "effect_kind",
    "include_in_effect",
    "decimals",
    "aggregation",
)
ITEM_KEYS = (
    "item",
    "policy",
    "title",
    "summary",
    "actions",
    "lead",
    "departments",
    "start_year",
    "end_year",
    "section",
    "section_name",
)


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
    if effect_plan is not None:
        for item, year, amount in zip(
            effect_plan["item"].tolist(),
            effect_plan["year"].tolist(),
            effect_plan["planned"].tolist(),
            strict=True,
        ):
            planned.setdefault(item, []).append((int(year), float(amount)))
    by_item: dict[ItemNo, list[Measure]] = {}
    for m in row_dicts(measures, MEASURE_KEYS):
        by_item.setdefault(m["item"], []).append(
            Measure(
                item=m["item"],
                seq=int(m["seq"]),
                name=m["name"],
                unit=m["unit"],
                direction=m["direction"],
                baseline=float(m["baseline"]),
                target=float(m["target"]),
                effect_kind=m["effect_kind"],
                include_in_effect=bool(m["include_in_effect"]),
                decimals=_decimals(m["decimals"]),
                aggregation=str(m["aggregation"] or ""),
            )
        )
    rows = row_dicts(items, ITEM_KEYS)
    plan_items = tuple(_item(r, tuple(by_item.get(r["item"], ())), planned) for r in rows)
    sections: dict[str, Section] = {}
    for r in rows:
        if isinstance(r["section"], str) and r["section"] not in sections:
            sections[r["section"]] = Section(
                no=r["section"], policy=int(r["policy"]), name=r["section_name"] or r["section"]
            )
    policies = tuple(
        Policy(no=p, name=policy_names.get(p, f"基本方針{p}"), bullets=())
        for p in sorted({r["policy"] for r in rows})
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


def _item(
    r: dict[str, Any], measures: tuple[Measure, ...], planned: dict[ItemNo, list[tuple[int, float]]]
) -> Item:
    return Item(
        no=r["item"],
        policy=int(r["policy"]),
        title=r["title"],
        summary=r["summary"],
        actions=tuple(a for a in r["actions"].split("\n") if a),
        lead=r["lead"],
        departments=tuple(d for d in r["departments"].split("、") if d) or (r["lead"],),
        measures=measures,
        start_year=whole_number(r["start_year"]),
        end_year=whole_number(r["end_year"]),
        effect_plan=tuple(sorted(planned.get(r["item"], ()))),
        section=r["section"] if isinstance(r["section"], str) else None,
    )
