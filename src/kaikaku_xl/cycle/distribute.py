"""`kaikaku distribute`: one workbook per 主要担当課 with that department's rows, and the record of what was sent.

The master keeps, per distribution, the value of every cell sent (DistributedValues): the base of collect's
three-way merge. The department file keeps only an identity (master, distribution, fingerprint) on a hidden sheet.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from kaikaku_xl.cycle.department import (
    DepartmentBook,
    DepartmentTable,
    build_department_workbook,
    department_guide,
)
from kaikaku_xl.errors import InputError, WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded, load
from kaikaku_xl.master.locate import LEDGER_KEYS, actual_rows, ledger_key, positions, status_key, status_rows
from kaikaku_xl.master.records import (
    DistributedValue,
    Distribution,
    InfoEntry,
    cell_value,
    closed_years,
    identity_secret,
    keyed_fingerprint,
    master_id,
    read_records,
    require_cycle_tables,
    timestamp,
    write_records,
)
from kaikaku_xl.metrics.items import running, runs_in
from kaikaku_xl.plan import ItemNo, item_no
from kaikaku_xl.plan.numformat import number_format
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.xlsx.engine import Engine, RawTable
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.typed import number_or_text, whole_number

BLANK_LEDGER_ROWS = 10


Snapshot = list[tuple[str, str, str, Any]]  # (table, row key, column key, value) of every cell sent


@dataclass
class Sent:
    department: str
    path: Path
    distribution_id: str
    items: list[ItemNo]
    cells: int  # input cells the department fills


@dataclass
class DistributeResult:
    year: int
    sent: list[Sent] = field(default_factory=list)


def safe_file_name(text: str) -> str:
    """A department name usable as a file name on Windows."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._") or "担当課"


# ---- the department's tables, and the snapshot of every cell sent ------------------------------------------
def _actuals(
    loaded: Loaded, table: RawTable, measures: pd.DataFrame, year: int, snapshot: Snapshot
) -> DepartmentTable:
    """実績: a row per measure, every year; the distributed year is the department's to fill."""
    layout = loaded.layout
    spec = layout.table(c.ACTUALS_TABLE)
    where = actual_rows(table, loaded.inputs.measures)
    pos = positions(table, spec)
    records = []
    for m in measures.itertuples():
        measure_id, unit = str(m.measure_id), str(m.unit)
        record: dict[str, Any] = {"item": m.item, "name": m.name, "unit": m.unit}
        for y in layout.years:
            i = where.get(measure_id)
            cell = table.rows[i][pos[f"y{y}"]] if i is not None and f"y{y}" in pos else None
            record[f"y{y}"] = cell_value(number_or_text(cell, unit or None)) if y <= year else None
            if y <= year:
                snapshot.append((c.ACTUALS_TABLE, measure_id, f"y{y}", record[f"y{y}"]))
        records.append(record)
    decimals = {m.measure_id: m.shown_decimals for m in loaded.plan.measures}
    formats = [number_format(decimals.get(str(m.measure_id), 0)) for m in measures.itertuples()]
    return DepartmentTable(spec, records, set(range(len(records))), {f"y{year}"}, formats)


def _status(
    loaded: Loaded, table: RawTable, own: list[ItemNo], year: int, snapshot: Snapshot
) -> DepartmentTable:
    """進捗状況: a row per item and year it runs, up to the distributed year (the department's to fill)."""
    items = loaded.inputs.items
    pos = positions(table, c.STATUS)
    where = status_rows(table)
    titles = items.set_index("item")["title"]
    records: list[dict[str, Any]] = []
    editable = set()
    for item in own:
        for y in [y for y in loaded.layout.plan_years if y <= year and runs_in(items, item, y)]:
            i = where.get((item, y))
            values = {
                k: cell_value(table.rows[i][pos[k]]) if i is not None and k in pos else None
                for k in c.STATUS_KEYS
            }
            if y == year:
                editable.add(len(records))
            records.append({"item": item, "title": titles.get(item, ""), "year": y, **values})
            snapshot.extend((c.STATUS.name, status_key(item, y), k, values[k]) for k in c.STATUS_KEYS)
    return DepartmentTable(c.STATUS, records, editable, set(c.STATUS_KEYS))


