"""`kaikaku collect`: merge returned department workbooks into the master, cell by cell, three ways.

For each cell the department owns: the value sent (base, DistributedValues), the master now, the returned value.
Returned = base: nothing. Master = base: the returned value is applied. Master = returned: already there.
All three differ: a conflict (the master keeps its value unless prefer="returned"). Rows the department does not
own, and changed read-only cells, are refused. Every applied, conflicting and refused value is reported and
written to the change log, so nothing staff typed is lost. The master is written part by part (never saved by
openpyxl), atomically with a backup; when nothing changes it is not written at all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..plan import ItemNo, item_no
from ..workbook import contract as c
from ..workbook.department import Returned, read_returned
from ..workbook.engine import RawTable, WorkbookError
from ..workbook.headless import FileEngine
from ..workbook.inputs import ERROR, NotANumber, Reader, _int, _key, parse_number, runs_in
from .cycle import (
    LEDGER_KEYS,
    as_rows,
    ledger_key,
    ledger_values,
    master_id,
    norm,
    positions,
    records,
    require_cycle_tables,
    shown,
)
from .distribute import STAMP, STATUS_KEYS, closed_years
from .load import Loaded, load
from .merge_target import MasterTarget


@dataclass
class CollectReport:
    applied: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    written: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"applied": self.applied, "conflicts": self.conflicts, "refused": self.refused,
                "problems": self.problems, "files": self.files, "written": self.written}

    @property
    def clean(self) -> bool:
        return not self.refused and not any(not x["resolved"] for x in self.conflicts)


def _reader_measures(loaded: Loaded) -> Any:
    return loaded.reader_measures if loaded.reader_measures is not None else loaded.inputs.measures


def returned_files(paths: list[Path]) -> list[Path]:
    """Files given, and the .xlsx files of folders given (Excel's ~$ lock files and hidden files skipped)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.glob("*.xlsx") if not p.name.startswith(("~$", ".", "#"))))
        elif path.exists():
            out.append(path)
        else:
            raise WorkbookError(f"ファイルが見つかりません: {path}")
    return out


class FileMerge:
    """The merge of one returned file into the master target."""

    def __init__(self, collect: Collect, returned: Returned, distribution: dict[str, Any]) -> None:
        self.c = collect
        self.returned = returned
        self.department = str(distribution["department"])
        self.year = int(_int(distribution["year"]) or 0)
        self.id = str(distribution["distribution_id"])
        self.file = returned.path.name
        self.base = {(v["table"], str(v["row_key"]), str(v["column"])): norm(v["value"])
                     for v in collect.values if str(v["distribution_id"]) == self.id}
        self.synced: dict[tuple[str, str, str], Any] = {}
        self.errors: dict[tuple[str, str], str] = {}

    # -- reporting --------------------------------------------------------------------------------------
    def _entry(self, sheet: str, cell: str, **extra: Any) -> dict[str, Any]:
        return {"department": self.department, "file": self.file, "sheet": sheet, "cell": cell, **extra}

    def refuse(self, table: RawTable, i: int, j: int, value: Any, why: str) -> None:
        cell = table.address(i, j)
        self.c.report.refused.append(self._entry(table.sheet, cell, value=shown(value), reason=why))
        self.c.log(c.LOG_REFUSED, self.department, self.file, table.sheet, cell, None, value, why)

    def refuse_row(self, table: RawTable, i: int, raw: list[Any], why: str, columns: list[int]) -> None:
        for j in columns:
            if norm(raw[j]) is not None:
                self.refuse(table, i, j, raw[j], why)

    def three_way(self, ref: tuple[str, str, str], returned: Any, table: RawTable, i: int, j: int,
                  master_value: Any, apply: Any) -> None:
        """Merge one owned cell; `apply(value)` writes it to the master and returns (sheet, cell)."""
        base, theirs, mine = self.base.get(ref), norm(returned), norm(master_value)
        where = f"{table.sheet}!{table.address(i, j)}"
        if theirs == base or theirs == mine:
            if theirs == mine:
                self.synced[ref] = theirs
            return
        if mine == base or self.c.prefer == "returned":
            sheet, cell = apply(shown(theirs))
            self.synced[ref] = theirs
            entry = self._entry(sheet, cell, old=shown(mine), new=shown(theirs), source=where)
            if mine != base:
                self.c.report.conflicts.append({**entry, "master": shown(mine), "returned": shown(theirs),
                                                "kept": "returned", "resolved": True})
                self.c.log(c.LOG_CONFLICT, self.department, self.file, sheet, cell, mine, theirs,
                           f"返送された値を採用しました（{where}、--prefer returned）")
            self.c.report.applied.append(entry)
            self.c.log(c.LOG_APPLIED, self.department, self.file, sheet, cell, mine, theirs, f"取込元 {where}")
            return
        sheet, cell = self.c.target.address(ref)
        self.c.report.conflicts.append(self._entry(sheet, cell, master=shown(mine), returned=shown(theirs),
                                                   base=shown(base), source=where, kept="master", resolved=False))
        self.c.log(c.LOG_CONFLICT, self.department, self.file, sheet, cell, mine, theirs,
                   f"配布後にマスターでも変更されていたため、マスターの値を残しました（返送: {where}）")

    # -- the three tables ---------------------------------------------------------------------------------
    def validate(self) -> None:
        """The master's checks on the returned tables; errors name the department file's sheet and cell."""
        reader = Reader()
        loaded = self.c.loaded
        items = loaded.inputs.items
        tables = self.returned.tables
        if "Actuals" in tables:
            reader.yearly(tables["Actuals"], loaded.layout.table("Actuals"), _reader_measures(loaded),
                          loaded.layout.years, "actual", required=False)
        if c.STATUS.name in tables:
            reader.status(tables[c.STATUS.name], items, loaded.layout.plan_years)
        if c.LEDGER.name in tables:
            reader.ledger(tables[c.LEDGER.name], items, loaded.layout.plan_years)
        for p in reader.problems:
            self.c.report.problems.append(self._entry(p.sheet, p.cell, severity=p.severity, message=p.message,
                                                      action=p.action))
            if p.severity == ERROR and p.cell:
                self.errors[(p.sheet, p.cell)] = p.message

    def owner(self, item: ItemNo | None) -> str | None:
        leads = self.c.leads
        return leads.get(item) if item is not None else None

    def refuse_foreign(self, table: RawTable, i: int, raw: list[Any], typed_item: Any, item: ItemNo | None,
                       columns: list[int]) -> bool:
        """Refuse a row whose item the master lacks or another department leads; True when refused."""
        owner = self.owner(item)
        if owner is None:
            self.refuse_row(table, i, raw, f"取組項目 No「{shown(typed_item)}」はマスターにありません。", columns)
        elif owner != self.department:
            self.refuse_row(table, i, raw, f"No.{item} は{owner}の取組項目です（このファイルは{self.department}）。",
                            columns)
        else:
            return False
        return True

    def actuals(self, table: RawTable) -> None:
        spec = self.c.loaded.layout.table("Actuals")
        pos = positions(table, spec)
        if "item" not in pos or "name" not in pos:
            return
        lookup = {(m.item, _key(m.name)): m for m in self.c.loaded.inputs.measures.itertuples()}
        year_cols = {y: pos[f"y{y}"] for y in self.c.loaded.layout.years if f"y{y}" in pos}
        seen: set[str] = set()
        for i, raw in enumerate(table.rows):
            measure = lookup.get((item_no(raw[pos["item"]]), _key(raw[pos["name"]])))  # type: ignore[arg-type]
            columns = list(year_cols.values())
            if measure is None:
                self.refuse_row(table, i, raw, f"No「{shown(raw[pos['item']])}」「{shown(raw[pos['name']])}」の指標は"
                                "マスターにありません。", columns)
                continue
            if measure.lead != self.department:
                self.refuse_row(table, i, raw, f"No.{measure.item}「{measure.name}」は{measure.lead}の指標です"
                                f"（このファイルは{self.department}）。", columns)
                continue
            if measure.measure_id in seen:
                self.refuse_row(table, i, raw, f"No.{measure.item}「{measure.name}」の行が重複しています。", columns)
                continue
            seen.add(measure.measure_id)
            for y, j in year_cols.items():
                ref = ("Actuals", measure.measure_id, f"y{y}")
                message = self.errors.get((table.sheet, table.address(i, j)))
                if message:
                    self.refuse(table, i, j, raw[j], message)
                    continue
                value = self.c.reader_number(raw[j], measure)
                if y != self.year:
                    if norm(value) != self.base.get(ref):
                        self.refuse(table, i, j, raw[j], f"{y}年度は配布した年度（{self.year}年度）ではないため、"
                                    "取り込みません（読み取り専用のセル）。")
                    continue
                self.three_way(ref, value, table, i, j, self.c.target.value(ref),
                               lambda v, ref=ref: self.c.target.set(ref, v))

    def status(self, table: RawTable) -> None:
        pos = positions(table, c.STATUS)
        if "item" not in pos or "year" not in pos:
            return
        columns = [pos[k] for k in STATUS_KEYS if k in pos]
        seen: set[tuple[ItemNo, int]] = set()
        for i, raw in enumerate(table.rows):
            item, year = item_no(raw[pos["item"]]), _int(raw[pos["year"]])
            if self.refuse_foreign(table, i, raw, raw[pos["item"]], item, columns):
                continue
            if year is not None and not runs_in(self.c.loaded.inputs.items, item, year):
                self.refuse_row(table, i, raw, f"No.{item} は {year}年度には実施しない項目です（開始・終了年度）。", columns)
                continue
            if (item, year) in seen:  # type: ignore[comparison-overlap]
                self.refuse_row(table, i, raw, f"No.{item} {year}年度の行が重複しています。", columns)
                continue
            seen.add((item, year))  # type: ignore[arg-type]
            for key in STATUS_KEYS:
                if key not in pos:
                    continue
                j = pos[key]
                ref = (c.STATUS.name, f"{item}/{year}", key)
                message = self.errors.get((table.sheet, table.address(i, j)))
                if message:
                    self.refuse(table, i, j, raw[j], message)
                    continue
                if year != self.year:
                    if norm(raw[j]) != self.base.get(ref):
                        self.refuse(table, i, j, raw[j], f"{year}年度は配布した年度（{self.year}年度）ではないため、"
                                    "取り込みません（読み取り専用のセル）。")
                    continue
                self.three_way(ref, raw[j], table, i, j, self.c.target.value(ref),
                               lambda v, ref=ref: self.c.target.set(ref, v))

    def ledger(self, table: RawTable) -> None:
        pos = positions(table, c.LEDGER)
        if any(k not in pos for k in LEDGER_KEYS):
            return
        columns = [pos[k] for k in LEDGER_KEYS]
        theirs: list[str] = []
        where: dict[str, str] = {}
        base_rows = Counter(v for (t, _k, _col), v in self.base.items() if t == c.LEDGER.name)
        for i, raw in enumerate(table.rows):
            values = {k: raw[pos[k]] for k in LEDGER_KEYS}
            item, year = item_no(values["item"]), _int(values["year"])
            if self.refuse_foreign(table, i, raw, values["item"], item, columns):
                continue
            bad = [m for j in columns if (m := self.errors.get((table.sheet, table.address(i, j))))]
            if bad:
                self.refuse_row(table, i, raw, bad[0], columns)
                continue
            try:
                values["amount"] = parse_number(values["amount"], "円")
            except NotANumber:
                pass
            key = ledger_key(values)
            if year != self.year:
                if base_rows[key] == 0:
                    self.refuse_row(table, i, raw, f"{year}年度は配布した年度（{self.year}年度）ではないため、"
                                    "取り込みません。", columns)
                continue
            theirs.append(key)
            where[key] = f"{table.sheet}!{table.address(i, pos['item'])}"
        base = Counter(v for (t, k, _col), v in self.base.items() if t == c.LEDGER.name and k == str(self.year))
        wanted = Counter(theirs)
        target = self.c.target
        for key, n in (wanted - base).items():
            for _ in range(n - max(0, target.ledger_count(key) - base[key])):
                sheet, cell = target.add_ledger(key)
                self.c.report.applied.append(self._entry(sheet, cell, old=None, new=ledger_values(key),
                                                         source=where[key]))
                self.c.log(c.LOG_APPLIED, self.department, self.file, sheet, cell, None, key,
                           f"効果額台帳に行を追加（取込元 {where[key]}）")
        for key, n in (base - wanted).items():
            for _ in range(min(n, target.ledger_count(key))):
                sheet, cell = target.remove_ledger(key)
                self.c.report.applied.append(self._entry(sheet, cell, old=ledger_values(key), new=None,
                                                         source=self.file))
                self.c.log(c.LOG_APPLIED, self.department, self.file, sheet, cell, key, None,
                           "担当課が削除した効果額台帳の行を空欄にしました")
        self.ledger_synced = sorted(wanted.elements())

    def run(self) -> None:
        self.validate()
        tables = self.returned.tables
        for name, step in (("Actuals", self.actuals), (c.STATUS.name, self.status), (c.LEDGER.name, self.ledger)):
            if name in tables:
                step(tables[name])
            else:
                spec = self.c.loaded.layout.table(name)
                self.c.report.refused.append(self._entry(spec.sheet, "", value=None,
                                                         reason=f"シート「{spec.sheet}」の表が見つかりません（列見出しを変えていませんか）。"))


class Collect:
    def __init__(self, engine: FileEngine, loaded: Loaded, prefer: str, now: str) -> None:
        self.engine = engine
        self.loaded = loaded
        self.prefer = prefer
        self.now = now
        self.report = CollectReport()
        self.values = records(engine, c.DISTRIBUTED_VALUES)
        self.distributions = records(engine, c.DISTRIBUTIONS)
        self.log_rows = records(engine, c.CHANGE_LOG)
        self._logged = {self._log_key(r) for r in self.log_rows}
        self.new_log = 0
        self.leads = {item_no(r.item): str(r.lead) for r in loaded.inputs.items.itertuples()}
        self.target = MasterTarget(engine, loaded)
        self.closed = closed_years(engine)
        self.id = master_id(engine)

    @staticmethod
    def _log_key(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(str(shown(row.get(k)) if row.get(k) is not None else "") for k in
                     ("kind", "department", "file", "sheet", "cell", "old", "new", "note"))

    def log(self, kind: str, department: str, file: str, sheet: str, cell: str, old: Any, new: Any,
            note: str) -> None:
        """One change-log row; a refusal or conflict already logged identically is not logged again."""
        row = {"time": self.now, "kind": kind, "department": department, "file": file, "sheet": sheet,
               "cell": cell, "old": shown(old), "new": shown(new), "note": note}
        key = self._log_key(row)
        if kind != c.LOG_APPLIED and key in self._logged:
            return
        self._logged.add(key)
        self.log_rows.append(row)
        self.new_log += 1

    def reader_number(self, value: Any, measure: Any) -> Any:
        """A returned actual as the master's reader reads it (unit words, 万, commas, % as points): the same
        Reader, on a one-row table, so a change to how the master reads numbers reaches collect too."""
        if norm(value) is None:
            return None
        reader = Reader()
        spec = self.loaded.layout.table("Actuals")
        one = RawTable("x", spec.headers, [[measure.item, measure.name, measure.unit,
                                        *([value] + [None] * (len(self.loaded.layout.years) - 1))]], 1, 1)
        measures = _reader_measures(self.loaded)
        frame = reader.yearly(one, spec, measures[measures["measure_id"] == measure.measure_id],
                              self.loaded.layout.years, "actual",
            required=False)
        return float(frame["actual"].iloc[0]) if len(frame) else value

    def refuse_file(self, path: Path, department: str, why: str) -> None:
        """A whole file refused: reported, the master unchanged (the file itself keeps every value typed)."""
        self.report.refused.append({"department": department, "file": path.name, "sheet": "", "cell": "",
                                    "value": None, "reason": why})

    def collect_file(self, path: Path) -> None:
        spec_names = [self.loaded.layout.table(n) for n in c.DEPARTMENT_TABLES]
        try:
            returned = read_returned(path, spec_names)
        except WorkbookError as exc:
            self.refuse_file(path, "", str(exc))
            return
        ident = returned.identity
        department = ident.get("department", "")
        record = next((d for d in self.distributions if str(d["distribution_id"]) == ident.get("distribution_id")),
                      None)
        if not ident.get("master_id"):
            why = "kaikaku distribute で配布したファイルではありません（配布情報がありません）。ファイル全体を取り込みません。"
        elif ident["master_id"] != self.id:
            why = "別のマスターワークブックから配布されたファイルです。ファイル全体を取り込みません。"
        elif record is None:
            why = "このマスターの配布記録にないファイルです。ファイル全体を取り込みません。"
        elif (str(record["fingerprint"]) != ident.get("fingerprint") or str(record["department"]) != department
              or str(_int(record["year"])) != ident.get("year")):
            why = "配布情報が配布記録と一致しません（別の年度・担当課、または改変されたファイル）。ファイル全体を取り込みません。"
        elif (_int(record["year"]) or 0) in self.closed:
            why = f"{ident.get('year')}年度は締められています。kaikaku reopen-year で解除してから回収してください。"
        else:
            why = ""
        if why:
            self.refuse_file(path, department, why)
            return
        merge = FileMerge(self, returned, record)  # type: ignore[arg-type]
        merge.run()
        self.report.files.append(path.name)
        self._sync(merge)
        if not record.get("collected_at"):  # type: ignore[union-attr]
            record["collected_at"] = self.now  # type: ignore[index]
            record["collected_file"] = path.name  # type: ignore[index]
            self.target.touched_records = True

    def _sync(self, merge: FileMerge) -> None:
        """The base becomes what both sides now agree on (a later file from the same department merges on it)."""
        for row in self.values:
            if str(row["distribution_id"]) != merge.id:
                continue
            ref = (row["table"], str(row["row_key"]), str(row["column"]))
            if ref in merge.synced and norm(row["value"]) != merge.synced[ref]:
                row["value"] = shown(merge.synced[ref])
                self.target.touched_records = True
        ledger = getattr(merge, "ledger_synced", None)
        if ledger is None:
            return
        year_key = str(merge.year)
        old = sorted(str(r["value"]) for r in self.values if str(r["distribution_id"]) == merge.id
                     and r["table"] == c.LEDGER.name and str(r["row_key"]) == year_key)
        if old != ledger:
            self.values = [r for r in self.values if not (str(r["distribution_id"]) == merge.id and
                                                          r["table"] == c.LEDGER.name and str(r["row_key"]) == year_key)]
            self.values.extend({"distribution_id": merge.id, "table": c.LEDGER.name, "row_key": year_key,
                                "column": "row", "value": key} for key in ledger)
            self.target.touched_records = True

    def commit(self) -> None:
        if not (self.target.changed or self.target.touched_records or self.new_log):
            return
        self.target.write()
        engine = self.engine
        engine.write_table(c.DISTRIBUTIONS, as_rows(c.DISTRIBUTIONS, self.distributions))
        engine.write_table(c.DISTRIBUTED_VALUES, as_rows(c.DISTRIBUTED_VALUES, self.values))
        write_change_log(engine, self.log_rows)
        engine.commit()
        self.report.written = True


def write_change_log(engine: FileEngine, rows: list[dict[str, Any]]) -> None:
    from ..workbook.titles import TITLES

    engine.write_table(c.CHANGE_LOG, as_rows(c.CHANGE_LOG, rows))
    heading, note = TITLES[c.CHANGE_LOG.name]
    engine.write_cells(c.CHANGE_LOG.sheet, {"A1": heading, "A2": note})


def collect(master: Path, paths: list[Path], *, prefer: str = "master", now: datetime | None = None) -> CollectReport:
    files = returned_files(paths)
    engine = FileEngine(master)
    try:
        with engine.writing("回収"):  # one writer at a time: read, merge and replace under the master's lock
            return collect_into(engine, files, prefer=prefer, now=now)
    finally:
        engine.close()


def collect_into(engine: Any, files: list[Path], *, prefer: str = "master", now: datetime | None = None
                 ) -> CollectReport:
    """Collect through any engine with cell patching (the file engine; the open book for the 回収 action)."""
    require_cycle_tables(engine)
    loaded = load(engine)
    run = Collect(engine, loaded, prefer, (now or datetime.now()).strftime(STAMP))
    if not run.id:
        raise WorkbookError("このマスターからはまだ配布していません（kaikaku distribute）。")
    for path in files:
        run.collect_file(path)
    run.commit()
    return run.report
