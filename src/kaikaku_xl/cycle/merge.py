"""The merge of one returned department file into the master, table by table and cell by cell (see collect.py):
refuse a cell or a row, or merge a cell three ways. What it does goes to a MergeSink: the run's report lists, its
change log and the master target; collect reads the files in turn and commits once.

A distribution already collected takes no second, different file silently: where a later file differs from what
an earlier file returned (and the master kept it), the cell is a conflict naming both files, and where it holds the
value sent while the earlier file changed it, a stale file (an older copy arriving late). Neither is applied
unless the coordinator says --prefer returned. A cell (or the ledger) every earlier file left as sent is merged as
usual: the later file fills what the earlier one did not answer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kaikaku_xl.cycle.returned import Returned
from kaikaku_xl.cycle.shown import shown, shown_ledger
from kaikaku_xl.cycle.target import MasterTarget, Ref
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.inputs import OPINION_ANSWER_KEYS, OPINION_TYPED_KEYS, OPINIONS
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.master.locate import LEDGER_KEYS, ledger_key, ledger_values, positions, status_key
from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.master.readers.ledger import read_ledger
from kaikaku_xl.master.readers.opinions import opinion_key, opinion_state, read_opinions
from kaikaku_xl.master.readers.percent import read_percent
from kaikaku_xl.master.readers.status import read_status
from kaikaku_xl.master.readers.yearly import read_yearly
from kaikaku_xl.master.records import ChangeLog, Distribution, cell_value, comparable
from kaikaku_xl.metrics.items import runs_in
from kaikaku_xl.plan import ItemNo, item_no
from kaikaku_xl.problems import ERROR, WARNING, Problem
from kaikaku_xl.text import match_key
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.limits import EXCEL_MAX_CHARS, fit_cell_text
from kaikaku_xl.xlsx.typed import NotANumber, parse_number, whole_number

Entry = dict[str, Any]  # one line of collect's report (JSON)
NARRATIVE_KEYS = ("results", "issues", "next")  # 進捗状況's text columns
STALE, SECOND, MASTER_CHANGED = "stale", "second", "master"  # a conflict's kind
TO_REPLACE = "このファイルの値にする場合は --prefer returned を付けてこのファイルを回収してください。"


@dataclass
class Earlier:
    """What a distribution already collected holds: the file collected first, and per cell the value sent and the
    returned file that changed it since (cells no file changed are absent); the ledger rows as sent, once a file
    changed them (None before)."""

    file: str = ""  # "name（time 回収）" of the file collected first; "" when never collected
    cells: dict[Ref, tuple[Any, str]] = field(default_factory=dict)
    ledger_sent: list[str] | None = None


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
        reader.config = loaded.settings  # the plan's 削減額の符号: a sign warned about as in the master
        read_ledger(reader, tables[c.LEDGER.name], items, loaded.layout.plan_years)
    if OPINIONS.name in tables:
        read_opinions(reader, tables[OPINIONS.name], items, loaded.layout.years)
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
    compared (moved to what both sides agreed on by each file collected); afterwards `synced` and `ledger_synced`
    hold what both sides agree on (the next base)."""

    def __init__(
        self,
        sink: MergeSink,
        loaded: Loaded,
        returned: Returned,
        distribution: Distribution,
        base: dict[Ref, Any],
        earlier: Earlier | None = None,
    ) -> None:
        self.sink = sink
        self.loaded = loaded
        self.returned = returned
        self.department = str(distribution.department)
        self.year = int(whole_number(distribution.year) or 0)
        self.id = str(distribution.distribution_id)
        self.file = returned.name
        self.base = base
        self.earlier = earlier or Earlier()
        self.leads = {item_no(r.item): str(r.lead) for r in loaded.inputs.items.itertuples()}
        self.decimals = {str(m.measure_id): m.shown_decimals for m in loaded.plan.measures}
        self.synced: dict[Ref, Any] = {}
        self.ledger_synced: list[str] | None = None
        self.errors: dict[tuple[str, str], str] = {}

    # -- reporting --------------------------------------------------------------------------------------
    def _entry(self, sheet: str, cell: str, **extra: Any) -> Entry:
        return {"department": self.department, "file": self.file, "sheet": sheet, "cell": cell, **extra}

    def shown(self, ref: Ref | None, value: Any) -> str:
        """A value of a cell as its sheet shows it (a measure's decimals; 未入力 for blank)."""
        if ref is not None and ref[0] == c.ACTUALS_TABLE:
            return shown(cell_value(value), self.decimals.get(ref[1]))
        return shown(cell_value(value))

    def _log(self, kind: str, sheet: str, cell: str, old: str, new: str, note: str) -> None:
        """One change-log line of this file, its values as shown (the log drops a refusal or conflict already
        logged)."""
        self.sink.log.add(
            kind, note, department=self.department, file=self.file, sheet=sheet, cell=cell, old=old, new=new
        )

    def refuse(self, table: RawTable, i: int, j: int, value: Any, why: str) -> None:
        cell = table.address(i, j)
        text = shown(cell_value(value))
        self.sink.refused.append(
            self._entry(table.sheet, cell, value=cell_value(value), value_text=text, reason=why)
        )
        self._log(c.LOG_REFUSED, table.sheet, cell, "", text, why)

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
        self.three_way(ref, value, f"{table.sheet}!{table.address(i, j)}")

    def three_way(self, ref: Ref, returned: Any, where: str) -> None:
        """Merge one owned cell against the value distributed (base) and the master's value now (mine)."""
        base, theirs, mine = self.base.get(ref), comparable(returned), comparable(self.sink.target.value(ref))
        if theirs == base or theirs == mine:
            if theirs == mine:
                self.synced[ref] = theirs
            return
        if self.earlier.file and mine == base and ref in self.earlier.cells:
            # a later file of a distribution collected, differing where an earlier file changed the cell; a cell
            # every earlier file left as sent is filled (the untouched original first, the filled file after)
            kind, why = self._second_file(ref, theirs, mine)
        elif mine == base:
            self._apply(ref, theirs, mine, where)
            return
        else:
            kind = MASTER_CHANGED
            why = f"配布後にマスターでも変更されていたため、マスターの値を残しました（返送: {where}）"
        if self.sink.prefer == "returned":
            self._apply(ref, theirs, mine, where, kind)
        else:
            self._conflict(ref, theirs, mine, base, where, kind, why)

    def _second_file(self, ref: Ref, theirs: Any, mine: Any) -> tuple[str, str]:
        """The kind of a later file's differing cell, and why it is not applied."""
        sent, source = self.earlier.cells.get(ref, (None, ""))
        if source and theirs == sent:
            return STALE, (
                f"古いファイルではありませんか: 配布したときの値のままですが、先に回収した {source} で"
                f" {self.shown(ref, mine)} になっています。マスターの値を残しました。" + TO_REPLACE
            )
        return SECOND, (
            f"この配布のファイルは既に回収しています（{self.earlier.file}）。先に取り込んだ値 "
            f"{self.shown(ref, mine)} とこのファイルの値 {self.shown(ref, theirs)} が異なります。"
            "マスターの値を残しました。" + TO_REPLACE
        )

    def _apply(self, ref: Ref, theirs: Any, mine: Any, where: str, conflict: str = "") -> None:
        sheet, cell = self.sink.target.set(ref, cell_value(theirs))
        self.synced[ref] = theirs
        old, new = self.shown(ref, mine), self.shown(ref, theirs)
        entry = self._entry(
            sheet,
            cell,
            old=cell_value(mine),
            new=cell_value(theirs),
            old_text=old,
            new_text=new,
            source=where,
        )
        if conflict:
            self.sink.conflicts.append(
                {
                    **entry,
                    "master": cell_value(mine),
                    "returned": cell_value(theirs),
                    "master_text": old,
                    "returned_text": new,
                    "kept": "returned",
                    "resolved": True,
                    "kind": conflict,
                    "earlier": self.earlier.file,
                    "reason": f"返送された値を採用しました（{where}、--prefer returned）",
                }
            )
            self._log(
                c.LOG_CONFLICT,
                sheet,
                cell,
                old,
                new,
                f"返送された値を採用しました（{where}、--prefer returned）",
            )
        self.sink.applied.append(entry)
        self._log(c.LOG_APPLIED, sheet, cell, old, new, f"取込元 {where}")

    def _conflict(self, ref: Ref, theirs: Any, mine: Any, base: Any, where: str, kind: str, why: str) -> None:
        sheet, cell = self.sink.target.address(ref)
        old, new = self.shown(ref, mine), self.shown(ref, theirs)
        self.sink.conflicts.append(
            self._entry(
                sheet,
                cell,
                master=cell_value(mine),
                returned=cell_value(theirs),
                base=cell_value(base),
                master_text=old,
                returned_text=new,
                source=where,
                kept="master",
                resolved=False,
                kind=kind,
                earlier=self.earlier.file,
                reason=why,
            )
        )
        self._log(c.LOG_CONFLICT, sheet, cell, old, new, why)

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
                table,
                i,
                raw,
                f"取組項目 No「{shown(cell_value(typed_item))}」はマスターにありません。",
                columns,
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

    def fit_text(self, table: RawTable, i: int, j: int, value: Any) -> Any:
        """A narrative as one Excel cell holds it: longer text is cut, and the report says so by cell."""
        if not isinstance(value, str) or len(value) <= EXCEL_MAX_CHARS:
            return value
        self.sink.problems.append(
            self._entry(
                table.sheet,
                table.address(i, j),
                severity=WARNING,
                message=(
                    f"{len(value):,} 文字の文章です。Excel の1セルに入る {EXCEL_MAX_CHARS:,} 文字に切り詰めて"
                    "取り込みます（末尾は …）。"
                ),
                action="全文は返送されたファイルに残っています。要約して記入し直してもらってください。",
            )
        )
        return fit_cell_text(value)

    # -- the three tables -----------------------------------------------------------------------------------
    def _measure_refusal(self, measure: Any, raw: list[Any], pos: dict[str, int], seen: set[str]) -> str:
        """Why a returned 実績 row is refused ("" when it is one of the department's measures, once)."""
        if measure is None:
            return (
                f"No「{shown(cell_value(raw[pos['item']]))}」「{shown(cell_value(raw[pos['name']]))}」の指標は"
                "マスターにありません。"
            )
        if measure.lead != self.department:
            return f"No.{measure.item}「{measure.name}」は{measure.lead}の指標です（このファイルは{self.department}）。"
        if measure.measure_id in seen:
            return f"No.{measure.item}「{measure.name}」の行が重複しています。"
        return ""

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
            why = self._measure_refusal(measure, raw, pos, seen)
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
                    j = pos[key]
                    read = (
                        (lambda v, i=i, j=j: self.fit_text(table, i, j, v)) if key in NARRATIVE_KEYS else None
                    )
                    ref = (c.STATUS.name, status_key(item, year), key)
                    if read is None:
                        self.merge_cell(table, i, raw, j, ref, year)
                    else:
                        self.merge_cell(table, i, raw, j, ref, year, read)

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

    def _ledger_second_file(self, wanted: Counter[str], base: Counter[str], where: dict[str, str]) -> bool:
        """A later file whose ledger rows differ from what the earlier file left: each differing row a conflict
        naming both files; True when they are applied all the same (--prefer returned)."""
        sent = self.earlier.ledger_sent
        stale = sent is not None and wanted == Counter(sent)
        resolved = self.sink.prefer == "returned"
        if stale:
            why = (
                "古いファイルではありませんか: 効果額台帳の行が配布したときのままで、先に回収した "
                f"{self.earlier.file} の行と異なります。"
            )
        else:
            why = f"この配布のファイルは既に回収しています（{self.earlier.file}）。効果額台帳の行が先に取り込んだものと異なります。"
        why += (
            "返送の行を採用しました（--prefer returned）。"
            if resolved
            else "マスターの行を残しました。" + TO_REPLACE
        )
        for key, sign in [*((k, "+") for k in (wanted - base)), *((k, "-") for k in (base - wanted))]:
            place = where.get(key, "") if sign == "+" else ""
            sheet, cell = self.sink.target.ledger_address(key) if sign == "-" else place.partition("!")[::2]
            master, returned = (None, shown_ledger(key)) if sign == "+" else (shown_ledger(key), None)
            self.sink.conflicts.append(
                self._entry(
                    sheet or c.LEDGER.sheet,
                    cell,
                    master=master,
                    returned=returned,
                    master_text=master or "（行なし）",
                    returned_text=returned or "（行なし）",
                    source=place or self.file,
                    kept="returned" if resolved else "master",
                    resolved=resolved,
                    kind=STALE if stale else SECOND,
                    earlier=self.earlier.file,
                    reason=why,
                )
            )
            self._log(c.LOG_CONFLICT, sheet or c.LEDGER.sheet, cell, master or "", returned or "", why)
        return resolved

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
        changed_before = (
            self.earlier.file and self.earlier.ledger_sent is not None
        )  # rows an earlier file changed
        if changed_before and wanted != base and not self._ledger_second_file(wanted, base, where):
            return
        target = self.sink.target
        for key, n in (wanted - base).items():
            for _ in range(n - max(0, target.ledger_count(key) - base[key])):
                sheet, cell = target.add_ledger(key)
                text = shown_ledger(key)
                self.sink.applied.append(
                    self._entry(
                        sheet,
                        cell,
                        old=None,
                        new=ledger_values(key),
                        old_text=shown(None),
                        new_text=text,
                        source=where[key],
                    )
                )
                self._log(
                    c.LOG_APPLIED, sheet, cell, "", text, f"効果額台帳に行を追加（取込元 {where[key]}）"
                )
        for key, n in (base - wanted).items():
            for _ in range(min(n, target.ledger_count(key))):
                sheet, cell = target.remove_ledger(key)
                text = shown_ledger(key)
                self.sink.applied.append(
                    self._entry(
                        sheet,
                        cell,
                        old=ledger_values(key),
                        new=None,
                        old_text=text,
                        new_text=shown(None),
                        source=self.file,
                    )
                )
                self._log(
                    c.LOG_APPLIED, sheet, cell, text, "", "担当課が削除した効果額台帳の行を空欄にしました"
                )
        self.ledger_synced = sorted(wanted.elements())

    def _opinion_refusal(self, key: str, sent: set[str]) -> str:
        """Why a returned opinion's answer is refused ("" when it merges): one this file was not sent (its opinion,
        年度, 日付 or No changed, or a row added) or one the master no longer holds as it was sent."""
        if key not in sent:
            return (
                "配布した懇談会の意見と一致しません（意見・年度・日付・No を変えたか、行を追加していませんか）。"
                "回答は取り込みません。"
            )
        if not self.sink.target.has_opinion(key):
            return "この意見は配布後にマスターで変更または削除されています。回答は取り込みません（マスターで確認してください）。"
        return ""

    def opinions(self, table: RawTable) -> None:
        """懇談会意見: the answer cells (市の対応, 対応状況) of each opinion sent merge three ways, like other cells;
        the opinion itself is the row's key (grey in the file)."""
        pos = positions(table, OPINIONS)
        if any(k not in pos for k in (*OPINION_TYPED_KEYS, *OPINION_ANSWER_KEYS)):
            return
        sent = {k for (t, k, _col) in self.base if t == OPINIONS.name}
        answers = [pos[k] for k in OPINION_ANSWER_KEYS]
        seen: set[str] = set()
        for i, raw in enumerate(table.rows):
            key = opinion_key(*(raw[pos[k]] for k in OPINION_TYPED_KEYS))
            why = self._opinion_refusal(key, sent) or (
                "同じ意見の行が重複しています。" if key in seen else ""
            )
            if why:
                self.refuse_row(table, i, raw, why, answers)
                continue
            seen.add(key)
            for name, j in zip(OPINION_ANSWER_KEYS, answers, strict=True):
                message = self.errors.get((table.sheet, table.address(i, j)))
                if message:
                    self.refuse(table, i, j, raw[j], message)
                    continue
                value = opinion_state(raw[j]) if name == "state" else self.fit_text(table, i, j, raw[j])
                self.three_way((OPINIONS.name, key, name), value, f"{table.sheet}!{table.address(i, j)}")

    def run(self) -> None:
        """The returned tables merged in turn (collect has checked they are all there, every column; 懇談会意見
        only where the file was sent one)."""
        self.validate()
        tables = self.returned.tables
        for name, step in (
            (c.ACTUALS_TABLE, self.actuals),
            (c.STATUS.name, self.status),
            (c.LEDGER.name, self.ledger),
            (OPINIONS.name, self.opinions),
        ):
            if name in tables:
                step(tables[name])
        if OPINIONS.name not in tables and any(t == OPINIONS.name for (t, _k, _col) in self.base):
            self.sink.problems.append(  # the file was sent opinions: their answers are not lost unsaid
                self._entry(
                    OPINIONS.sheet,
                    "",
                    severity=WARNING,
                    message="懇談会意見の表が見つかりません（シートを削除したか、列見出しを変えていませんか）。",
                    action="懇談会意見の回答は取り込んでいません。シートを元に戻して返送してもらってください。",
                )
            )


def missing_columns(loaded: Loaded, returned: Returned) -> list[tuple[str, str]]:
    """(sheet, why) for every table of the department file not found and every column a found table lacks (a
    renamed heading, e.g. 「2026年度」 retyped 「2026」): such a file is not read at all."""
    out = []
    for name in c.DEPARTMENT_TABLES:
        spec = loaded.layout.table(name)
        table = returned.tables.get(name)
        if table is None:
            out.append(
                (spec.sheet, f"シート「{spec.sheet}」の表が見つかりません（列見出しを変えていませんか）。")
            )
            continue
        found = positions(table, spec)
        expected = {col.header for col in spec.columns}
        extra = [h for h in table.headers if h and h not in expected]
        for col in spec.columns:
            if col.key not in found:
                hint = f"（見出し「{'」「'.join(extra)}」は別の列ですか）" if extra else ""
                out.append(
                    (
                        table.sheet,
                        f"シート「{table.sheet}」{table.header_row}行目の表に列「{col.header}」がありません{hint}。"
                        f"見出しを「{col.header}」に戻して保存し、もう一度回収してください。",
                    )
                )
    return out