def _ledger(table: RawTable, own: list[ItemNo], year: int, snapshot: Snapshot) -> DepartmentTable:
    """効果額台帳: the department's rows up to the distributed year, and blank rows to add the year's."""
    pos = positions(table, c.LEDGER)
    records: list[dict[str, Any]] = []
    editable = set()
    for row in table.rows:
        values = {k: row[pos[k]] if k in pos else None for k in LEDGER_KEYS}
        item, y = item_no(values["item"]), whole_number(values["year"])
        if item not in own or y is None or y > year:
            continue
        values["amount"] = number_or_text(values["amount"], "円")
        if y == year:
            editable.add(len(records))
        records.append({k: cell_value(values[k]) for k in LEDGER_KEYS})
        snapshot.append((c.LEDGER.name, str(y), "row", ledger_key(values)))
    for _ in range(BLANK_LEDGER_ROWS):
        editable.add(len(records))
        records.append(dict.fromkeys(LEDGER_KEYS))
    return DepartmentTable(c.LEDGER, records, editable, set(LEDGER_KEYS))


def department_tables(
    loaded: Loaded, raw: dict[str, RawTable], department: str, year: int
) -> tuple[list[DepartmentTable], Snapshot, list[ItemNo], int]:
    """The department's tables, the snapshot (table, row key, column, value) of every cell sent, its items,
    and how many cells it fills."""
    items = loaded.inputs.items
    # the items the department leads that run this year (an item added mid-plan is not sent before its start)
    own = list(items.loc[(items["lead"] == department) & running(items, year), "item"])
    measures = loaded.inputs.measures[loaded.inputs.measures["item"].isin(own)]
    snapshot: Snapshot = []
    tables = [
        _actuals(loaded, raw[c.ACTUALS_TABLE], measures, year, snapshot),
        _status(loaded, raw[c.STATUS.name], own, year, snapshot),
        _ledger(raw[c.LEDGER.name], own, year, snapshot),
    ]
    cells = len(tables[0].records) + len(tables[1].editable_rows) * len(c.STATUS_KEYS)
    return tables, snapshot, own, cells


def fingerprint(secret: str, master: str, distribution: str, department: str, year: int) -> str:
    """The file's identity, keyed with the master's secret (records.keyed_fingerprint: collect checks it)."""
    return keyed_fingerprint(secret, master, distribution, department, year)


# ---- one distribution ----------------------------------------------------------------------------------------
def distribute(master: Path, out: Path, **options: Any) -> DistributeResult:
    """Write one department workbook per 主要担当課 into `out` and record the distribution in the master; the
    keyword options (year, due, contact, force, now, progress) are those of distribute_into."""
    engine = FileEngine(master)
    try:
        with engine.writing("配布"):
            return distribute_into(engine, out, **options)
    finally:
        engine.close()


def _checked_year(engine: Engine, loaded: Loaded, year: int | None, due: str) -> int:
    """The year to distribute (the evaluation year by default): one staff enter actuals for, not closed; and
    the due date given as YYYY-MM-DD."""
    year = year or loaded.settings.evaluation_year
    if year not in loaded.layout.years:
        raise InputError(
            f"年度 {year} は実績を入力する年度（{loaded.layout.years[0]}〜{loaded.layout.years[-1]}）"
            "ではありません。"
        )
    if year in closed_years(engine):
        raise InputError(
            f"{year}年度は締められています。配布するには kaikaku reopen-year で締めを解除してください。"
        )
    if due:
        try:
            datetime.strptime(due, "%Y-%m-%d")
        except ValueError:
            raise InputError(f"提出期限「{due}」は YYYY-MM-DD の形で指定してください。") from None
    return year


