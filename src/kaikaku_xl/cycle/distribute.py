"""`kaikaku distribute`: one workbook per 主要担当課 with that department's rows, and the record of what was sent.

The master keeps, per distribution, the value of every cell sent (DistributedValues): the base of collect's
three-way merge. The department file keeps only an identity (master, distribution, fingerprint) on a hidden sheet.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from kaikaku_xl.cycle.accept import known_department, sent_back_reasons
from kaikaku_xl.cycle.clerk_guide import GuideFacts, guide_rows
from kaikaku_xl.cycle.department import (
    DepartmentBook,
    DepartmentTable,
    build_department_workbook,
    opinion_table,
)
from kaikaku_xl.cycle.plan_values import PlanValues, plan_columns, plan_values
from kaikaku_xl.errors import InputError, WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded, load
from kaikaku_xl.master.locate import LEDGER_KEYS, actual_rows, ledger_key, positions, status_key, status_rows
from kaikaku_xl.master.readers.percent import as_points
from kaikaku_xl.master.readers.revisions import parse_day
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
from kaikaku_xl.plan.numformat import input_format, number_format
from kaikaku_xl.plan.parts import file_name_key, file_name_part, same_file_name
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.xlsx.engine import Engine, RawTable
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.typed import number_or_text, whole_number
from kaikaku_xl.years import fiscal_year_end, wareki, wareki_day

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


# The folder inside --out the files are written to before the master records them (see _save).
STAGING_PREFIX = ".kaikaku-配布中-"


def department_paths(out: Path, year: int, departments: list[str]) -> dict[str, Path]:
    """Each department's file; two departments that would share one (「総務 課」/「総務　課」) are refused before
    anything is written (the plan refuses them too, but a master's 取組項目 sheet can be edited by hand)."""
    paths: dict[str, Path] = {}
    seen: dict[str, str] = {}
    for department in departments:
        other = seen.setdefault(file_name_key(department), department)
        if other != department:
            raise InputError(
                f"取組項目シートの主要担当課「{other}」と「{department}」は、"
                + same_file_name(department)
                + "ファイルは作成していません。"
            )
        paths[department] = out / f"{year}年度_実績報告_{file_name_part(department)}.xlsx"
    return paths


# ---- the department's tables, and the snapshot of every cell sent ------------------------------------------
def _actuals(
    loaded: Loaded,
    table: RawTable,
    measures: pd.DataFrame,
    year: int,
    snapshot: Snapshot,
    values: dict[str, PlanValues],
) -> DepartmentTable:
    """実績: a row per measure, every year (later years hidden); the distributed year is the department's to
    fill; beside it the plan's values to check against."""
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
            j = pos.get(f"y{y}")
            cell = as_points(table, i, j, unit, table.rows[i][j]) if i is not None and j is not None else None
            record[f"y{y}"] = cell_value(number_or_text(cell, unit or None)) if y <= year else None
            if y <= year:
                snapshot.append((c.ACTUALS_TABLE, measure_id, f"y{y}", record[f"y{y}"]))
        records.append(record)
    decimals = {m.measure_id: m.shown_decimals for m in loaded.plan.measures}
    formats = [input_format(str(m.unit), decimals.get(str(m.measure_id), 0)) for m in measures.itertuples()]
    ids = [str(m.measure_id) for m in measures.itertuples()]
    plain = [number_format(decimals.get(i, 0)) for i in ids]  # the plan's values, in the plan's units
    return DepartmentTable(
        spec,
        records,
        set(range(len(records))),
        {f"y{year}"},
        formats,
        beside=plan_columns(values, ids, plain, year),
        hidden_keys={f"y{y}" for y in layout.years if y > year},
    )


def _status(
    loaded: Loaded, table: RawTable, own: list[ItemNo], year: int, snapshot: Snapshot
) -> DepartmentTable:
    """進捗状況: a row per item and year it runs, up to the distributed year (the department's to fill; the grade
    only of items without measures, unless the plan's scale is typed: the measures grade the others)."""
    items = loaded.inputs.items
    measured = set(loaded.inputs.measures["item"]) if len(loaded.inputs.measures) else set()
    grade_locked = not GradeScale.of(loaded.settings).typed
    pos = positions(table, c.STATUS)
    where = status_rows(table)
    titles = items.set_index("item")["title"]
    records: list[dict[str, Any]] = []
    editable = set()
    locked = set()
    for item in own:
        for y in [y for y in loaded.layout.plan_years if y <= year and runs_in(items, item, y)]:
            i = where.get((item, y))
            values = {
                k: cell_value(table.rows[i][pos[k]]) if i is not None and k in pos else None
                for k in c.STATUS_KEYS
            }
            if y == year:
                editable.add(len(records))
                if grade_locked and item in measured:
                    locked.add((len(records), "grade"))
            records.append({"item": item, "title": titles.get(item, ""), "year": y, **values})
            snapshot.extend((c.STATUS.name, status_key(item, y), k, values[k]) for k in c.STATUS_KEYS)
    spec = c.status_spec(typed=not grade_locked)  # 評価 headed as in the master
    return DepartmentTable(spec, records, editable, set(c.STATUS_KEYS), locked=locked)


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
    loaded: Loaded,
    raw: dict[str, RawTable],
    department: str,
    year: int,
    values: dict[str, PlanValues] | None = None,
) -> tuple[list[DepartmentTable], Snapshot, list[ItemNo], int]:
    """The department's tables, the snapshot (table, row key, column, value) of every cell sent, its items,
    and how many cells it fills."""
    items = loaded.inputs.items
    # the items the department leads that run this year (an item added mid-plan is not sent before its start)
    own = list(items.loc[(items["lead"] == department) & running(items, year), "item"])
    measures = loaded.inputs.measures[loaded.inputs.measures["item"].isin(own)]
    snapshot: Snapshot = []
    tables = [
        _actuals(loaded, raw[c.ACTUALS_TABLE], measures, year, snapshot, values or {}),
        _status(loaded, raw[c.STATUS.name], own, year, snapshot),
        _ledger(raw[c.LEDGER.name], own, year, snapshot),
    ]
    cells = len(tables[0].records) + len(tables[1].editable_rows) * len(c.STATUS_KEYS) - len(tables[1].locked)
    opinions = opinion_table(loaded.opinions, department, year, snapshot)  # 懇談会意見 (issue 23), where any
    if opinions is not None:
        tables.append(opinions)
        cells += len(opinions.records) * len(opinions.editable_keys)
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


