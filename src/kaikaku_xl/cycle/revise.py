"""`kaikaku revise`: record a plan revision (見直し) decided by the 推進本部 as a row of the 計画の見直し table.

The row goes into the first blank row of the table (cells patched, nothing else on the sheet changes) and the
change log gets a 見直し line; the write is atomic with a backup, like refresh. The same row typed by staff is
read the same way (master/readers/revisions.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kaikaku_xl.errors import InputError, WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.closed import in_force
from kaikaku_xl.master.load import Loaded, load
from kaikaku_xl.master.locate import free_rows
from kaikaku_xl.master.readers.measures import measure_records
from kaikaku_xl.master.readers.revisions import implausible, parse_day
from kaikaku_xl.master.records import ChangeLog, closed_years, timestamp
from kaikaku_xl.plan import ItemNo, item_no, plain_number
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.rounding import format_number
from kaikaku_xl.xlsx.a1 import column_letter, range_ref
from kaikaku_xl.xlsx.engine import Engine, PatchingEngine
from kaikaku_xl.xlsx.file_engine import FileEngine


@dataclass
class Revised:
    kind: str
    subject: str  # 指標 3-1 / No.12
    year: int
    old: Any
    new: Any
    cell: str  # where the row went, e.g. 計画の見直し!A4
    shown: str = ""  # the change as the sheets show it: 4,012,345,678円 → 3,900,000,000円 ("" for an item)


def revise(
    master: Path,
    *,
    year: int,
    reason: str,
    decided: str,
    measure_id: str | None = None,
    target: float | None = None,
    baseline: float | None = None,
    item: str | int | None = None,
    added: bool = False,
    ended: bool = False,
    excluded: bool = False,
    now: datetime | None = None,
    progress: Progress = SILENT,
) -> Revised:
    """Record one revision (見直し) in the master; progress: the 読み込み / 書き込み lines. excluded: the item is
    taken out of `year`'s evaluation only (区分 対象外, the 推進本部's decision on a department's proposal)."""
    day = parse_day(decided)
    if day is None:
        raise InputError(
            f"推進本部決定日「{decided}」が日付ではありません（2027-03-15 のように指定してください）。"
        )
    if not reason.strip():
        raise InputError("見直しの理由（--reason）を入力してください。懇談会資料と変更履歴に載ります。")
    engine = FileEngine(master)
    try:
        with engine.writing("計画の見直し"):
            loaded = _load_open_year(engine, year, progress)
            plan, running = in_force(
                loaded.inputs.measures, list(loaded.inputs.items["item"]), loaded.inputs.revisions, year
            )
            row: dict[str, Any] = {"year": year, "reason": reason.strip(), "decided": day}
            old: float | None
            shown = ""
            if measure_id is not None:
                kind, subject, old = _measure_revision(plan, measure_id, target, baseline, row)
                shown = _checked(loaded, measure_id, kind, old, row["new"])
            elif item is not None:
                kind, subject, old = _item_revision(running, item_no(item), (added, ended, excluded), row)
            else:
                raise InputError(
                    "--measure（目標値・基準値の見直し）か --item（取組の追加・終了）を指定してください。"
                )
            with progress.phase("書き込み") as phase:
                sheet, cell = _append(engine, row)
                log = ChangeLog.read(engine, timestamp(now))
                span = f"{year}年度だけ" if kind == c.REVISION_EXCLUDED else f"{year}年度から"
                change = f"（{shown}）" if shown else ""
                note = f"{subject} の{kind}を{span}見直し{change}（推進本部 {day}）。理由: {reason.strip()}"
                log.add(c.LOG_REVISION, note, sheet=sheet, cell=cell, old=old, new=row.get("new"))
                log.write(engine)
                engine.commit()
                phase.count("見直し", 1)
            return Revised(kind, subject, year, old, row.get("new"), f"{sheet}!{cell}", shown)
    finally:
        engine.close()


def _load_open_year(engine: Engine, year: int, progress: Progress) -> Loaded:
    """The master, unless it has no 計画の見直し table or `year` is no year of actuals or reaches into a closed
    year."""
    if not engine.has_table(c.REVISIONS.name):
        raise WorkbookError(
            f"このマスターには「{c.REVISIONS.sheet}」の表（{c.REVISIONS.name}）がありません。"
            "kaikaku refresh でマスターを更新すると表が追加されます。"
        )
    loaded = load(engine, progress)
    years = loaded.layout.years
    if year not in years:
        raise InputError(
            f"適用開始年度 {year} は実績を入力する年度（{years[0]}〜{years[-1]}）ではありません。"
        )
    closed = closed_years(engine)
    if any(y >= year for y in closed):
        raise InputError(
            f"{max(closed)}年度は締められています。締めた年度以前からの見直しは記録できません"
            "（kaikaku reopen-year で締めを解除してから記録してください）。"
        )
    return loaded


