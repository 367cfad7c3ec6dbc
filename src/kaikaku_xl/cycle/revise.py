"""`kaikaku revise`: record a plan revision (見直し) decided by the 推進本部 as a row of the 計画の見直し table.

The row goes into the first blank row of the table (cells patched, nothing else on the sheet changes) and the
change log gets a 見直し line; the write is atomic with a backup, like refresh. The same row typed by staff is
read the same way (workbook/revision_reader.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kaikaku_xl.cycle.collect import write_change_log
from kaikaku_xl.cycle.distribute import STAMP
from kaikaku_xl.errors import InputError, WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.closed import in_force
from kaikaku_xl.master.load import load
from kaikaku_xl.master.readers.revisions import parse_day
from kaikaku_xl.master.records import records
from kaikaku_xl.plan import item_no, plain_number
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.xlsx.a1 import column_letter
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.typed import whole_number


@dataclass
class Revised:
    kind: str
    subject: str  # 指標 3-1 / No.12
    year: int
    old: Any
    new: Any
    cell: str  # where the row went, e.g. 計画の見直し!A4


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
    now: datetime | None = None,
    progress: Progress = SILENT,
) -> Revised:
    """Record one revision (見直し) in the master; progress: the 読み込み / 書き込み lines."""
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
            closed = [
                y for r in records(engine, c.CLOSED_YEARS) if (y := whole_number(r["year"])) is not None
            ]
            if any(y >= year for y in closed):
                raise InputError(
                    f"{max(closed)}年度は締められています。締めた年度以前からの見直しは記録できません"
                    "（kaikaku reopen-year で締めを解除してから記録してください）。"
                )
            plan, running = in_force(
                loaded.inputs.measures, list(loaded.inputs.items["item"]), loaded.inputs.revisions, year
            )
            row: dict[str, Any] = {"year": year, "reason": reason.strip(), "decided": day}
            if measure_id is not None:
                if measure_id not in plan:
                    raise InputError(f"指標ID「{measure_id}」は指標シートにありません。")
                if (target is None) == (baseline is None):
                    raise InputError("--target と --baseline のどちらか一方を指定してください。")
                kind, new = (
                    (c.REVISION_TARGET, target) if target is not None else (c.REVISION_BASELINE, baseline)
                )
                old = plan[measure_id][1 if target is not None else 0]
                subject = f"指標 {measure_id}"
                row.update(
                    kind=kind, measure_id=measure_id, old=plain_number(old), new=plain_number(float(new))
                )  # type: ignore[arg-type]
            elif item is not None:
                item = item_no(item)
                if item not in running:
                    raise InputError(
                        f"取組項目 No.{item} は取組項目シートにありません（追加する取組は先に行を加えてください）。"
                    )
                if added == ended:
                    raise InputError("--add と --end のどちらか一方を指定してください。")
                kind = c.REVISION_ADDED if added else c.REVISION_ENDED
                old, new, subject = None, None, f"No.{item}"
                row.update(kind=kind, item=item)
            else:
                raise InputError(
                    "--measure（目標値・基準値の見直し）か --item（取組の追加・終了）を指定してください。"
                )
            with progress.phase("書き込み") as phase:
                sheet, cell = _append(engine, row)
                stamp = (now or datetime.now()).strftime(STAMP)
                log = records(engine, c.CHANGE_LOG) + [
                    {
                        "time": stamp,
                        "kind": c.LOG_REVISION,
                        "sheet": sheet,
                        "cell": cell,
                        "old": old,
                        "new": row.get("new"),
                        "note": f"{subject} の{kind}を {year}年度から見直し（推進本部 {day}）。理由: {reason.strip()}",
                    }
                ]
                write_change_log(engine, log)
                engine.commit()
                phase.count("見直し", 1)
            return Revised(kind, subject, year, old, row.get("new"), f"{sheet}!{cell}")
    finally:
        engine.close()


def _append(engine: FileEngine, values: dict[str, Any]) -> tuple[str, str]:
    """Write one row into the first blank row of the table (or below it, growing the table)."""
    table = engine.read_table(c.REVISIONS)
    min_col, top, max_col, bottom = engine.table_bounds(c.REVISIONS.name)
    used = {table.header_row + o for o in (table.offsets or [])}
    free = [r for r in range(top + 1, bottom + 1) if r not in used]
    row = free[0] if free else bottom + 1
    cells = {}
    for col in c.REVISIONS.columns:
        j = table.column_index(col.header)
        if j is not None:
            cells[(row, min_col + j)] = values.get(col.key)
    engine.patch_cells(table.sheet, cells)
    if not free:
        engine.resize_table(c.REVISIONS.name, f"{column_letter(min_col)}{top}:{column_letter(max_col)}{row}")
    return table.sheet, f"{column_letter(min_col)}{row}"
