"""The merge of one returned department file into the master, table by table and cell by cell (see collect.py):
refuse a cell or a row, or merge a cell three ways. What it does goes to a MergeSink: the run's report lists, its
change log and the master target; collect reads the files in turn and commits once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kaikaku_xl.cycle.department import Returned
from kaikaku_xl.cycle.target import MasterTarget, Ref
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.master.locate import LEDGER_KEYS, ledger_key, ledger_values, positions, status_key
from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.master.readers.ledger import read_ledger
from kaikaku_xl.master.readers.percent import read_percent
from kaikaku_xl.master.readers.status import read_status
from kaikaku_xl.master.readers.yearly import read_yearly
from kaikaku_xl.master.records import ChangeLog, Distribution, cell_value, comparable
from kaikaku_xl.metrics.items import runs_in
from kaikaku_xl.plan import ItemNo, item_no
from kaikaku_xl.problems import ERROR, Problem
from kaikaku_xl.text import match_key
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.typed import NotANumber, parse_number, whole_number

Entry = dict[str, Any]  # one line of collect's report (JSON)


# ---- the master's readers, on a returned file -----------------------------------------------------------------
# Collect checks and reads a returned table exactly as the master's own readers read the master.
def reader_measures(loaded: Loaded) -> pd.DataFrame:
    return loaded.reader_measures if loaded.reader_measures is not None else loaded.inputs.measures


def returned_problems(loaded: Loaded, tables: dict[str, RawTable]) -> list[Problem]:
    """The master's checks on the returned tables; problems name the department file's sheet and cell."""
    reader = ProblemLog()
    items = loaded.inputs.items
    if c.ACTUALS_TABLE in tables:
        read_yearly(
            reader,
            tables[c.ACTUALS_TABLE],
            loaded.layout.table(c.ACTUALS_TABLE),
            reader_measures(loaded),
            loaded.layout.years,
            "actual",
            required=False,
        )
    if c.STATUS.name in tables:
        read_status(reader, tables[c.STATUS.name], items, loaded.layout.plan_years)
    if c.LEDGER.name in tables:
        read_ledger(reader, tables[c.LEDGER.name], items, loaded.layout.plan_years)
    return reader.problems


def reader_number(value: Any, measure: Any, table: RawTable, i: int, j: int) -> Any:
    """A returned actual as the master's reader reads it: the same parse_number (unit words, 万, commas) and the
    same % rule on the returned cell itself, so 95% typed in Excel (0.95 in a percent-formatted cell) is 95.
    Cells the reader refuses never get here: collect refuses them first, by the returned file's own problems."""
    if comparable(value) is None:
        return None
    try:
        number = parse_number(value, measure.unit or None)
    except NotANumber:
        return value
    if number is not None and measure.unit == "%":
        number = read_percent(
            ProblemLog(), table, i, j, value, number, f"No.{measure.item}「{measure.name}」"
        )
    return number


# ---- where a merge puts what it did ---------------------------------------------------------------------------
@dataclass
class MergeSink:
    """The run's report lists, its change log, the master target, and which side a conflict keeps."""

    applied: list[Entry]
    conflicts: list[Entry]
    refused: list[Entry]
    problems: list[Entry]
    log: ChangeLog
    target: MasterTarget
    prefer: str  # "master" or "returned"


