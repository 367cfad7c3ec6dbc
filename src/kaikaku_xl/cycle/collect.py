"""`kaikaku collect`: merge returned department workbooks into the master, cell by cell, three ways.

For each cell the department owns: the value sent (base, DistributedValues), the master now, the returned value.
Returned = base: nothing. Master = base: the returned value is applied. Master = returned: already there.
All three differ: a conflict (the master keeps its value unless prefer="returned"). A later, different file of a
distribution already collected (a stale copy, another copy) is a conflict too (merge.py). Rows the department does not
own, and changed read-only cells, are refused. Every applied, conflicting and refused value is reported and
written to the change log, so nothing staff typed is lost. The master is written part by part (never saved by
openpyxl), atomically with a backup; when nothing changes it is not written at all. One file's merge is
merge.FileMerge, which reports into a MergeSink; this module runs the files in turn and writes the master and its
records once.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from kaikaku_xl.cycle.accept import read_acceptances, recollected
from kaikaku_xl.cycle.inbox import ODS, convert_ods, list_returned
from kaikaku_xl.cycle.merge import Earlier, FileMerge, MergeSink, missing_columns
from kaikaku_xl.cycle.returned import Returned, Signature, read_returned
from kaikaku_xl.cycle.target import MasterTarget, Ref
from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.inputs import OPINIONS
from kaikaku_xl.master.load import Loaded, load
from kaikaku_xl.master.records import (
    KEYED,
    Acceptance,
    ChangeLog,
    DistributedValue,
    Distribution,
    InfoEntry,
    cell_value,
    closed_years,
    comparable,
    keyed_fingerprint,
    known_secret,
    master_id,
    read_records,
    require_cycle_tables,
    timestamp,
    write_records,
)
from kaikaku_xl.problems import WARNING
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.xlsx.engine import PatchingEngine
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.safezip import not_a_regular_file
from kaikaku_xl.xlsx.typed import whole_number

SENT_ROW, LEDGER_ROW = "sent", "row"  # the ledger's base rows in 配布時の値: as sent, as last agreed


@dataclass
class CollectReport:
    applied: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    written: bool = False
    skipped: list[dict[str, Any]] = field(
        default_factory=list
    )  # files not taken: file, reason, action, blocking

    def as_dict(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "conflicts": self.conflicts,
            "refused": self.refused,
            "problems": self.problems,
            "files": self.files,
            "written": self.written,
            "skipped": self.skipped,
        }

    @property
    def clean(self) -> bool:
        return (
            not self.refused
            and not any(not x["resolved"] for x in self.conflicts)
            and not any(s["blocking"] for s in self.skipped)
        )


def returned_files(paths: list[Path]) -> list[Path]:
    """The files collect takes from the files and folders given (inbox.list_returned says why others are not)."""
    return list_returned(paths).files


class Collect:
    """One collect run: the master's cycle records read once, the returned files merged in turn into them and
    into the master target, and everything written in one commit."""

    def __init__(self, engine: PatchingEngine, loaded: Loaded, prefer: str, now: str, workdir: Path) -> None:
        self.engine = engine
        self.loaded = loaded
        self.now = now
        self.workdir = workdir  # where .ods files are converted (removed after the run)
        self.report = CollectReport()
        self.values = read_records(engine, DistributedValue)
        self.distributions = read_records(engine, Distribution)
        self.log = ChangeLog.read(engine, now)
        self.target = MasterTarget(engine, loaded)
        self.closed = closed_years(engine)
        info = read_records(engine, InfoEntry)
        self.id = master_id(info)
        self.secret = known_secret(info)
        self.records_changed = False  # 配布記録 or 配布時の値 changed
        self.acceptances = read_acceptances(
            engine
        )  # 確定記録: a new return re-opens a 確定 (cycle/accept.py)
        self.acceptances_changed = False
        report = self.report
        self.sink = MergeSink(
            report.applied, report.conflicts, report.refused, report.problems, self.log, self.target, prefer
        )

    def refuse_file(self, name: str, department: str, why: str, sheet: str = "", cell: str = "") -> None:
        """A whole file (or a cell outside its tables) refused: reported, the master unchanged (the file itself
        keeps every value typed)."""
        self.report.refused.append(
            {
                "department": department,
                "file": name,
                "sheet": sheet,
                "cell": cell,
                "value": None,
                "value_text": "",
                "reason": why,
            }
        )

    def read_file(self, path: Path) -> Returned | WorkbookError:
        """A returned file's tables, or why it cannot be read (refused in its turn by collect_file below)."""
        specs = [
            self.loaded.layout.table(n) for n in (*c.DEPARTMENT_TABLES, OPINIONS.name)
        ]  # (懇談会意見: optional)
        try:
            if path.suffix.lower() == ODS:
                return read_returned(convert_ods(path, self.workdir), specs, name=path.name)
            return read_returned(path, specs)
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
        print_ = identity.get("fingerprint", "")
        if (
            str(record.fingerprint) != print_
            or str(record.department) != identity.get("department", "")
            or str(whole_number(record.year)) != identity.get("year")
            or (print_.startswith(KEYED) and print_ != self._keyed(record))
        ):
            return "配布情報が配布記録と一致しません（別の年度・担当課、または改変されたファイル）。ファイル全体を取り込みません。"
        if (whole_number(record.year) or 0) in self.closed:
            return f"{identity.get('year')}年度は締められています。kaikaku reopen-year で解除してから回収してください。"
        return ""

    def _keyed(self, record: Distribution) -> str:
        """The fingerprint only this master's secret makes for a distribution ("" without a secret)."""
        if not self.secret:
            return ""
        year = whole_number(record.year) or 0
        return keyed_fingerprint(
            self.secret, self.id, str(record.distribution_id), str(record.department), year
        )

    def _note_unkeyed(self, name: str, identity: dict[str, str]) -> None:
        """A file distributed before the master had a secret: accepted (its record matches), with a note."""
        if identity.get("fingerprint", "").startswith(KEYED):
            return
        self.report.problems.append(
            {
                "department": identity.get("department", ""),
                "file": name,
                "sheet": c.IDENTITY.sheet,
                "cell": "",
                "severity": WARNING,
                "message": "鍵付きの配布情報を導入する前に配布したファイルです（配布記録と一致したため取り込みます）。",
                "action": "次の配布からは、マスターの鍵で署名した配布情報が付きます。",
            }
        )

    def _record(self, identity: dict[str, str]) -> int | None:
        wanted = identity.get("distribution_id")
        return next((n for n, d in enumerate(self.distributions) if str(d.distribution_id) == wanted), None)

    def collect_file(self, path: Path, returned: Returned | WorkbookError | None = None) -> None:
        returned = self.read_file(path) if returned is None else returned
        if isinstance(returned, WorkbookError):
            self.refuse_file(path.name, "", str(returned))
            return
        identity, name = returned.identity, returned.name
        index = self._record(identity)
        record = self.distributions[index] if index is not None else None
        why = self.refusal(identity, record)
        if why or index is None or record is None:  # (no record is a refusal)
            self.refuse_file(name, identity.get("department", ""), why)
            return
        missing = missing_columns(self.loaded, returned)
        for sheet, reason in missing:
            self.refuse_file(
                name, str(record.department), reason + "このファイルは取り込んでいません。", sheet
            )
        if missing:
            return
        for sheet, cell in returned.beyond:
            self.refuse_file(
                name,
                str(record.department),
                f"表から遠く離れたセル（{cell}）に値があります。表の外の値は取り込みません。",
                sheet,
                cell,
            )
        self._note_unkeyed(name, identity)
        distribution_id = str(record.distribution_id)
        base, earlier = self._base(distribution_id)
        if record.collected_at:
            earlier.file = f"{record.collected_file}（{record.collected_at} 回収）"
        merge = FileMerge(self.sink, self.loaded, returned, record, base, earlier)
        before = len(self.report.applied)
        merge.run()
        if not record.collected_at or len(self.report.applied) > before:
            self._reopen(record, name)  # a new return: its first collect, or values it changed
        self.report.files.append(name)
        self._sync(merge, f"{name}（{self.now} 回収）")
        self._check_signature(name, str(record.department), returned.signature)
        collected = self._collected(record, name, returned.signature)
        if collected != record:
            self.distributions[index] = collected
            self.records_changed = True

    def _reopen(self, record: Distribution, name: str) -> None:
        step = recollected(self.acceptances, self.log, record, name)
        if step is not None:
            self.acceptances.append(step)
            self.acceptances_changed = True

    def _collected(self, record: Distribution, name: str, signature: Signature | None) -> Distribution:
        """The distribution's record once this file is collected: when and as which file it first came back, and
        who filled in the latest file (a file giving none of the fields keeps the contact known before)."""
        if not record.collected_at:
            record = replace(record, collected_at=self.now, collected_file=name)
        if signature is not None and signature.filled:
            record = replace(
                record,
                contact_name=signature.values["name"] or None,
                contact_phone=signature.values["phone"] or None,
                approved_by=signature.values["approved_by"] or None,
            )
        return record

    def _check_signature(self, name: str, department: str, signature: Signature | None) -> None:
        """A blank 課長確認 on a file that has the field: a warning naming its cell (the file is collected)."""
        if signature is None or "approved_by" not in signature.cells or signature.values["approved_by"]:
            return
        self.report.problems.append(
            {
                "department": department,
                "file": name,
                "sheet": c.SHEET_DEPARTMENT_GUIDE,
                "cell": signature.cells["approved_by"],
                "severity": WARNING,
                "message": "課長確認が空欄です（課長の確認を受けていないファイルかもしれません）。",
                "action": "課長の確認（氏名・日付）を記入してもらってください。値は取り込みました。",
            }
        )

    def _base(self, distribution_id: str) -> tuple[dict[Ref, Any], Earlier]:
        """The cells of a distribution as last agreed (as sent until a returned file moved them), as compared;
        and, for the cells a returned file moved, the value sent and that file."""
        base: dict[Ref, Any] = {}
        earlier = Earlier()
        sent_ledger: list[str] = []
        moved_ledger = False
        for v in self.values:
            if str(v.distribution_id) != distribution_id:
                continue
            if v.table == c.LEDGER.name and v.column == SENT_ROW:
                sent_ledger.append(str(v.value))
                moved_ledger = True
                continue
            ref = (str(v.table), str(v.row_key), str(v.column))
            if (
                v.table == c.LEDGER.name
            ):  # ledger rows share a row key: each its own ref, counted by the merge
                ref = (*ref[:2], f"{LEDGER_ROW}#{len(base)}")
            base[ref] = comparable(v.value)
            if v.source:
                earlier.cells[ref] = (comparable(v.sent), str(v.source))
                moved_ledger = moved_ledger or v.table == c.LEDGER.name
        if moved_ledger:
            earlier.ledger_sent = sorted(sent_ledger)
        return base, earlier

    def _sync(self, merge: FileMerge, source: str) -> None:
        """The base becomes what both sides now agree on (a later file from the same department merges on it);
        the value sent and the file that moved it are kept beside it."""
        for n, row in enumerate(self.values):
            if str(row.distribution_id) != merge.id:
                continue
            ref = (str(row.table), str(row.row_key), str(row.column))
            if ref in merge.synced and comparable(row.value) != merge.synced[ref]:
                sent = row.sent if row.source else row.value
                self.values[n] = replace(row, value=cell_value(merge.synced[ref]), sent=sent, source=source)
                self.records_changed = True
        if merge.ledger_synced is not None:
            self._sync_ledger(merge, source)

    def _sync_ledger(self, merge: FileMerge, source: str) -> None:
        year_key = str(merge.year)

        def of_year(row: DistributedValue, column: str) -> bool:
            return (
                str(row.distribution_id) == merge.id
                and row.table == c.LEDGER.name
                and str(row.row_key) == year_key
                and row.column == column
            )

        ledger = merge.ledger_synced or []
        current = sorted(str(r.value) for r in self.values if of_year(r, LEDGER_ROW))
        if current == ledger:
            return
        if not any(of_year(r, SENT_ROW) for r in self.values) and not any(
            r.source for r in self.values if of_year(r, LEDGER_ROW)
        ):  # the first move: keep the rows as sent
            self.values.extend(
                DistributedValue(merge.id, c.LEDGER.name, year_key, SENT_ROW, key) for key in current
            )
        self.values = [r for r in self.values if not of_year(r, LEDGER_ROW)]
        self.values.extend(
            DistributedValue(merge.id, c.LEDGER.name, year_key, LEDGER_ROW, key, source=source)
            for key in ledger
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
        if self.acceptances_changed:
            write_records(self.engine, Acceptance, self.acceptances)
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
    why = not_a_regular_file(master)
    if why:
        raise WorkbookError(f"マスターワークブック {master} を開けません（{why}）。")
    inbox = list_returned(paths)
    engine = FileEngine(master)
    try:
        with engine.writing("回収"):  # one writer at a time: read, merge and replace under the master's lock
            report = collect_into(engine, inbox.files, prefer=prefer, now=now, progress=progress)
    finally:
        engine.close()
    report.skipped = inbox.skipped
    return report


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
    with tempfile.TemporaryDirectory(prefix="kaikaku_collect_") as workdir:
        run = Collect(engine, loaded, prefer, timestamp(now), Path(workdir))
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
