"""`kaikaku collect`: merge returned department workbooks into the master, cell by cell, three ways.

For each cell the department owns: the value sent (base, DistributedValues), the master now, the returned value.
Returned = base: nothing. Master = base: the returned value is applied. Master = returned: already there.
All three differ: a conflict (the master keeps its value unless prefer="returned"). Rows the department does not
own, and changed read-only cells, are refused. Every applied, conflicting and refused value is reported and
written to the change log, so nothing staff typed is lost. The master is written part by part (never saved by
openpyxl), atomically with a backup; when nothing changes it is not written at all. One file's merge is
merge.FileMerge, which reports into a MergeSink; this module runs the files in turn and writes the master and its
records once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from kaikaku_xl.cycle.department import Returned, read_returned
from kaikaku_xl.cycle.merge import FileMerge, MergeSink
from kaikaku_xl.cycle.target import MasterTarget, Ref
from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded, load
from kaikaku_xl.master.records import (
    ChangeLog,
    DistributedValue,
    Distribution,
    InfoEntry,
    cell_value,
    closed_years,
    comparable,
    master_id,
    read_records,
    require_cycle_tables,
    timestamp,
    write_records,
)
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.xlsx.engine import PatchingEngine
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
    """One collect run: the master's cycle records read once, the returned files merged in turn into them and
    into the master target, and everything written in one commit."""

    def __init__(self, engine: PatchingEngine, loaded: Loaded, prefer: str, now: str) -> None:
        self.engine = engine
        self.loaded = loaded
        self.now = now
        self.report = CollectReport()
        self.values = read_records(engine, DistributedValue)
        self.distributions = read_records(engine, Distribution)
        self.log = ChangeLog.read(engine, now)
        self.target = MasterTarget(engine, loaded)
        self.closed = closed_years(engine)
        self.id = master_id(read_records(engine, InfoEntry))
        self.records_changed = False  # 配布記録 or 配布時の値 changed
        report = self.report
        self.sink = MergeSink(
            report.applied, report.conflicts, report.refused, report.problems, self.log, self.target, prefer
        )

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
        """A returned file's tables, or why it cannot be read (refused in its turn by collect_file below)."""
        try:
            return read_returned(path, [self.loaded.layout.table(n) for n in c.DEPARTMENT_TABLES])
        except WorkbookError as exc:
            return exc

    def refusal(self, identity: dict[str, str], record: Distribution | None) -> str:
        """Why a returned file is refused whole ("" when it is this master's distribution of an open year)."""
        if not identity.get("master_id"):
            return "kaikaku distribute で配布したファイルではありません（配布情報がありません）。ファイル全体を取り込みません。"
        if identity["master_id"] != self.id:
            return "別のマスターワークブックから配布されたファイルです。ファイル全体を取り込みません。"
        if record is None:
            return "このマスターの配布記録にないファイルです。ファイル全体を取り込みません。"
        if (
            str(record.fingerprint) != identity.get("fingerprint")
            or str(record.department) != identity.get("department", "")
            or str(whole_number(record.year)) != identity.get("year")
        ):
            return "配布情報が配布記録と一致しません（別の年度・担当課、または改変されたファイル）。ファイル全体を取り込みません。"
        if (whole_number(record.year) or 0) in self.closed:
            return f"{identity.get('year')}年度は締められています。kaikaku reopen-year で解除してから回収してください。"
        return ""

    def collect_file(self, path: Path, returned: Returned | WorkbookError | None = None) -> None:
        returned = self.read_file(path) if returned is None else returned
        if isinstance(returned, WorkbookError):
            self.refuse_file(path, "", str(returned))
            return
        identity = returned.identity
        index = next(
            (
                n
                for n, d in enumerate(self.distributions)
                if str(d.distribution_id) == identity.get("distribution_id")
            ),
            None,
        )
        record = self.distributions[index] if index is not None else None
        why = self.refusal(identity, record)
        if why or index is None or record is None:  # (no record is a refusal)
            self.refuse_file(path, identity.get("department", ""), why)
            return
        merge = FileMerge(self.sink, self.loaded, returned, record, self._base(str(record.distribution_id)))
        merge.run()
        self.report.files.append(path.name)
        self._sync(merge)
        if not record.collected_at:
            self.distributions[index] = replace(record, collected_at=self.now, collected_file=path.name)
            self.records_changed = True

    def _base(self, distribution_id: str) -> dict[Ref, Any]:
        """The cells of a distribution as sent (or as last synchronised), as compared."""
        return {
            (str(v.table), str(v.row_key), str(v.column)): comparable(v.value)
            for v in self.values
            if str(v.distribution_id) == distribution_id
        }

    def _sync(self, merge: FileMerge) -> None:
        """The base becomes what both sides now agree on (a later file from the same department merges on it)."""
        for n, row in enumerate(self.values):
            if str(row.distribution_id) != merge.id:
                continue
            ref = (str(row.table), str(row.row_key), str(row.column))
            if ref in merge.synced and comparable(row.value) != merge.synced[ref]:
                self.values[n] = replace(row, value=cell_value(merge.synced[ref]))
                self.records_changed = True
        ledger = merge.ledger_synced
        if ledger is None:
            return
        year_key = str(merge.year)

        def ledger_base(row: DistributedValue) -> bool:
            return (
                str(row.distribution_id) == merge.id
                and row.table == c.LEDGER.name
                and str(row.row_key) == year_key
            )

        if sorted(str(r.value) for r in self.values if ledger_base(r)) != ledger:
            self.values = [r for r in self.values if not ledger_base(r)]
            self.values.extend(
                DistributedValue(merge.id, c.LEDGER.name, year_key, "row", key) for key in ledger
            )
            self.records_changed = True

    @property
    def pending(self) -> bool:
        """Something to write: when nothing changed the master is not written at all."""
        return bool(self.target.changed or self.records_changed or self.log.added)

    def commit(self) -> None:
        if not self.pending:
            return
        self.target.write()
        write_records(self.engine, Distribution, self.distributions)
        write_records(self.engine, DistributedValue, self.values)
        self.log.write(self.engine)
        self.engine.commit()
        self.report.written = True


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
    engine: PatchingEngine,
    files: list[Path],
    *,
    prefer: str = "master",
    now: datetime | None = None,
    progress: Progress = SILENT,
) -> CollectReport:
    """Collect through any engine with cell patching (the file engine; the open book for the 回収 action)."""
    require_cycle_tables(engine)
    loaded = load(engine, progress)
    run = Collect(engine, loaded, prefer, timestamp(now))
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
            phase.count("変更履歴", run.log.added)
            run.commit()
    return run.report
