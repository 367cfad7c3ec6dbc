"""The merge of one returned department file into the master, table by table (see collect.py); the rules for a
single cell (refuse it, or merge it three ways) are collect_cell.CellMerge."""

from __future__ import annotations

from collections import Counter

from kaikaku_xl.plan import ItemNo, item_no
from kaikaku_xl.workbook import contract as c
from kaikaku_xl.workbook.engine import RawTable
from kaikaku_xl.workbook.inputs_cycle import runs_in
from kaikaku_xl.workbook.typed import NotANumber, _int, _key, parse_number
from kaikaku_xl.workflows.collect_cell import CellMerge, reader_number
from kaikaku_xl.workflows.cycle import LEDGER_KEYS, ledger_key, ledger_values, positions, shown, status_key
from kaikaku_xl.workflows.distribute import STATUS_KEYS


class FileMerge(CellMerge):
    """The merge of one returned file into the master target."""

    def actuals(self, table: RawTable) -> None:
        spec = self.c.loaded.layout.table(c.ACTUALS_TABLE)
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
                ref = (c.ACTUALS_TABLE, measure.measure_id, f"y{y}")
                read = lambda v, m=measure, i=i, j=j: reader_number(v, m, table, i, j)  # noqa: E731
                self.merge_cell(table, i, raw, j, ref, y, read)

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
                if key in pos:
                    ref = (c.STATUS.name, status_key(item, year), key)  # type: ignore[arg-type]
                    self.merge_cell(table, i, raw, pos[key], ref, year)

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
                self._log(
                    c.LOG_APPLIED, sheet, cell, None, key, f"効果額台帳に行を追加（取込元 {where[key]}）"
                )
        for key, n in (base - wanted).items():
            for _ in range(min(n, target.ledger_count(key))):
                sheet, cell = target.remove_ledger(key)
                self.c.report.applied.append(
                    self._entry(sheet, cell, old=ledger_values(key), new=None, source=self.file)
                )
                self._log(
                    c.LOG_APPLIED, sheet, cell, key, None, "担当課が削除した効果額台帳の行を空欄にしました"
                )
        self.ledger_synced = sorted(wanted.elements())

    def run(self) -> None:
        self.validate()
        tables = self.returned.tables
        for name, step in (
            (c.ACTUALS_TABLE, self.actuals),
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
