"""The tables a workflow cannot run without: one check, so every door refuses a master the same way.

A table turned into a plain range or renamed would otherwise read as empty (every evaluation −) or fail deep inside
a write; the message names each missing table and says what to do, and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.xlsx.engine import Engine
from kaikaku_xl.xlsx.tablespec import TableSpec


def _name_and_sheet(spec: TableSpec) -> str:
    return f"{spec.name}（{spec.sheet}）"


def require_tables(
    engine: Engine,
    specs: Iterable[TableSpec],
    message: str,
    named: Callable[[TableSpec], str] = _name_and_sheet,
) -> None:
    """Raise WorkbookError(message with {names}: the missing tables, 、-separated) unless every table exists."""
    missing = [spec for spec in specs if not engine.has_table(spec.name)]
    if missing:
        raise WorkbookError(message.format(names="、".join(named(spec) for spec in missing)))
