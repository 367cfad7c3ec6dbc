"""The 計画の見直し table (contract.REVISIONS) read and checked: each row typed by staff or written by
`kaikaku revise` becomes a Revision and a row of the metrics' revisions frame; a row that cannot be used is an
error naming its sheet and cell and is left out of the evaluation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd

from kaikaku_xl.errors import shown
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.master.readers.measures import limit, measure_records
from kaikaku_xl.metrics.frames import REVISION_COLUMNS, empty_revisions
from kaikaku_xl.metrics.items import EXCLUSION
from kaikaku_xl.metrics.revisions import ADDED, BASELINE, ENDED, TARGET
from kaikaku_xl.plan import ItemNo, Revision, item_no
from kaikaku_xl.plan.plausibility import Bounds, violation
from kaikaku_xl.problems import ERROR, Problem
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.typed import NotANumber, parse_number, whole_number

METRIC_KIND = {
    c.REVISION_TARGET: TARGET,
    c.REVISION_BASELINE: BASELINE,
    c.REVISION_ADDED: ADDED,
    c.REVISION_ENDED: ENDED,
    c.REVISION_EXCLUDED: EXCLUSION,  # that year only (last_year)
}
SKIPPED = "この見直しは評価に使っていません。"


def parse_day(value: Any) -> str | None:
    """A 推進本部 date as YYYY-MM-DD: a date cell, or text 2027-03-15 / 2027/3/15; None when it is not one."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = cell_text(value).replace("/", "-").replace(".", "-")
    try:
        return datetime.strptime(text, "%Y-%m-%d").date().isoformat()
    except ValueError:
        return None


def read_revisions(
    log: ProblemLog, table: RawTable, measures: pd.DataFrame, items: pd.DataFrame, years: list[int]
) -> tuple[pd.DataFrame, tuple[Revision, ...]]:
    """(the metrics' revisions frame, the valid revisions in table order); an error for each unusable row."""
    spec = c.REVISIONS
    pos = {col.key: table.column_index(col.header) for col in spec.columns}
    missing = [spec.column(k).header for k, j in pos.items() if j is None and k != "old"]
    if missing:
        log.problems.append(
            Problem(
                ERROR,
                table.sheet,
                "",
                f"表 {spec.name} に列「{'」「'.join(missing)}」がありません。",
                "列見出しを元に戻してください。計画の見直しは評価に使っていません。",
            )
        )
        return empty_revisions(), ()
    rows = RevisionRows(log, table, {k: j for k, j in pos.items() if j is not None}, measures, items, years)
    found = [revision for i, raw in enumerate(table.rows) if (revision := rows.revision(i, raw)) is not None]
    if not found:
        return empty_revisions(), ()
    frame = pd.DataFrame(
        [
            {
                "kind": METRIC_KIND[r.kind],
                "measure_id": r.measure_id or None,
                "item": r.item,
                "year": r.year,
                "last_year": r.year if r.kind == c.REVISION_EXCLUDED else None,
                "value": r.new,
            }
            for r in found
        ],
        columns=REVISION_COLUMNS,
    )
    return frame, tuple(found)


def implausible(measure: dict[str, Any], value: float, ceiling: float) -> str | None:
    """Why a revised 目標値 or 基準値 cannot be taken for the measure (not finite, too large, outside the range its
    unit allows, e.g. a negative %), or None: the rule of a typed row and of `kaikaku revise`."""
    return violation(value, Bounds(limit(measure["low"]), limit(measure["high"])), ceiling)


Cell = Callable[[str], Any]  # a row's cell by column key (None where the optional column is missing)


