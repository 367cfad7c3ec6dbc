"""`kaikaku collect`: merge returned department workbooks into the master, cell by cell, three ways.

For each cell the department owns: the value sent (base, DistributedValues), the master now, the returned value.
Returned = base: nothing. Master = base: the returned value is applied. Master = returned: already there.
All three differ: a conflict (the master keeps its value unless prefer="returned"). Rows the department does not
own, and changed read-only cells, are refused. Every applied, conflicting and refused value is reported and
written to the change log, so nothing staff typed is lost. The master is written part by part (never saved by
openpyxl), atomically with a backup; when nothing changes it is not written at all. One file's merge is
collect_file.FileMerge; this module runs the files in turn and writes the master and its records once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kaikaku_xl.cycle.department import Returned, read_returned
from kaikaku_xl.cycle.distribute import STAMP, closed_years
from kaikaku_xl.cycle.merge import FileMerge
from kaikaku_xl.cycle.target import MasterTarget
from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded, load
from kaikaku_xl.master.records import (
    as_rows,
    cell_value,
    comparable,
    master_id,
    records,
    require_cycle_tables,
)
from kaikaku_xl.plan import item_no
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.typed import whole_number


@dataclass
class CollectReport:
    applied: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    written: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "conflicts": self.conflicts,
            "refused": self.refused,
            "problems": self.problems,
            "files": self.files,
            "written": self.written,
        }

    @property
    def clean(self) -> bool:
        return not self.refused and not any(not x["resolved"] for x in self.conflicts)


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
        return tuple(
            str(cell_value(row.get(k)) if row.get(k) is not None else "")
            for k in ("kind", "department", "file", "sheet", "cell", "old", "new", "note")
        )

    def log(
        self, kind: str, department: str, file: str, sheet: str, cell: str, old: Any, new: Any, note: str
    ) -> None:
        """One change-log row; a refusal or conflict already logged identically is not logged again."""
        row = {
            "time": self.now,
            "kind": kind,
            "department": department,
            "file": file,
            "sheet": sheet,
            "cell": cell,
            "old": cell_value(old),
            "new": cell_value(new),
            "note": note,
        }
        key = self._log_key(row)
        if kind != c.LOG_APPLIED and key in self._logged:
            return
        self._logged.add(key)
        self.log_rows.append(row)
        self.new_log += 1

    def refuse_file(self, path: Path, department: str, why: str) -> None:
        """A whole file refused: reported, the master unchanged (the file itself keeps every value typed)."""
        self.report.refused.append(
            {
                "department": department,
                "file": path.name,
                "sheet": "",
                "cell": "",
                "value": None,
                "reason": why,
            }
        )

    def read_file(self, path: Path) -> Returned | WorkbookError:
        """A returned file's tables, or why it cannot be read (refused in its turn by collect_file)."""
        try:
            return read_returned(path, [self.loaded.layout.table(n) for n in c.DEPARTMENT_TABLES])
        except WorkbookError as exc:
            return exc

    def collect_file(self, path: Path, returned: Returned | WorkbookError | None = None) -> None:
        returned = self.read_file(path) if returned is None else returned
        if isinstance(returned, WorkbookError):
            self.refuse_file(path, "", str(returned))
            return
        ident = returned.identity
        department = ident.get("department", "")
        record = next(
            (d for d in self.distributions if str(d["distribution_id"]) == ident.get("distribution_id")), None
        )
        if not ident.get("master_id"):
            why = "kaikaku distribute で配布したファイルではありません（配布情報がありません）。ファイル全体を取り込みません。"
        elif ident["master_id"] != self.id:
            why = "別のマスターワークブックから配布されたファイルです。ファイル全体を取り込みません。"
        elif record is None:
            why = "このマスターの配布記録にないファイルです。ファイル全体を取り込みません。"
        elif (
            str(record["fingerprint"]) != ident.get("fingerprint")
            or str(record["department"]) != department
            or str(whole_number(record["year"])) != ident.get("year")
        ):
            why = "配布情報が配布記録と一致しません（別の年度・担当課、または改変されたファイル）。ファイル全体を取り込みません。"
        elif (whole_number(record["year"]) or 0) in self.closed:
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
            if ref in merge.synced and comparable(row["value"]) != merge.synced[ref]:
                row["value"] = cell_value(merge.synced[ref])
                self.target.touched_records = True
        ledger = getattr(merge, "ledger_synced", None)
        if ledger is None:
            return
        year_key = str(merge.year)
        old = sorted(
            str(r["value"])
            for r in self.values
            if str(r["distribution_id"]) == merge.id
            and r["table"] == c.LEDGER.name
            and str(r["row_key"]) == year_key
        )
        if old != ledger:
            self.values = [
                r
                for r in self.values
                if not (
                    str(r["distribution_id"]) == merge.id
                    and r["table"] == c.LEDGER.name
                    and str(r["row_key"]) == year_key
                )
            ]
            self.values.extend(
                {
                    "distribution_id": merge.id,
                    "table": c.LEDGER.name,
                    "row_key": year_key,
                    "column": "row",
                    "value": key,
                }
                for key in ledger
            )
            self.target.touched_records = True

    @property
    def pending(self) -> bool:
        """Something to write: when nothing changed the master is not written at all."""
        return bool(self.target.changed or self.target.touched_records or self.new_log)

    def commit(self) -> None:
        if not self.pending:
            return
        self.target.write()
        engine = self.engine
        engine.write_table(c.DISTRIBUTIONS, as_rows(c.DISTRIBUTIONS, self.distributions))
        engine.write_table(c.DISTRIBUTED_VALUES, as_rows(c.DISTRIBUTED_VALUES, self.values))
        write_change_log(engine, self.log_rows)
        engine.commit()
        self.report.written = True


