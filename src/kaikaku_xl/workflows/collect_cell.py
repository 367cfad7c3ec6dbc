"""The rules for one cell of a returned department file (see collect.py): refuse it, or merge it three ways.

Split from collect_file.py, which walks the three returned tables: here is what every table shares, so a rule
(a row of another department, a cell of a year that was not distributed, a conflict) is written once and is
reported and logged the same way whichever table the cell is in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kaikaku_xl.plan import ItemNo
from kaikaku_xl.workbook import contract as c
from kaikaku_xl.workbook.department import Returned
from kaikaku_xl.workbook.engine import RawTable
from kaikaku_xl.workbook.inputs import Reader
from kaikaku_xl.workbook.problems import ERROR
from kaikaku_xl.workbook.typed import NotANumber, _int, parse_number
from kaikaku_xl.workflows.cycle import norm, shown
from kaikaku_xl.workflows.load import Loaded

if TYPE_CHECKING:
    from collections.abc import Callable

    from kaikaku_xl.workflows.collect import Collect


def reader_measures(loaded: Loaded) -> Any:
    return loaded.reader_measures if loaded.reader_measures is not None else loaded.inputs.measures


def reader_number(value: Any, measure: Any, table: RawTable, i: int, j: int) -> Any:
    """A returned actual as the master's reader reads it: the same parse_number (unit words, 万, commas) and the
    same % rule on the returned cell itself, so 95% typed in Excel (0.95 in a percent-formatted cell) is 95.
    Cells the reader refuses never get here: collect refuses them first, by the returned file's own problems."""
    if norm(value) is None:
        return None
    try:
        number = parse_number(value, measure.unit or None)
    except NotANumber:
        return value
    if number is not None and measure.unit == "%":
        number = Reader().percent_points(table, i, j, value, number, f"No.{measure.item}「{measure.name}」")
    return number


class CellMerge:
    """What the merge of one returned file does to a single cell or row, and how it reports and logs it."""

    def __init__(self, collect: Collect, returned: Returned, distribution: dict[str, Any]) -> None:
        self.c = collect
        self.returned = returned
        self.department = str(distribution["department"])
        self.year = int(_int(distribution["year"]) or 0)
        self.id = str(distribution["distribution_id"])
        self.file = returned.path.name
        self.base = {
            (v["table"], str(v["row_key"]), str(v["column"])): norm(v["value"])
            for v in collect.values
            if str(v["distribution_id"]) == self.id
        }
        self.synced: dict[tuple[str, str, str], Any] = {}
        self.errors: dict[tuple[str, str], str] = {}

    # -- reporting --------------------------------------------------------------------------------------
    def _entry(self, sheet: str, cell: str, **extra: Any) -> dict[str, Any]:
        return {"department": self.department, "file": self.file, "sheet": sheet, "cell": cell, **extra}

    def _log(self, kind: str, sheet: str, cell: str, old: Any, new: Any, note: str) -> None:
        """One change-log row of this file (Collect.log drops a refusal or conflict already logged)."""
        self.c.log(kind, self.department, self.file, sheet, cell, old, new, note)

    def refuse(self, table: RawTable, i: int, j: int, value: Any, why: str) -> None:
        cell = table.address(i, j)
        self.c.report.refused.append(self._entry(table.sheet, cell, value=shown(value), reason=why))
        self._log(c.LOG_REFUSED, table.sheet, cell, None, value, why)

    def refuse_row(self, table: RawTable, i: int, raw: list[Any], why: str, columns: list[int]) -> None:
        for j in columns:
            if norm(raw[j]) is not None:
                self.refuse(table, i, j, raw[j], why)

    # -- one owned cell ---------------------------------------------------------------------------------
    def merge_cell(
        self,
        table: RawTable,
        i: int,
        raw: list[Any],
        j: int,
        ref: tuple[str, str, str],
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
            if norm(value) != self.base.get(ref):
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

    def three_way(self, ref: tuple[str, str, str], returned: Any, table: RawTable, i: int, j: int) -> None:
        """Merge one owned cell against the value distributed (base) and the master's value now (mine)."""
        target = self.c.target
        base, theirs, mine = self.base.get(ref), norm(returned), norm(target.value(ref))
        where = f"{table.sheet}!{table.address(i, j)}"
        if theirs == base or theirs == mine:
            if theirs == mine:
                self.synced[ref] = theirs
            return
        if mine == base or self.c.prefer == "returned":
            sheet, cell = target.set(ref, shown(theirs))
            self.synced[ref] = theirs
            entry = self._entry(sheet, cell, old=shown(mine), new=shown(theirs), source=where)
            if mine != base:
                self.c.report.conflicts.append(
                    {
                        **entry,
                        "master": shown(mine),
                        "returned": shown(theirs),
                        "kept": "returned",
                        "resolved": True,
                    }
                )
                note = f"返送された値を採用しました（{where}、--prefer returned）"
                self._log(c.LOG_CONFLICT, sheet, cell, mine, theirs, note)
            self.c.report.applied.append(entry)
            self._log(c.LOG_APPLIED, sheet, cell, mine, theirs, f"取込元 {where}")
            return
        sheet, cell = target.address(ref)
        self.c.report.conflicts.append(
            self._entry(
                sheet,
                cell,
                master=shown(mine),
                returned=shown(theirs),
                base=shown(base),
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
        reader = Reader()
        loaded = self.c.loaded
        items = loaded.inputs.items
        tables = self.returned.tables
        if c.ACTUALS_TABLE in tables:
            reader.yearly(
                tables[c.ACTUALS_TABLE],
                loaded.layout.table(c.ACTUALS_TABLE),
                reader_measures(loaded),
                loaded.layout.years,
                "actual",
                required=False,
            )
        if c.STATUS.name in tables:
            reader.status(tables[c.STATUS.name], items, loaded.layout.plan_years)
        if c.LEDGER.name in tables:
            reader.ledger(tables[c.LEDGER.name], items, loaded.layout.plan_years)
        for p in reader.problems:
            self.c.report.problems.append(
                self._entry(p.sheet, p.cell, severity=p.severity, message=p.message, action=p.action)
            )
            if p.severity == ERROR and p.cell:
                self.errors[(p.sheet, p.cell)] = p.message

    def owner(self, item: ItemNo | None) -> str | None:
        leads = self.c.leads
        return leads.get(item) if item is not None else None

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
        owner = self.owner(item)
        if owner is None:
            self.refuse_row(
                table, i, raw, f"取組項目 No「{shown(typed_item)}」はマスターにありません。", columns
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
