"""The 計画の見直し table (contract.REVISIONS) read and checked: each row typed by staff or written by
`kaikaku revise` becomes a Revision and a row of the metrics' revisions frame; a row that cannot be used is an
error naming its sheet and cell and is left out of the evaluation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from kaikaku_xl.errors import shown as quoted
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.readers.reader import _limit
from kaikaku_xl.metrics.revisions import ADDED, BASELINE, ENDED, REVISION_COLUMNS, TARGET, empty_revisions
from kaikaku_xl.plan import Revision, item_no
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
    table: RawTable,
    measures: pd.DataFrame,
    items: pd.DataFrame,
    years: list[int],
    problems: list[Problem],
    ceiling: float = 10**15,
) -> tuple[pd.DataFrame, tuple[Revision, ...]]:
    """(the metrics' revisions frame, the valid revisions in table order); problems get one per unusable cell."""
    spec = c.REVISIONS
    pos = {col.key: table.column_index(col.header) for col in spec.columns}
    missing = [spec.column(k).header for k, j in pos.items() if j is None and k != "old"]
    if missing:
        problems.append(
            Problem(
                ERROR,
                table.sheet,
                "",
                f"表 {spec.name} に列「{'」「'.join(missing)}」がありません。",
                "列見出しを元に戻してください。計画の見直しは評価に使っていません。",
            )
        )
        return empty_revisions(), ()
    by_id = {m.measure_id: m for m in measures.itertuples()}
    known_items = set(items["item"])
    rows: list[dict[str, Any]] = []
    found: list[Revision] = []
    seen: set[tuple[str, Any, int]] = set()

    def bad(i: int, key: str, message: str, action: str = "") -> None:
        problems.append(Problem(ERROR, table.sheet, table.address(i, pos[key]), message, action + SKIPPED))

    for i, raw in enumerate(table.rows):

        def cell(key: str, raw: list[Any] = raw) -> Any:
            j = pos[key]
            return None if j is None else raw[j]

        year, kind = whole_number(cell("year")), cell_text(cell("kind"))
        if year not in years:
            bad(
                i,
                "year",
                f"適用開始年度「{quoted(cell('year'))}」は実績を入力する年度ではありません。",
                f"{years[0]}〜{years[-1]} の年度を入力してください。",
            )
            continue
        if kind not in c.REVISION_KINDS:
            bad(
                i,
                "kind",
                f"区分「{quoted(kind)}」は使えません。",
                "目標値・基準値・取組追加・取組終了から選んでください。",
            )
            continue
        measure_id, new, item = "", None, item_no(cell("item"))
        if kind in c.REVISION_MEASURE_KINDS:
            measure_id = cell_text(cell("measure_id"))
            measure = by_id.get(measure_id)
            if measure is None:
                bad(
                    i,
                    "measure_id",
                    f"指標ID「{quoted(measure_id)}」は指標シートにありません。",
                    "指標シートの ID（例: 3-1）を入力してください。",
                )
                continue
            item = measure.item
            try:
                new = parse_number(cell("new"), measure.unit or None)
            except NotANumber as exc:
                bad(
                    i,
                    "new",
                    f"変更後の{kind}「{quoted(cell('new'))}」: {exc}。",
                    f"{measure.unit}単位の数値を入力してください。",
                )
                continue
            if new is None:
                bad(
                    i,
                    "new",
                    f"指標 {measure_id} の変更後の{kind}が空欄です。",
                    "新しい値を入力してください。",
                )
                continue
            reason = violation(
                new,
                Bounds(_limit(getattr(measure, "low", None)), _limit(getattr(measure, "high", None))),
                ceiling,
            )
            if reason:
                bad(
                    i,
                    "new",
                    f"指標 {measure_id} の変更後の{kind}「{quoted(cell('new'))}」は{reason}。",
                    "指標の単位で取りうる値を入力してください。",
                )
                continue
        elif item not in known_items:
            bad(
                i,
                "item",
                f"取組項目 No「{quoted(cell('item'))}」は取組項目シートにありません。",
                "追加する取組は先に取組項目シートに行を加えてください。",
            )
            continue
        if not cell_text(cell("reason")):
            bad(i, "reason", "見直しの理由が空欄です。", "理由を入力してください（懇談会資料に載ります）。")
            continue
        decided = parse_day(cell("decided"))
        if decided is None:
            bad(
                i,
                "decided",
                f"推進本部決定日「{quoted(cell('decided'))}」が日付ではありません。",
                "2027-03-15 のように入力してください。",
            )
            continue
        key = (kind, measure_id or item, year)
        if key in seen:
            bad(
                i,
                "year",
                f"{measure_id or f'No.{item}'} の {year}年度からの「{kind}」の見直しが2行あります。",
                "どちらか1行にしてください。上の行を使いました。",
            )
            continue
        seen.add(key)
        try:
            old = parse_number(cell("old"))
        except NotANumber:
            old = None
        rows.append(
            {
                "kind": METRIC_KIND[kind],
                "measure_id": measure_id or None,
                "item": item,
                "year": year,
                "last_year": None,
                "value": new,
            }
        )
        found.append(
            Revision(
                year=year,
                kind=kind,
                item=item,
                measure_id=measure_id,
                old=old,
                new=new,  # type: ignore[arg-type]
                reason=cell_text(cell("reason")),
                decided=decided,
            )
        )
    frame = pd.DataFrame(rows, columns=REVISION_COLUMNS) if rows else empty_revisions()
    return frame, tuple(found)