def write_change_log(engine: FileEngine, rows: list[dict[str, Any]]) -> None:
    from kaikaku_xl.master.titles import TITLES

    engine.write_table(c.CHANGE_LOG, as_rows(c.CHANGE_LOG, rows))
    heading, note = TITLES[c.CHANGE_LOG.name]
    engine.write_cells(c.CHANGE_LOG.sheet, {"A1": heading, "A2": note})


def collect(
    master: Path,
    paths: list[Path],
    *,
    prefer: str = "master",
    now: datetime | None = None,
    progress: Progress = SILENT,
) -> CollectReport:
    """progress: the 読み込み / 返送ファイルの読み込み / 照合 / 書き込み lines for the command line."""
    files = returned_files(paths)
    engine = FileEngine(master)
    try:
        with engine.writing("回収"):  # one writer at a time: read, merge and replace under the master's lock
            return collect_into(engine, files, prefer=prefer, now=now, progress=progress)
    finally:
        engine.close()


def collect_into(
    engine: Any,
    files: list[Path],
    *,
    prefer: str = "master",
    now: datetime | None = None,
    progress: Progress = SILENT,
) -> CollectReport:
    """Collect through any engine with cell patching (the file engine; the open book for the 回収 action)."""
    require_cycle_tables(engine)
    loaded = load(engine, progress)
    run = Collect(engine, loaded, prefer, (now or datetime.now()).strftime(STAMP))
    if not run.id:
        raise WorkbookError("このマスターからはまだ配布していません（kaikaku distribute）。")
    with progress.phase("返送ファイルの読み込み", total=len(files)) as phase:
        returned = []
        for path in files:
            returned.append(run.read_file(path))
            phase.step()
        phase.count("ファイル", len(files))
    with progress.phase("照合", total=len(files)) as phase:
        for path, one in zip(files, returned, strict=True):  # in the order given: the report's order
            run.collect_file(path, one)
            phase.step()
        report = run.report
        for label, entries in (
            ("ファイル", files),
            ("件適用", report.applied),
            ("件競合", report.conflicts),
            ("件拒否", report.refused),
        ):
            phase.count(label, len(entries))
    if run.pending:
        with progress.phase("書き込み") as phase:
            phase.count("セル", sum(len(cells) for cells in run.target.patches.values()))
            phase.count("変更履歴", run.new_log)
            run.commit()
    return run.report
