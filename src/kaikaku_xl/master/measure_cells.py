"""A measure's cells by contract column key: the master's 指標 table and the plan workbook's 指標 sheet pick theirs.

One place for how a measure is shown in a cell (numbers without a trailing .0, はい/いいえ, a limit as なし), so
the two tables cannot drift apart; each orders the cells by its own TableSpec.
"""

from __future__ import annotations

import math
from typing import Any

from kaikaku_xl.plan import Measure, measure_to_dict, plain_number
from kaikaku_xl.plan.plausibility import NO_LIMIT
from kaikaku_xl.plan.vocabulary import YES_NO
from kaikaku_xl.xlsx.tablespec import TableSpec


def limit_cell(limit: float | None) -> str | int | float | None:
    """A measure's own plausible limit as the 指標 table shows it: blank = the unit's rule, なし = no limit."""
    if limit is None:
        return None
    return NO_LIMIT if math.isinf(limit) else plain_number(limit)


def measure_cells(m: Measure) -> dict[str, Any]:
    """The measure's cells by column key: its `plan --json` values, with はい/いいえ, its limits and its item."""
    yes, no = YES_NO
    values = measure_to_dict(m)
    return {
        **values,
        "measure_id": values["id"],
        "item": m.item,
        "include_in_effect": yes if m.include_in_effect else no,
        "allowed_min": limit_cell(m.allowed_min),
        "allowed_max": limit_cell(m.allowed_max),
        "aggregation": m.aggregation or None,
    }


def in_order(spec: TableSpec, cells: dict[str, Any]) -> list[Any]:
    """The cells of one row in the order of `spec`'s columns."""
    return [cells[col.key] for col in spec.columns]
