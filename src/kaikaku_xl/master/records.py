"""The records of the yearly cycle, kept in worksheet tables of the master (contract: CYCLE_TABLES): one frozen
record type per table, read and written by column key through the table's TableSpec (never positionally), the one
owner of the change log (変更履歴), the one timestamp format and the one "current user" of the cycle; and cell
values compared the way staff mean them (blank = empty text = nothing; 1 = 1.0).

A record holds each cell as the engine read it (a hidden table may have been saved by Excel or LibreOffice); it is
written normalised by `cell_value` (whole floats as int, blank None), so a read-and-write-back keeps every value.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar, TypeVar

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.cycle import IDENTITY_SECRET_KEY
from kaikaku_xl.master.required import require_tables
from kaikaku_xl.master.titles import TITLES
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import Engine, RawTable
from kaikaku_xl.xlsx.rows import table_rows
from kaikaku_xl.xlsx.tablespec import TableSpec
from kaikaku_xl.xlsx.typed import whole_number

# A cell of a cycle table: as an engine reads it (calamine, openpyxl, an xlwings book) or as the cycle writes it.
Cell = str | int | float | bool | datetime | date | time | timedelta | None


# The one timestamp format of the master's 日時 columns (配布日時, 回収日時, 締めた日時, the change log's 日時).
STAMP = "%Y-%m-%d %H:%M:%S"


def timestamp(now: datetime | None = None) -> str:
    """`now` (the present moment by default) as the cycle's tables write it."""
    return (now or datetime.now()).strftime(STAMP)


def current_user() -> str:
    """The login name the master records as who ran a command (更新履歴, 年度締め; "" where the system cannot tell)."""
    try:
        return getpass.getuser()
    except OSError:
        return ""


def require_cycle_tables(engine: Engine) -> None:
    require_tables(
        engine,
        c.CYCLE_TABLES,
        "このマスターには配布・回収の記録用の表がありません: {names}。"
        "kaikaku init で新しいマスターを作成し、入力を移してください。",
    )


def comparable(value: Any) -> Any:
    """A cell value as compared in the merge: None for blank, float for numbers, stripped text otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def cell_value(value: Any) -> Any:
    """A normalised value as written to a cell or JSON (whole floats as int)."""
    value = comparable(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# ---- one record type per cycle table (fields = the TableSpec's column keys, in order) ----------------------
@dataclass(frozen=True)
class CycleRecord:
    """A row of a cycle table; `spec` is its table."""

    spec: ClassVar[TableSpec]

    def cells(self) -> dict[str, Any]:
        """The row by column key, each value as written (cell_value)."""
        return {col.key: cell_value(getattr(self, col.key)) for col in self.spec.columns}


@dataclass(frozen=True)
class InfoEntry(CycleRecord):
    """管理情報: the master's identity (master_id) and the sheets a close protected."""

    spec: ClassVar[TableSpec] = c.CYCLE_INFO
    key: Cell
    value: Cell


@dataclass(frozen=True)
class Distribution(CycleRecord):
    """配布記録: one department file sent, when and as which file it came back, and who filled it in."""

    spec: ClassVar[TableSpec] = c.DISTRIBUTIONS
    distribution_id: Cell
    department: Cell
    year: Cell
    distributed_at: Cell
    due: Cell
    file: Cell
    fingerprint: Cell
    collected_at: Cell = None
    collected_file: Cell = None
    contact_name: Cell = None  # 記入者 of the latest file collected (blank: none given, or an older master)
    contact_phone: Cell = None
    approved_by: Cell = None


@dataclass(frozen=True)
class DistributedValue(CycleRecord):
    """配布時の値: a cell sent, as distributed and as last synchronised (the base of collect's merge)."""

    spec: ClassVar[TableSpec] = c.DISTRIBUTED_VALUES
    distribution_id: Cell
    table: Cell
    row_key: Cell
    column: Cell
    value: Cell
    sent: Cell = None  # the value distributed, once a returned file moved `value` (else `value` is it)
    source: Cell = None  # the returned file (and when) that moved `value`; blank: `value` is as sent


@dataclass(frozen=True)
class LogEntry(CycleRecord):
    """変更履歴: one line of the change log."""

    spec: ClassVar[TableSpec] = c.CHANGE_LOG
    time: Cell
    kind: Cell
    department: Cell = None
    file: Cell = None
    sheet: Cell = None
    cell: Cell = None
    old: Cell = None
    new: Cell = None
    note: Cell = None


@dataclass(frozen=True)
class ClosedYear(CycleRecord):
    """締めた年度: a closed year, when and by whom, the fingerprint of its inputs, the checksum of its record
    (master/closed.py), why it was closed with inputs missing, and when the 推進本部 verified it."""

    spec: ClassVar[TableSpec] = c.CLOSED_YEARS
    year: Cell
    closed_at: Cell
    user: Cell
    fingerprint: Cell
    checksum: Cell = None
    reason: Cell = None
    decided_on: Cell = None  # the 推進本部's verification: its date (YYYY-MM-DD) and meeting
    meeting: Cell = None


@dataclass(frozen=True)
class YearResult(CycleRecord):
    """年度確定値: one recorded value of a closed year (a result, an input, or a locked cell's former style)."""

    spec: ClassVar[TableSpec] = c.YEAR_RESULTS
    year: Cell
    kind: Cell
    key: Cell
    field: Cell
    value: Cell