class FileMerge:
    """The merge of one returned file: `base` is what was distributed (table, row key, column) -> value, as
    compared; afterwards `synced` and `ledger_synced` hold what both sides agree on (the next base)."""

    def __init__(
        self,
        sink: MergeSink,
        loaded: Loaded,
        returned: Returned,
        distribution: Distribution,
        base: dict[Ref, Any],
    ) -> None:
        self.sink = sink
        self.loaded = loaded
        self.returned = returned
        self.department = str(distribution.department)
        self.year = int(whole_number(distribution.year) or 0)
        self.id = str(distribution.distribution_id)
        self.file = returned.path.name
        self.base = base
        self.leads = {item_no(r.item): str(r.lead) for r in loaded.inputs.items.itertuples()}
        self.synced: dict[Ref, Any] = {}
        self.ledger_synced: list[str] | None = None
        self.errors: dict[tuple[str, str], str] = {}

    # -- reporting --------------------------------------------------------------------------------------
    def _entry(self, sheet: str, cell: str, **extra: Any) -> Entry:
        return {"department": self.department, "file": self.file, "sheet": sheet, "cell": cell, **extra}

    def _log(self, kind: str, sheet: str, cell: str, old: Any, new: Any, note: str) -> None:
        """One change-log line of this file (the log drops a refusal or conflict already logged)."""
        self.sink.log.add(
            kind, note, department=self.department, file=self.file, sheet=sheet, cell=cell, old=old, new=new
        )

    def refuse(self, table: RawTable, i: int, j: int, value: Any, why: str) -> None:
        cell = table.address(i, j)
        self.sink.refused.append(self._entry(table.sheet, cell, value=cell_value(value), reason=why))
        self._log(c.LOG_REFUSED, table.sheet, cell, None, value, why)

    def refuse_row(self, table: RawTable, i: int, raw: list[Any], why: str, columns: list[int]) -> None:
        for j in columns:
            if comparable(raw[j]) is not None:
                self.refuse(table, i, j, raw[j], why)

    # -- one owned cell ---------------------------------------------------------------------------------
    def merge_cell(
        self,
        table: RawTable,
        i: int,
        raw: list[Any],
        j: int,
        ref: Ref,
        year: int | None,
        read: Callable[[Any], Any] = lambda value: value,
    ) -> None:
        """A cell of a row the department owns: a checked error refuses it; a year other than the distributed one
        is read-only (refused only if changed); the distributed year merges three ways. `read` types the value."""
        message = self.errors.get((table.sheet, table.address(i, j)))
        if message:
            self.refuse(table, i, j, raw[j], message)
            return
        value = read(raw[j])
        if year != self.year:
            if comparable(value) != self.base.get(ref):
                self.refuse(
                    table,
                    i,
                    j,
                    raw[j],
                    f"{year}年度は配布した年度（{self.year}年度）ではないため、"
                    "取り込みません（読み取り専用のセル）。",
                )
            return
        self.three_way(ref, value, table, i, j)

    def three_way(self, ref: Ref, returned: Any, table: RawTable, i: int, j: int) -> None:
        """Merge one owned cell against the value distributed (base) and the master's value now (mine)."""
        target = self.sink.target
        base, theirs, mine = self.base.get(ref), comparable(returned), comparable(target.value(ref))
        where = f"{table.sheet}!{table.address(i, j)}"
        if theirs == base or theirs == mine:
            if theirs == mine:
                self.synced[ref] = theirs
            return
        if mine == base or self.sink.prefer == "returned":
            sheet, cell = target.set(ref, cell_value(theirs))
            self.synced[ref] = theirs
            entry = self._entry(sheet, cell, old=cell_value(mine), new=cell_value(theirs), source=where)
            if mine != base:
                self.sink.conflicts.append(
                    {
                        **entry,
                        "master": cell_value(mine),
                        "returned": cell_value(theirs),
                        "kept": "returned",
                        "resolved": True,
                    }
                )
                note = f"返送された値を採用しました（{where}、--prefer returned）"
                self._log(c.LOG_CONFLICT, sheet, cell, mine, theirs, note)
            self.sink.applied.append(entry)
            self._log(c.LOG_APPLIED, sheet, cell, mine, theirs, f"取込元 {where}")
            return
        sheet, cell = target.address(ref)
        self.sink.conflicts.append(
            self._entry(
                sheet,
                cell,
                master=cell_value(mine),
                returned=cell_value(theirs),
                base=cell_value(base),
                source=where,
                kept="master",
                resolved=False,
            )
        )
        note = f"配布後にマスターでも変更されていたため、マスターの値を残しました（返送: {where}）"
        self._log(c.LOG_CONFLICT, sheet, cell, mine, theirs, note)

    # -- checks on whole rows and tables ------------------------------------------------------------------
    def validate(self) -> None:
        """The master's checks on the returned tables; errors name the department file's sheet and cell."""
        for p in returned_problems(self.loaded, self.returned.tables):
            self.sink.problems.append(
                self._entry(p.sheet, p.cell, severity=p.severity, message=p.message, action=p.action)
            )
            if p.severity == ERROR and p.cell:
                self.errors[(p.sheet, p.cell)] = p.message

    def refuse_foreign(
        self,
        table: RawTable,
        i: int,
        raw: list[Any],
        typed_item: Any,
        item: ItemNo | None,
        columns: list[int],
    ) -> bool:
        """Refuse a row whose item the master lacks or another department leads; True when refused."""
        owner = self.leads.get(item) if item is not None else None
        if owner is None:
            self.refuse_row(
                table, i, raw, f"取組項目 No「{cell_value(typed_item)}」はマスターにありません。", columns
            )
        elif owner != self.department:
            self.refuse_row(
                table,
                i,
                raw,
                f"No.{item} は{owner}の取組項目です（このファイルは{self.department}）。",
                columns,
            )
        else:
            return False
        return True

    # -- the three tables -----------------------------------------------------------------------------------
    def actuals(self, table: RawTable) -> None:
        pos = positions(table, self.loaded.layout.table(c.ACTUALS_TABLE))
        if "item" not in pos or "name" not in pos:
            return
        lookup = {(m.item, match_key(m.name)): m for m in self.loaded.inputs.measures.itertuples()}
        year_cols = {y: pos[f"y{y}"] for y in self.loaded.layout.years if f"y{y}" in pos}
        columns = list(year_cols.values())
        seen: set[str] = set()
        for i, raw in enumerate(table.rows):
            measure = lookup.get((item_no(raw[pos["item"]]), match_key(raw[pos["name"]])))
            if measure is None:
                why = (
                    f"No「{cell_value(raw[pos['item']])}」「{cell_value(raw[pos['name']])}」の指標は"
                    "マスターにありません。"
                )
            elif measure.lead != self.department:
                why = (
                    f"No.{measure.item}「{measure.name}」は{measure.lead}の指標です"
                    f"（このファイルは{self.department}）。"
                )
            elif measure.measure_id in seen:
                why = f"No.{measure.item}「{measure.name}」の行が重複しています。"
            else:
                why = ""
            if measure is None or why:
                self.refuse_row(table, i, raw, why, columns)
                continue
            measure_id = str(measure.measure_id)
            seen.add(measure_id)
            for y, j in year_cols.items():
                ref = (c.ACTUALS_TABLE, measure_id, f"y{y}")
                read = lambda v, m=measure, i=i, j=j: reader_number(v, m, table, i, j)  # noqa: E731
                self.merge_cell(table, i, raw, j, ref, y, read)

    def status(self, table: RawTable) -> None:
        pos = positions(table, c.STATUS)
        if "item" not in pos or "year" not in pos:
            return
        columns = [pos[k] for k in c.STATUS_KEYS if k in pos]
        seen: set[tuple[ItemNo, int | None]] = set()
        for i, raw in enumerate(table.rows):
            item, year = item_no(raw[pos["item"]]), whole_number(raw[pos["year"]])
            if self.refuse_foreign(table, i, raw, raw[pos["item"]], item, columns) or item is None:
                continue  # (an item of None is refused as foreign)
            if year is not None and not runs_in(self.loaded.inputs.items, item, year):
                self.refuse_row(
                    table,
                    i,
                    raw,
                    f"No.{item} は {year}年度には実施しない項目です（開始・終了年度）。",
                    columns,
                )
                continue
            if (item, year) in seen:
                self.refuse_row(table, i, raw, f"No.{item} {year}年度の行が重複しています。", columns)
                continue
            seen.add((item, year))
            for key in c.STATUS_KEYS:
                if key in pos:
                    self.merge_cell(
                        table, i, raw, pos[key], (c.STATUS.name, status_key(item, year), key), year
                    )

    def _returned_ledger(self, table: RawTable, pos: dict[str, int]) -> tuple[list[str], dict[str, str]]:
        """The distributed year's rows of the returned ledger (as ledger keys) and where each was typed; rows of
        other departments, with checked errors, or changed in other years are refused."""
        columns = [pos[k] for k in LEDGER_KEYS]
        theirs: list[str] = []
        where: dict[str, str] = {}
        base_rows = Counter(v for (t, _k, _col), v in self.base.items() if t == c.LEDGER.name)
        for i, raw in enumerate(table.rows):
            values = {k: raw[pos[k]] for k in LEDGER_KEYS}
            item, year = item_no(values["item"]), whole_number(values["year"])
            if self.refuse_foreign(table, i, raw, values["item"], item, columns):
                continue
            bad = [m for j in columns if (m := self.errors.get((table.sheet, table.address(i, j))))]
            if bad:
                self.refuse_row(table, i, raw, bad[0], columns)
                continue
            key = ledger_key(values)
            if year != self.year:
                if base_rows[key] == 0:
                    self.refuse_row(
                        table,
                        i,
                        raw,
                        f"{year}年度は配布した年度（{self.year}年度）ではないため、取り込みません。",
                        columns,
                    )
                continue
            theirs.append(key)
            where[key] = f"{table.sheet}!{table.address(i, pos['item'])}"
        return theirs, where

    def ledger(self, table: RawTable) -> None:
        """Ledger rows have no key: the rows added since distribution are added, the rows removed are blanked."""
        pos = positions(table, c.LEDGER)
        if any(k not in pos for k in LEDGER_KEYS):
            return
        theirs, where = self._returned_ledger(table, pos)
        base = Counter(
            v for (t, k, _col), v in self.base.items() if t == c.LEDGER.name and k == str(self.year)
        )
        wanted = Counter(theirs)
        target = self.sink.target
        for key, n in (wanted - base).items():
            for _ in range(n - max(0, target.ledger_count(key) - base[key])):
                sheet, cell = target.add_ledger(key)
                self.sink.applied.append(
                    self._entry(sheet, cell, old=None, new=ledger_values(key), source=where[key])
                )
                self._log(
                    c.LOG_APPLIED, sheet, cell, None, key, f"効果額台帳に行を追加（取込元 {where[key]}）"
                )
        for key, n in (base - wanted).items():
            for _ in range(min(n, target.ledger_count(key))):
                sheet, cell = target.remove_ledger(key)
                self.sink.applied.append(
                    self._entry(sheet, cell, old=ledger_values(key), new=None, source=self.file)
                )
                self._log(
                    c.LOG_APPLIED, sheet, cell, key, None, "担当課が削除した効果額台帳の行を空欄にしました"
                )
        self.ledger_synced = sorted(wanted.elements())

    def run(self) -> None:
        self.validate()
        tables = self.returned.tables
        for name, step in (
            (c.ACTUALS_TABLE, self.actuals),
            (c.STATUS.name, self.status),
            (c.LEDGER.name, self.ledger),
        ):
            if name in tables:
                step(tables[name])
            else:
                spec = self.loaded.layout.table(name)
                self.sink.refused.append(
                    self._entry(
                        spec.sheet,
                        "",
                        value=None,
                        reason=f"シート「{spec.sheet}」の表が見つかりません（列見出しを変えていませんか）。",
                    )
                )
