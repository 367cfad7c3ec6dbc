"""`kaikaku distribute`: one workbook per 主要担当課 with that department's rows, and the record of what was sent.

The master keeps, per distribution, the value of every cell sent (DistributedValues): the base of collect's
three-way merge. The department file keeps only an identity (master, distribution, fingerprint) on a hidden sheet.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kaikaku_xl.cycle.department import (
    DepartmentBook,
    DepartmentTable,
    build_department_workbook,
    department_guide,
)
from kaikaku_xl.errors import InputError, WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded, load
from kaikaku_xl.master.locate import LEDGER_KEYS, actual_rows, ledger_key, positions, status_rows
from kaikaku_xl.master.records import as_rows, cell_value, master_id, records, require_cycle_tables
from kaikaku_xl.metrics.items import running
from kaikaku_xl.plan import item_no
from kaikaku_xl.plan.numformat import number_format
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.typed import NotANumber, parse_number, whole_number

BLANK_LEDGER_ROWS = 10


STATUS_KEYS = ("status", "grade", "results", "issues", "next")


STAMP = "%Y-%m-%d %H:%M:%S"


@dataclass
class Sent:
    department: str
    path: Path
    distribution_id: str
    items: list[Any]  # item numbers (int or text)
    cells: int  # input cells the department fills


@dataclass
class DistributeResult:
    year: int
    sent: list[Sent] = field(default_factory=list)


def safe_file_name(text: str) -> str:
    """A department name usable as a file name on Windows."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._") or "担当課"


def _number_or_text(value: Any, unit: str | None) -> Any:
    try:
        return parse_number(value, unit)
    except NotANumber:
        return value


def closed_years(engine: Any) -> set[int]:
    return {y for r in records(engine, c.CLOSED_YEARS) if (y := whole_number(r["year"])) is not None}


def department_tables(
    loaded: Loaded, raw: dict[str, RawTable], department: str, year: int
) -> tuple[list[DepartmentTable], list[tuple[str, str, str, Any]], list[Any], int]:
    """The department's tables, the snapshot (table, row key, column, value) of every cell sent, its items,
    and how many cells it fills."""
    layout = loaded.layout
    items = loaded.inputs.items
    # the items the department leads that run this year (an item added mid-plan is not sent before its start)
    own = list(items.loc[(items["lead"] == department) & running(items, year), "item"])
    measures = loaded.inputs.measures[loaded.inputs.measures["item"].isin(own)]
    snapshot: list[tuple[str, str, str, Any]] = []
    actual_spec = layout.table(c.ACTUALS_TABLE)
    actual_table = raw[c.ACTUALS_TABLE]
    where = actual_rows(actual_table, loaded.inputs.measures)
    pos = positions(actual_table, actual_spec)
    actual_out = []
    for m in measures.itertuples():
        values = []
        for y in layout.years:
            i = where.get(m.measure_id)
            cell = actual_table.rows[i][pos[f"y{y}"]] if i is not None and f"y{y}" in pos else None
            value = cell_value(_number_or_text(cell, m.unit or None)) if y <= year else None
            values.append(value)
            if y <= year:
                snapshot.append((c.ACTUALS_TABLE, m.measure_id, f"y{y}", value))
        actual_out.append([m.item, m.name, m.unit, *values])
    status_table = raw[c.STATUS.name]
    spos = positions(status_table, c.STATUS)
    swhere = status_rows(status_table)
    titles = items.set_index("item")["title"]
    status_out, status_editable = [], set()
    for item in own:
        for y in [
            y for y in layout.plan_years if y <= year and running(items[items["item"] == item], y).all()
        ]:
            i = swhere.get((item, y))
            values = {
                k: cell_value(status_table.rows[i][spos[k]]) if i is not None and k in spos else None
                for k in STATUS_KEYS
            }
            if y == year:
                status_editable.add(len(status_out))
            status_out.append([item, titles.get(item, ""), y, *(values[k] for k in STATUS_KEYS)])
            snapshot.extend((c.STATUS.name, f"{item}/{y}", k, values[k]) for k in STATUS_KEYS)
    ledger_table = raw[c.LEDGER.name]
    lpos = positions(ledger_table, c.LEDGER)
    ledger_out, ledger_editable = [], set()
    for row in ledger_table.rows:
        values = {k: row[lpos[k]] if k in lpos else None for k in LEDGER_KEYS}
        item, y = item_no(values["item"]), whole_number(values["year"])
        if item not in own or y is None or y > year:
            continue
        values["amount"] = _number_or_text(values["amount"], "円")
        if y == year:
            ledger_editable.add(len(ledger_out))
        ledger_out.append([cell_value(values[k]) for k in LEDGER_KEYS])
        snapshot.append((c.LEDGER.name, str(y), "row", ledger_key(values)))
    for _ in range(BLANK_LEDGER_ROWS):
        ledger_editable.add(len(ledger_out))
        ledger_out.append([None] * len(LEDGER_KEYS))
    decimals = {m.measure_id: m.shown_decimals for m in loaded.plan.measures}
    tables = [
        DepartmentTable(
            actual_spec,
            actual_out,
            set(range(len(actual_out))),
            {f"y{year}"},
            [number_format(decimals.get(m.measure_id, 0)) for m in measures.itertuples()],
        ),
        DepartmentTable(c.STATUS, status_out, status_editable, set(STATUS_KEYS)),
        DepartmentTable(c.LEDGER, ledger_out, ledger_editable, set(LEDGER_KEYS)),
    ]
    cells = len(actual_out) + len(status_editable) * len(STATUS_KEYS)
    return tables, snapshot, own, cells