def checked_due(due: str, year: int, today: date) -> None:
    """The due date: YYYY-MM-DD, not in the past, and after the fiscal year ends (its actuals are known only
    then: 2026年度 ends on 2027-03-31)."""
    if not due:
        return
    try:
        day = datetime.strptime(due, "%Y-%m-%d").date()
    except ValueError:
        raise InputError(
            f"提出期限「{due}」は YYYY-MM-DD の形で指定してください（例: {year + 1}-05-31）。"
        ) from None
    if day < today:
        raise InputError(
            f"提出期限 {due}（{wareki_day(day)}）は過ぎた日付です（今日は {wareki_day(today)}）。"
            "これからの日付を指定してください。ファイルは作成していません。"
        )
    end = fiscal_year_end(year)
    if day <= end:
        raise InputError(
            f"提出期限 {due}（{wareki_day(day)}）は {year}年度（{wareki(year)}）の終わり"
            f"（{wareki_day(end)}）以前です。年度の実績は年度が終わってから出そろいます。"
            f"{end.isoformat()} より後の日付（例: {year + 1}-05-31）を指定してください。ファイルは作成していません。"
        )


def earlier_due(records: list[Distribution], department: str, year: int, today: date) -> str:
    """The due date of the department's latest distribution of the year while it is still ahead ("" otherwise:
    a deadline already past is not carried over; give --due)."""
    mine = [r for r in records if str(r.department) == department and whole_number(r.year) == year and r.due]
    if not mine:
        return ""
    latest = max(mine, key=lambda r: str(r.distributed_at))
    due = parse_day(latest.due)  # a date cell after another program saved the master, or the text written
    if due is None:
        return ""
    try:
        checked_due(due, year, today)
    except InputError:
        return ""
    return due


