"""Rows of a table built from its TableSpec: values in the order of the spec's columns, each rounded the way its
column shows it, so no writer builds a positional list or rounds a figure by hand.

Rounding by column (half away from zero, kaikaku_xl.rounding): a percentage column (FMT_PCT) stores the fraction
rounded to 0.1 point, a yen column (FMT_YEN) whole yen, a column with `digits` that many decimals; other values are
stored as they are. Not computable (None, NaN) is an empty cell, never 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from kaikaku_xl.rounding import percent_points, round_half_away
from kaikaku_xl.xlsx.tablespec import FMT_PCT, FMT_YEN, Column, TableSpec


def _plain(value: Any) -> Any:
    """numpy scalars as Python values; NaN as None (an empty cell)."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def stored_value(column: Column, value: Any) -> Any:
    """What a cell of `column` stores for `value`."""
    value = _plain(value)
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if column.fmt == FMT_PCT:
        return percent_points(float(value)) / 100
    if column.fmt == FMT_YEN:
        return round_half_away(float(value), 0)
    if column.digits is not None:
        return round_half_away(float(value), column.digits)
    return value


def table_row(spec: TableSpec, record: Mapping[str, Any]) -> list[Any]:
    """One row of `spec` from a record keyed by column key (a missing key is a bug: KeyError)."""
    return [stored_value(col, record[col.key]) for col in spec.columns]


def table_rows(spec: TableSpec, records: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    return [table_row(spec, r) for r in records]
