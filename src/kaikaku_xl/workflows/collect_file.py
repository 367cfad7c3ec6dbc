"""The merge of one returned department file into the master, cell by cell and three ways (see collect.py)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..plan import ItemNo, item_no
from ..workbook import contract as c
from ..workbook.department import Returned
from ..workbook.engine import RawTable
from ..workbook.inputs import ERROR, NotANumber, Reader, _int, _key, parse_number, runs_in
from .cycle import (
    LEDGER_KEYS,
    ledger_key,
    ledger_values,
    norm,
    positions,
    shown,
)
from .distribute import STATUS_KEYS
from .load import Loaded

if TYPE_CHECKING:
    from .collect import Collect


def reader_measures(loaded: Loaded) -> Any:
    return loaded.reader_measures if loaded.reader_measures is not None else loaded.inputs.measures


class FileMerge:
    """The merge of one returned file into the master target."""

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

    def refuse(self, table: RawTable, i: int, j: int, value: Any, why: str) -> None:
        cell = table.address(i, j)
        self.c.report.refused.append(self._entry(table.sheet, cell, value=shown(value), reason=why))
        self.c.log(c.LOG_REFUSED, self.department, self.file, table.sheet, cell, None, value, why)

    def refuse_row(self, table: RawTable, i: int, raw: list[Any], why: str, columns: list[int]) -> None:
        for j in columns:
            if norm(raw[j]) is not None:
                self.refuse(table, i, j, raw[j], why)

    def three_way(
        self,
        ref: tuple[str, str, str],
        returned: Any,
        table: RawTable,
        i: int,
        j: int,
        master_value: Any,
        apply: Any,
    ) -> None:
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
                self.c.report.conflicts.append(
                    {
                        **entry,
                        "master": shown(mine),
                        "returned": shown(theirs),
                        "kept": "returned",
                        "resolved": True,
                    }
                )
                self.c.log(
                    c.LOG_CONFLICT,
                    self.department,
                    self.file,
                    sheet,
                    cell,
                    mine,
                    theirs,
                    f"返送された値を採用しました（{where}、--prefer returned）",
                )
            self.c.report.applied.append(entry)
            self.c.log(
                c.LOG_APPLIED, self.department, self.file, sheet, cell, mine, theirs, f"取込元 {where}"
            )
            return
        sheet, cell = self.c.target.address(ref)
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
        self.c.log(
            c.LOG_CONFLICT,
            self.department,
            self.file,
            sheet,
            cell,
            mine,
            theirs,
            f"配布後にマスターでも変更されていたため、マスターの値を残しました（返送: {where}）",
        )

    # -- the three tables ---------------------------------------------------------------------------------
    def validate(self) -> None:
        """The master's checks on the returned tables; errors name the department file's sheet and cell."""
        reader = Reader()
        loaded = self.c.loaded
        items = loaded.inputs.items
        tables = self.returned.tables
        if "Actuals" in tables:
            reader.yearly(
                tables["Actuals"],
                loaded.layout.table("Actuals"),
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
                self.refuse_row(
                    table,
                    i,
                    raw,
                    f"No「{shown(raw[pos['item']])}」「{shown(raw[pos['name']])}」の指標は"
                    "マスターにありません。",
                    columns,
                )
                continue
            if measure.lead != self.department:
                self.refuse_row(
                    table,
                    i,
                    raw,
                    f"No.{measure.item}「{measure.name}」は{measure.lead}の指標です"
                    f"（このファイルは{self.department}）。",
                    columns,
                )
                continue
            if measure.measure_id in seen:
                self.refuse_row(
                    table, i, raw, f"No.{measure.item}「{measure.name}」の行が重複しています。", columns
                )
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
                        self.refuse(
                            table,
                            i,
                            j,
                            raw[j],
                            f"{y}年度は配布した年度（{self.year}年度）ではないため、"
                            "取り込みません（読み取り専用のセル）。",
                        )
                    continue
                self.three_way(
                    ref,
                    value,
                    table,
                    i,
                    j,
                    self.c.target.value(ref),
                    lambda v, ref=ref: self.c.target.set(ref, v),
                )

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
                self.refuse_row(
                    table,
                    i,
                    raw,
                    f"No.{item} は {year}年度には実施しない項目です（開始・終了年度）。",
                    columns,
                )
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
                        self.refuse(
                            table,
                            i,
                            j,
                            raw[j],
                            f"{year}年度は配布した年度（{self.year}年度）ではないため、"
                            "取り込みません（読み取り専用のセル）。",
                        )
                    continue
                self.three_way(
                    ref,
                    raw[j],
                    table,
                    i,
                    j,
                    self.c.target.value(ref),
                    lambda v, ref=ref: self.c.target.set(ref, v),
                )

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
        base = Counter(
            v for (t, k, _col), v in self.base.items() if t == c.LEDGER.name and k == str(self.year)
        )
        wanted = Counter(theirs)
        target = self.c.target
        for key, n in (wanted - base).items():
            for _ in range(n - max(0, target.ledger_count(key) - base[key])):
                sheet, cell = target.add_ledger(key)
                self.c.report.applied.append(
                    self._entry(sheet, cell, old=None, new=ledger_values(key), source=where[key])
                )
                self.c.log(
                    c.LOG_APPLIED,
                    self.department,
                    self.file,
                    sheet,
                    cell,
                    None,
                    key,
                    f"効果額台帳に行を追加（取込元 {where[key]}）",
                )
        for key, n in (base - wanted).items():
            for _ in range(min(n, target.ledger_count(key))):
                sheet, cell = target.remove_ledger(key)
                self.c.report.applied.append(
                    self._entry(sheet, cell, old=ledger_values(key), new=None, source=self.file)
                )
                self.c.log(
                    c.LOG_APPLIED,
                    self.department,
                    self.file,
                    sheet,
                    cell,
                    key,
                    None,
                    "担当課が削除した効果額台帳の行を空欄にしました",
                )
        self.ledger_synced = sorted(wanted.elements())

    def run(self) -> None:
        self.validate()
        tables = self.returned.tables
        for name, step in (
            ("Actuals", self.actuals),
            (c.STATUS.name, self.status),
            (c.LEDGER.name, self.ledger),
        ):
            if name in tables:
                step(tables[name])
            else:
                spec = self.c.loaded.layout.table(name)
                self.c.report.refused.append(
                    self._entry(
                        spec.sheet,
                        "",
                        value=None,
                        reason=f"シート「{spec.sheet}」の表が見つかりません（列見出しを変えていませんか）。",
                    )
                )