def _checked_year(engine: Engine, loaded: Loaded, year: int | None, due: str) -> int:
    """The year to distribute (the evaluation year by default): one staff enter actuals for, not closed (the
    due date is checked by checked_due)."""
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
    plan: dict[str, PlanValues] = field(default_factory=dict)  # each measure's values in the year
    secret: str = ""  # the master's key of identity fingerprints
    sent_back: dict[str, tuple[str, str]] = field(default_factory=dict)  # department -> (when, why) sent back

    def book(self, department: str, path: Path) -> tuple[Workbook, Sent, int]:
        """The department's workbook, what was sent and how many measures; its records added."""
        year = self.year
        tables, snapshot, own, cells = department_tables(self.loaded, self.raw, department, year, self.plan)
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
        cumulative = [
            m.name
            for it in self.loaded.plan.items
            if it.lead == department
            for m in it.measures
            if m.cumulative
        ]
        due = datetime.strptime(self.due, "%Y-%m-%d").date() if self.due else None
        facts = GuideFacts(
            self.loaded.plan.name,
            department,
            year,
            due,
            self.contact,
            n_measures,
            cumulative,
            self.sent_back.get(department),
        )
        guide = guide_rows(self.loaded, facts)
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
    department: str = "",
) -> DistributeResult:
    """Distribute through any engine (the file engine; the open book for the 配布 action); department: to that
    one department only (a file sent again after a send-back; the others' distributions stay as they were)."""
    require_cycle_tables(engine)
    loaded = load(engine, progress)
    year = _checked_year(engine, loaded, year, due)
    today = (now or datetime.now()).date()
    if department and not due:  # a file sent again (after a send-back) keeps the deadline the others have
        due = earlier_due(
            read_records(engine, Distribution), known_department(loaded, department, year), year, today
        )
    checked_due(due, year, today)
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
        plan_values(loaded, year),
        identity_secret(info),  # made on the first distribute (and the next one of an older master)
        sent_back=sent_back_reasons(engine, year),
    )
    items = loaded.inputs.items
    departments = list(dict.fromkeys(str(d) for d in items.loc[running(items, year), "lead"] if str(d)))
    if department:
        departments = [known_department(loaded, department, year)]
    result = DistributeResult(year=year)
    books = []
    paths = department_paths(out, year, departments)
    with progress.phase("配布ファイル作成", total=len(departments)) as phase:
        for department, path in paths.items():
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
    """The department files, staged in a folder inside `out`, then the master's records in one commit, then the
    files moved into `out` (one rename each). No file reaches `out` without its record: a failure or a crash
    before the commit leaves the master and `out` as they were (the staging folder is removed; after a kill
    it stays, hidden by its leading ".", until the next distribute removes it); a crash after the commit leaves
    records of files not (all) moved: never delivered, they are superseded when distribute runs again (status
    reads each department's latest distribution; --force for the files that did arrive in `out`)."""
    out.mkdir(parents=True, exist_ok=True)
    for left in out.glob(STAGING_PREFIX + "*"):  # a killed run's: never delivered (recorded or not)
        shutil.rmtree(left, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    try:
        with progress.phase("書き込み", total=len(books) + 1) as phase:
            for path, wb in books:
                wb.save(staging / path.name)
                phase.step()
            write_records(engine, InfoEntry, info)
            write_records(engine, Distribution, sending.distributions)
            write_records(engine, DistributedValue, sending.values)
            engine.commit()
            phase.step()
            phase.count("ファイル", len(books))
            phase.count("表", 3)  # the master's CycleInfo, Distributions, DistributedValues
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    moved = 0
    try:
        for path, _ in books:
            os.replace(staging / path.name, path)
            moved += 1
    except OSError as exc:
        raise WorkbookError(
            f"配布はマスターに記録しましたが、{moved + 1} 件目のファイルを {out} へ移せませんでした（{exc}）。"
            f"残りのファイルは {staging} にあります。フォルダーを確認して、そこから移してください。"
        ) from None
    shutil.rmtree(staging, ignore_errors=True)