def fingerprint(
    master: str, distribution: str, department: str, year: int, snapshot: list[tuple[str, str, str, Any]]
) -> str:
    payload = json.dumps([master, distribution, department, year, snapshot], ensure_ascii=False, default=str)
    return "F" + hashlib.sha256(payload.encode()).hexdigest()[:15]  # a letter first: Excel keeps it text


def distribute(master: Path, out: Path, **options: Any) -> DistributeResult:
    """Write one department workbook per 主要担当課 into `out` and record the distribution in the master; the
    keyword options (year, due, contact, force, now, progress) are those of distribute_into."""
    engine = FileEngine(master)
    try:
        with engine.writing("配布"):
            return distribute_into(engine, out, **options)
    finally:
        engine.close()


def distribute_into(
    engine: Any,
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
    stamp = (now or datetime.now()).strftime(STAMP)
    raw = {name: engine.read_table(loaded.layout.table(name)) for name in c.DEPARTMENT_TABLES}
    info = records(engine, c.CYCLE_INFO)
    the_master = master_id(engine)
    if not the_master:
        the_master = "M" + uuid.uuid4().hex  # a letter first: Excel never reads it as a number
        info.append({"key": c.MASTER_ID_KEY, "value": the_master})
    distributions = records(engine, c.DISTRIBUTIONS)
    values = records(engine, c.DISTRIBUTED_VALUES)
    items = loaded.inputs.items
    departments = list(dict.fromkeys(str(d) for d in items.loc[running(items, year), "lead"] if str(d)))
    result = DistributeResult(year=year)
    scale = GradeScale.of(loaded.settings)
    books = []
    with progress.phase("配布ファイル作成", total=len(departments)) as phase:
        for department in departments:
            path = out / f"{year}年度_実績報告_{safe_file_name(department)}.xlsx"
            if path.exists() and not force:
                raise WorkbookError(f"{path} は既にあります。配布し直す場合は --force を付けてください。")
            tables, snapshot, own, cells = department_tables(loaded, raw, department, year)
            distribution_id = "D" + uuid.uuid4().hex[:11]
            print_ = fingerprint(the_master, distribution_id, department, year, snapshot)
            identity = {
                "master_id": the_master,
                "distribution_id": distribution_id,
                "department": department,
                "year": str(year),
                "distributed_at": stamp,
                "due": due,
                "fingerprint": print_,
            }
            n_measures = len(tables[0].rows)
            book = DepartmentBook(
                department,
                year,
                department_guide(loaded, department, year, due, contact, n_measures),
                tables,
                identity,
                own,
                scale.labels,
                scale.typed,
            )
            books.append((path, build_department_workbook(book)))
            distributions.append(
                {
                    "distribution_id": distribution_id,
                    "department": department,
                    "year": year,
                    "distributed_at": stamp,
                    "due": due,
                    "file": path.name,
                    "fingerprint": print_,
                }
            )
            values.extend(
                {"distribution_id": distribution_id, "table": t, "row_key": k, "column": col, "value": v}
                for t, k, col, v in snapshot
            )
            result.sent.append(Sent(department, path, distribution_id, own, cells))
            phase.step()
            phase.count("課", 1)
            phase.count("取組項目", len(own))
            phase.count("指標", n_measures)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        with progress.phase("書き込み", total=len(books) + 1) as phase:
            for path, wb in books:
                wb.save(path)
                written.append(path)
                phase.step()
            engine.write_table(c.CYCLE_INFO, as_rows(c.CYCLE_INFO, info))
            engine.write_table(c.DISTRIBUTIONS, as_rows(c.DISTRIBUTIONS, distributions))
            engine.write_table(c.DISTRIBUTED_VALUES, as_rows(c.DISTRIBUTED_VALUES, values))
            engine.commit()
            phase.step()
            phase.count("ファイル", len(written))
            phase.count("表", 3)  # the master's CycleInfo, Distributions, DistributedValues
    except BaseException:
        for path in written:  # a file the master has no record of could never be collected
            path.unlink(missing_ok=True)
        raise
    return result
