"""The plan as JSON-ready data (`kaikaku plan --json`) and the number shape JSON shows.

Separate from the loader: writing the plan out needs none of the checks that reading it does.
"""

from __future__ import annotations

from typing import Any

from kaikaku_xl.plan.model import Measure, Plan
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.scale_rows import scale_to_rows


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data (what `kaikaku plan --json` prints)."""
    return {
        "name": plan.name,
        "subtitle": plan.subtitle,
        "city": plan.city,
        "city_code": plan.city_code,
        "period": [plan.start_year, plan.end_year],
        "baseline_year": plan.baseline_year,
        "basic_goal": plan.basic_goal,
        "policies": [{"no": p.no, "name": p.name, "bullets": list(p.bullets)} for p in plan.policies],
        **(
            {"sections": [{"no": s.no, "policy": s.policy, "name": s.name} for s in plan.sections]}
            if plan.sections
            else {}
        ),
        "history": [{"name": h.name, "effect_yen": h.effect_yen, "as_of": h.as_of} for h in plan.history],
        **({"grades": _scale_rows(plan.grade_scale)} if plan.grade_scale is not None else {}),
        "items": [
            {
                "no": it.no,
                "policy": it.policy,
                **({"section": it.section} if it.section is not None else {}),
                "title": it.title,
                "summary": it.summary,
                "actions": list(it.actions),
                "lead": it.lead,
                "departments": list(it.departments),
                **({"start_year": it.start_year} if it.start_year is not None else {}),
                **({"end_year": it.end_year} if it.end_year is not None else {}),
                **(
                    {"effect_plan": {str(y): plain_number(a) for y, a in it.effect_plan}}
                    if it.effect_plan
                    else {}
                ),
                "measures": [measure_to_dict(m) for m in it.measures],
            }
            for it in plan.items
        ],
    }


def measure_to_dict(m: Measure) -> dict[str, Any]:
    """A measure as `plan --json` shows it; the master's 指標 cells start from it (master/measure_cells.py)."""
    return {
        "id": m.measure_id,
        "name": m.name,
        "unit": m.unit,
        "direction": m.direction,
        "baseline": plain_number(m.baseline),
        "target": plain_number(m.target),
        "effect_kind": m.effect_kind,
        "include_in_effect": m.include_in_effect,
        "note": m.note,
        "decimals": m.shown_decimals,
        **({"aggregation": m.aggregation} if m.aggregation else {}),
    }


def _scale_rows(scale: GradeScale) -> list[dict[str, Any]]:
    return scale_to_rows(scale, as_json=True)


def plain_number(x: float) -> int | float:
    """Integral floats as ints, so JSON shows 4031724014 rather than 4031724014.0."""
    return int(x) if float(x).is_integer() else x