class RevisionRows:
    """Checks the table's rows one by one against the plan (its measures, items and years) and the rows before."""

    def __init__(
        self,
        log: ProblemLog,
        table: RawTable,
        pos: dict[str, int],
        measures: pd.DataFrame,
        items: pd.DataFrame,
        years: list[int],
    ) -> None:
        self.log, self.table, self.pos, self.years = log, table, pos, years
        self.by_id = {m["measure_id"]: m for m in measure_records(measures)}
        self.known_items = set(items["item"])
        self.seen: set[tuple[str, Any, int]] = set()

    def bad(self, i: int, key: str, message: str, action: str = "") -> None:
        cell = self.table.address(i, self.pos[key])
        self.log.problems.append(Problem(ERROR, self.table.sheet, cell, message, action + SKIPPED))

    def revision(self, i: int, raw: list[Any]) -> Revision | None:
        """The row as a Revision; None (and an error naming the cell) where it cannot be used."""

        def cell(key: str) -> Any:
            j = self.pos.get(key)
            return None if j is None else raw[j]

        year, kind = whole_number(cell("year")), cell_text(cell("kind"))
        if year is None or year not in self.years:
            self.bad(
                i,
                "year",
                f"適用開始年度「{shown(cell('year'))}」は実績を入力する年度ではありません。",
                f"{self.years[0]}〜{self.years[-1]} の年度を入力してください。",
            )
            return None
        if kind not in c.REVISION_KINDS:
            self.bad(
                i,
                "kind",
                f"区分「{shown(kind)}」は使えません。",
                c.REVISION_CHOICES,
            )
            return None
        target = self._what(i, cell, kind)
        if target is None:
            return None
        measure_id, item, new = target
        decided = self._reason_and_day(i, cell)
        if decided is None:
            return None
        key = (kind, measure_id or item, year)
        if key in self.seen:
            self.bad(
                i,
                "year",
                f"{measure_id or f'No.{item}'} の {year}年度からの「{kind}」の見直しが2行あります。",
                "どちらか1行にしてください。上の行を使いました。",
            )
            return None
        self.seen.add(key)
        try:
            old = parse_number(cell("old"))
        except NotANumber:
            old = None
        return Revision(
            year=year,
            kind=kind,
            item=item,
            measure_id=measure_id,
            old=old,
            new=new,
            reason=cell_text(cell("reason")),
            decided=decided,
        )

    def _what(self, i: int, cell: Cell, kind: str) -> tuple[str, ItemNo, float | None] | None:
        """(指標ID, item No, the new value) the row revises: a measure's value, or an item added or ended."""
        if kind in c.REVISION_MEASURE_KINDS:
            return self._measure_value(i, cell, kind)
        item = item_no(cell("item"))
        if item is None or item not in self.known_items:
            self.bad(
                i,
                "item",
                f"取組項目 No「{shown(cell('item'))}」は取組項目シートにありません。",
                "追加する取組は先に取組項目シートに行を加えてください。",
            )
            return None
        return "", item, None

    def _measure_value(self, i: int, cell: Cell, kind: str) -> tuple[str, ItemNo, float | None] | None:
        """A 目標値 or 基準値 revision: the measure it names and its new value, plausible for the measure's unit."""
        measure_id = cell_text(cell("measure_id"))
        measure = self.by_id.get(measure_id)
        if measure is None:
            self.bad(
                i,
                "measure_id",
                f"指標ID「{shown(measure_id)}」は指標シートにありません。",
                "指標シートの ID（例: 3-1）を入力してください。",
            )
            return None
        unit = measure["unit"]
        try:
            new = parse_number(cell("new"), unit or None)
        except NotANumber as exc:
            self.bad(
                i,
                "new",
                f"変更後の{kind}「{shown(cell('new'))}」: {exc}。",
                f"{unit}単位の数値を入力してください。",
            )
            return None
        if new is None:
            self.bad(
                i, "new", f"指標 {measure_id} の変更後の{kind}が空欄です。", "新しい値を入力してください。"
            )
            return None
        reason = implausible(measure, new, self.log.config.value_ceiling)
        if reason:
            self.bad(
                i,
                "new",
                f"指標 {measure_id} の変更後の{kind}「{shown(cell('new'))}」は{reason}。",
                "指標の単位で取りうる値を入力してください。",
            )
            return None
        return measure_id, measure["item"], new

    def _reason_and_day(self, i: int, cell: Cell) -> str | None:
        """The 推進本部 date (YYYY-MM-DD) of a row that gives its reason; None (and an error) otherwise."""
        if not cell_text(cell("reason")):
            self.bad(
                i, "reason", "見直しの理由が空欄です。", "理由を入力してください（懇談会資料に載ります）。"
            )
            return None
        decided = parse_day(cell("decided"))
        if decided is None:
            self.bad(
                i,
                "decided",
                f"推進本部決定日「{shown(cell('decided'))}」が日付ではありません。",
                "2027-03-15 のように入力してください。",
            )
        return decided