@dataclass
class _Sending:
    """What every department file of one distribution shares, and the records it adds to the master."""

    loaded: Loaded
    raw: dict[str, RawTable]  # the master's input tables the files are cut from
    master: str  # the master's ID
    year: int
    due: str
    contact: str
    stamp: str
    scale: GradeScale
    distributions: list[Distribution]
    values: list[DistributedValue]
    secret: str = ""  # the master's key of identity fingerprints

    def book(self, department: str, path: Path) -> tuple[Workbook, Sent, int]:
        """The department's workbook, what was sent and how many measures; its records added."""
        year = self.year
        tables, snapshot, own, cells = department_tables(self.loaded, self.raw, department, year)
        distribution_id = "D" + uuid.uuid4().hex[:11]
        print_ = fingerprint(self.secret, self.master, distribution_id, department, year)
        identity = {
            "master_id": self.master,
            "distribution_id": distribution_id,
            "department": department,
            "year": str(year),
            "distributed_at": self.stamp,
            "due": self.due,
            "fingerprint": print_,
        }
        n_measures = len(tables[0].records)
        scale = self.scale
        guide = department_guide(self.loaded, department, year, self.due, self.contact, n_measures)
        book = DepartmentBook(department, year, guide, tables, identity, own, scale.labels, scale.typed)
        self.distributions.append(
            Distribution(distribution_id, department, year, self.stamp, self.due, path.name, print_)
        )
        self.values.extend(DistributedValue(distribution_id, *cell) for cell in snapshot)
        return (
            build_department_workbook(book),
            Sent(department, path, distribution_id, own, cells),
            n_measures,
        )


def distribute_into(
    engine: Engine,
    out: Path,
    *,
    year: int | None = None,
    due: str = "",
    contact: str = "",
    force: bool = False,
    now: datetime | None = None,
    progress: Progress = SILENT,
) -> DistributeResult:
    """Distribute through any engine (the file engine; the open book for the 配布 action)."""
    require_cycle_tables(engine)
    loaded = load(engine, progress)
    year = _checked_year(engine, loaded, year, due)
    stamp = timestamp(now)
    raw = {name: engine.read_table(loaded.layout.table(name)) for name in c.DEPARTMENT_TABLES}
    info = read_records(engine, InfoEntry)
    the_master = master_id(info)
    if not the_master:
        the_master = "M" + uuid.uuid4().hex  # a letter first: Excel never reads it as a number
        info.append(InfoEntry(c.MASTER_ID_KEY, the_master))
    sending = _Sending(
        loaded,
        raw,
        the_master,
        year,
        due,
        contact,
        stamp,
        GradeScale.of(loaded.settings),
        read_records(engine, Distribution),
        read_records(engine, DistributedValue),
        identity_secret(info),  # made on the first distribute (and the next one of an older master)
    )
    items = loaded.inputs.items
    departments = list(dict.fromkeys(str(d) for d in items.loc[running(items, year), "lead"] if str(d)))
    result = DistributeResult(year=year)
    books = []
    with progress.phase("配布ファイル作成", total=len(departments)) as phase:
        for department in departments:
            path = out / f"{year}年度_実績報告_{safe_file_name(department)}.xlsx"
            if path.exists() and not force:
                raise WorkbookError(f"{path} は既にあります。配布し直す場合は --force を付けてください。")
            wb, sent, n_measures = sending.book(department, path)
            books.append((path, wb))
            result.sent.append(sent)
            phase.step()
            phase.count("課", 1)
            phase.count("取組項目", len(sent.items))
            phase.count("指標", n_measures)
    _save(engine, out, books, info, sending, progress)
    return result


def _save(
    engine: Engine,
    out: Path,
    books: list[tuple[Path, Workbook]],
    info: list[InfoEntry],
    sending: _Sending,
    progress: Progress,
) -> None:
    """The department files, then the master's records in one commit; a file is removed again if the commit
    fails (a file the master has no record of could never be collected)."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        with progress.phase("書き込み", total=len(books) + 1) as phase:
            for path, wb in books:
                wb.save(path)
                written.append(path)
                phase.step()
            write_records(engine, InfoEntry, info)
            write_records(engine, Distribution, sending.distributions)
            write_records(engine, DistributedValue, sending.values)
            engine.commit()
            phase.step()
            phase.count("ファイル", len(written))
            phase.count("表", 3)  # the master's CycleInfo, Distributions, DistributedValues
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