@dataclass(frozen=True)
class Acceptance(CycleRecord):
    """確定記録: a department's return of a year accepted (確定), sent back (差戻し, with the reason) or collected
    again after either (再回収); its latest row is the department's state (cycle/accept.py)."""

    spec: ClassVar[TableSpec] = c.ACCEPTANCES
    year: Cell
    department: Cell
    state: Cell
    at: Cell
    reason: Cell = None
    user: Cell = None
    distribution_id: Cell = None


RECORD_TYPES: tuple[type[CycleRecord], ...] = (
    InfoEntry,
    Distribution,
    DistributedValue,
    LogEntry,
    ClosedYear,
    YearResult,
    Acceptance,
)


R = TypeVar("R", bound=CycleRecord)


def read_records(engine: Engine, kind: type[R]) -> list[R]:
    """The rows of `kind`'s table, each column found by its header (a column the table lacks reads as blank)."""
    return records_of(engine.read_table(kind.spec), kind)


def records_of(table: RawTable, kind: type[R]) -> list[R]:
    """The rows of a table already read, as `kind`'s records (columns found by their headers)."""
    positions = {col.key: table.column_index(col.header) for col in kind.spec.columns}
    return [
        kind(**{key: (row[i] if i is not None else None) for key, i in positions.items()})
        for row in table.rows
    ]


def write_records(engine: Engine, kind: type[R], rows: Iterable[R]) -> None:
    """Replace the rows of `kind`'s table, built by column key from its TableSpec."""
    engine.write_table(kind.spec, table_rows(kind.spec, (row.cells() for row in rows)))


def master_id(info: Iterable[InfoEntry]) -> str:
    """The master's ID among the 管理情報 entries ("" before its first distribution)."""
    for row in info:
        if cell_text(row.key) == c.MASTER_ID_KEY:
            return cell_text(row.value)
    return ""


def _info_value(info: Iterable[InfoEntry], key: str) -> str:
    return next((cell_text(row.value) for row in info if cell_text(row.key) == key), "")


def identity_secret(info: list[InfoEntry]) -> str:
    """The master's key for identity fingerprints; made (and added to `info`, to be written by the caller) when
    the master has none: on its first distribute, or the next one of a master made before keys existed."""
    secret = _info_value(info, IDENTITY_SECRET_KEY)
    if not secret:
        secret = secrets.token_hex(32)
        info.append(InfoEntry(IDENTITY_SECRET_KEY, secret))
    return secret


def known_secret(info: Iterable[InfoEntry]) -> str:
    """The master's key ("" when it has distributed only without one)."""
    return _info_value(info, IDENTITY_SECRET_KEY)


KEYED, UNKEYED = "K", "F"  # the first letter of a keyed (HMAC) and of an old, unkeyed fingerprint


def keyed_fingerprint(secret: str, master: str, distribution: str, department: str, year: int) -> str:
    """A department file's identity as only the holder of the master's secret can make it (HMAC-SHA256):
    a file cannot be minted for a distribution outside the coordinator's master; a letter first keeps it text."""
    payload = json.dumps([master, distribution, department, int(year)], ensure_ascii=False)
    return KEYED + hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()[:31]


def closed_years(engine: Engine) -> set[int]:
    return {y for r in read_records(engine, ClosedYear) if (y := whole_number(r.year)) is not None}


# ---- the change log (変更履歴): one owner for collect, close-year, reopen-year and revise -------------------
def _log_key(entry: LogEntry) -> tuple[str, ...]:
    """What makes two lines the same (the time aside)."""
    values = (
        entry.kind,
        entry.department,
        entry.file,
        entry.sheet,
        entry.cell,
        entry.old,
        entry.new,
        entry.note,
    )
    return tuple(str(cell_value(v) if v is not None else "") for v in values)


class ChangeLog:
    """The change log of one run: read once, appended to at the run's time, written back with its title."""

    def __init__(self, time: str, entries: list[LogEntry]) -> None:
        self.time = time  # the run's timestamp (STAMP), the 日時 of every line it adds
        self.entries = entries
        self.added = 0  # lines this run added
        self._seen = {_log_key(e) for e in entries}

    @classmethod
    def read(cls, engine: Engine, time: str) -> ChangeLog:
        return cls(time, read_records(engine, LogEntry))

    def add(
        self,
        kind: str,
        note: str,
        *,
        department: str | None = None,
        file: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        old: Any = None,
        new: Any = None,
    ) -> None:
        """One line; a refusal or conflict already logged identically (the time aside) is not logged again, so
        collecting the same file twice does not repeat them."""
        entry = LogEntry(
            self.time, kind, department, file, sheet, cell, cell_value(old), cell_value(new), note
        )
        key = _log_key(entry)
        if kind in (c.LOG_REFUSED, c.LOG_CONFLICT) and key in self._seen:
            return
        self._seen.add(key)
        self.entries.append(entry)
        self.added += 1

    def write(self, engine: Engine) -> None:
        write_records(engine, LogEntry, self.entries)
        heading, note = TITLES[c.CHANGE_LOG.name]
        engine.write_cells(c.CHANGE_LOG.sheet, {"A1": heading, "A2": note})
