"""The tables a workflow cannot run without: one check, so every door refuses a master the same way.

A table turned into a plain range or renamed would otherwise read as empty (every evaluation −) or fail deep inside
a write; the message names each missing table and says what to do, and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.workbook import contract as c
from kaikaku_xl.workbook.engine import Engine


def _name_and_sheet(spec: c.TableSpec) -> str:
    return f"{spec.name}（{spec.sheet}）"


def require_tables(
    engine: Engine,
    specs: Iterable[c.TableSpec],
    message: str,
    named: Callable[[c.TableSpec], str] = _name_and_sheet,
) -> None:
    """Raise WorkbookError(message with {names}: the missing tables, 、-separated) unless every table exists."""
    missing = [spec for spec in specs if not engine.has_table(spec.name)]
    if missing:
        raise WorkbookError(message.format(names="、".join(named(spec) for spec in missing)))