def _measure_revision(
    plan: dict[str, tuple[float, float]],
    measure_id: str,
    target: float | None,
    baseline: float | None,
    row: dict[str, Any],
) -> tuple[str, str, float]:
    """A measure's new target or baseline into `row`: (kind, subject, the value in force before)."""
    if measure_id not in plan:
        raise InputError(f"指標ID「{measure_id}」は指標シートにありません。" + _id_hint(plan, measure_id))
    if target is not None and baseline is None:
        kind, new, old = c.REVISION_TARGET, target, plan[measure_id][1]
    elif baseline is not None and target is None:
        kind, new, old = c.REVISION_BASELINE, baseline, plan[measure_id][0]
    else:
        raise InputError("--target と --baseline のどちらか一方を指定してください。")
    if not math.isfinite(float(new)):
        raise InputError(f"新しい{kind}「{new}」は有限の数値ではありません。記録していません。")
    row.update(kind=kind, measure_id=measure_id, old=plain_number(old), new=plain_number(float(new)))
    return kind, f"指標 {measure_id}", old


def _id_hint(plan: Mapping[str, Any], typed: str) -> str:
    """The measure IDs of the item a bare number names (「12」 → 12-1・12-2), or how an ID is written."""
    ids = [m for m in plan if m.startswith(f"{typed.strip()}-")]
    if ids:
        return f"No.{typed.strip()} の指標は {'・'.join(ids)} です（--measure {ids[0]} のように指定してください）。"
    return "指標シートの ID（例: 3-1）を指定してください。"


def _checked(loaded: Loaded, measure_id: str, kind: str, old: float, new: float) -> str:
    """The new value checked as a typed 計画の見直し row is (master/readers/revisions.py: finite, not too large,
    within the range the measure's unit allows); the change as the sheets show it."""
    measures = loaded.reader_measures if loaded.reader_measures is not None else loaded.inputs.measures
    found = measures[measures["measure_id"] == measure_id]
    record = measure_records(found)[0]
    reason = implausible(record, new, loaded.settings.value_ceiling)
    if reason:
        raise InputError(
            f"指標 {measure_id} の新しい{kind}「{new}」は{reason}。記録していません。"
            f"{record['unit'] or '指標の単位'}で取りうる値を指定してください。"
        )
    decimals = found["decimals"].iloc[0] if "decimals" in found.columns else None
    places = int(decimals) if decimals is not None and decimals == decimals else 0
    unit = record["unit"] or ""
    return f"{format_number(old, places)}{unit} → {format_number(new, places)}{unit}"


ITEM_KINDS = (c.REVISION_ADDED, c.REVISION_ENDED, c.REVISION_EXCLUDED)  # --add, --end, --exclude


def _item_revision(
    running: Mapping[ItemNo, bool], item: ItemNo | None, flags: tuple[bool, bool, bool], row: dict[str, Any]
) -> tuple[str, str, None]:
    """An item added, ended or excluded (one year) into `row`: (kind, subject, None). flags: --add, --end,
    --exclude."""
    if item not in running:
        raise InputError(
            f"取組項目 No.{item} は取組項目シートにありません（追加する取組は先に行を加えてください）。"
        )
    if sum(flags) != 1:
        raise InputError("--add・--end・--exclude のどれか一つを指定してください。")
    kind = ITEM_KINDS[flags.index(True)]
    row.update(kind=kind, item=item)
    return kind, f"No.{item}", None


def _append(engine: PatchingEngine, values: dict[str, Any]) -> tuple[str, str]:
    """Write one row into the first blank row of the table (or below it, growing the table)."""
    table = engine.read_table(c.REVISIONS)
    min_col, top, max_col, bottom = engine.table_bounds(c.REVISIONS.name)
    free = free_rows(table, top, bottom)
    row = free[0] if free else bottom + 1
    cells = {}
    for col in c.REVISIONS.columns:
        j = table.column_index(col.header)
        if j is not None:
            cells[(row, min_col + j)] = values.get(col.key)
    engine.patch_cells(table.sheet, cells)
    if not free:
        engine.resize_table(c.REVISIONS.name, range_ref(min_col, top, max_col, row))
    return table.sheet, f"{column_letter(min_col)}{row}"
