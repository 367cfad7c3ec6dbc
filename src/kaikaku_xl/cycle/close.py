"""Closing a year (`kaikaku close-year`) and reopening it (`kaikaku reopen-year --reason`).

Closing records the year's results (measures, items, roll-ups, 財政効果額) and the inputs they came from in the
YearResults table, locks the year's Actuals and Status cells (a locked grey style; the sheets are protected with
the contract's password), and logs it. From then on `load` reads the closed year's inputs from the record: a
changed input is an error naming the cell, and refresh keeps the recorded figures.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from kaikaku_xl.cycle.collect import write_change_log
from kaikaku_xl.cycle.distribute import STAMP, STATUS_KEYS
from kaikaku_xl.errors import InputError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.closed import PLAN_ACTIVE, PLAN_BASELINE, PLAN_TARGET, in_force
from kaikaku_xl.master.load import Loaded, count_inputs, load
from kaikaku_xl.master.locate import actual_rows, positions, status_rows
from kaikaku_xl.master.records import as_rows, cell_value, records, require_cycle_tables
from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.palette import REFERENCE_FILL
from kaikaku_xl.plan import item_no
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.a1 import column_index, column_letter, split_cell
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.typed import whole_number

INPUT, STYLE = "入力", "書式"


MEASURE_FIELDS = (
    "baseline",
    "target",
    "actual",
    "planned",
    "planned_progress",
    "progress",
    "attainment",
    "grade",
    "effect",
)


ITEM_FIELDS = ("grade", "single_year", "cumulative")


def rollup_fields(grades: tuple[str, ...]) -> tuple[str, ...]:
    """The roll-up figures a close records: counts per grade of the plan's scale (S..D by default) and −."""
    return (
        "items",
        "graded",
        *(f"n_{g}" for g in (*grades, "−")),
        "mean_progress",
        "effect_year",
        "effect_cumulative",
    )


PROTECTED_KEY = "protected_by_close"


LOCKED_SHEETS = (c.ACTUALS_TABLE, c.STATUS.name)


@dataclass
class Closed:
    year: int
    results: int  # result values recorded
    inputs: int  # input values recorded
    locked: int  # cells locked


def _user() -> str:
    try:
        return getpass.getuser()
    except OSError:
        return ""


def _rows(year: int, kind: str, key: Any, values: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"year": year, "kind": kind, "key": str(key), "field": f, "value": cell_value(v)}
        for f, v in values.items()
    ]


def input_records(loaded: Loaded, year: int) -> list[dict[str, Any]]:
    """The inputs of the year as the evaluation read them (parsed), the record `load` compares against."""
    out = []
    actuals = loaded.inputs.actuals
    for r in actuals[actuals["year"] == year].itertuples():
        out += _rows(year, INPUT, r.measure_id, {c.ACTUALS_TABLE: r.actual})
    status = loaded.status
    for r in status[status["year"] == year].to_dict("records"):
        out += _rows(year, INPUT, r["item"], {f"Status:{k}": r[k] for k in STATUS_KEYS})
    # The plan in force that year (after revisions): a revision reaching back into a closed year is an error.
    plan, running = in_force(
        loaded.inputs.measures, list(loaded.inputs.items["item"]), loaded.inputs.revisions, year
    )
    for measure_id, (baseline, target) in plan.items():
        out += _rows(year, INPUT, measure_id, {PLAN_BASELINE: baseline, PLAN_TARGET: target})
    for item, active in running.items():
        out += _rows(year, INPUT, item, {PLAN_ACTIVE: "はい" if active else "いいえ"})
    ledger = loaded.ledger
    for r in ledger[ledger["year"] == year].to_dict("records"):
        row = [item_no(r["item"]), r["kind"], cell_value(r["amount"]), r["what"]]
        out.append(
            {
                "year": year,
                "kind": INPUT,
                "key": "",
                "field": c.LEDGER.name,
                "value": json.dumps(row, ensure_ascii=False),
            }
        )
    return out


def result_records(loaded: Loaded, year: int) -> list[dict[str, Any]]:
    results = evaluate(loaded.inputs, replace(loaded.settings, evaluation_year=year))
    out = []
    for r in results.measures.to_dict("records"):
        out += _rows(year, "指標", r["measure_id"], {f: r.get(f) for f in MEASURE_FIELDS})
    effects = results.item_effects.set_index("item")
    for r in results.items.to_dict("records"):
        out += _rows(
            year,
            "項目",
            r["item"],
            {
                "grade": r["grade"],
                "single_year": effects.at[r["item"], "single_year"],
                "cumulative": effects.at[r["item"], "cumulative"],
            },
        )
    for kind, frame in (("基本方針", results.policies), ("担当課", results.leads), ("全体", results.total)):
        for r in frame.to_dict("records"):
            out += _rows(year, kind, r["group"], {f: r.get(f) for f in rollup_fields(loaded.layout.grades)})
    for r in results.effects[results.effects["year"] == year].to_dict("records"):
        out += _rows(year, "財政効果", year, {k: v for k, v in r.items() if k != "year"})
    return out


def _cells_to_lock(engine: FileEngine, loaded: Loaded, year: int) -> dict[str, set[tuple[int, int]]]:
    actual_spec = loaded.layout.table(c.ACTUALS_TABLE)
    cells: dict[str, set[tuple[int, int]]] = {}
    table = engine.read_table(actual_spec)
    pos = positions(table, actual_spec)
    if f"y{year}" in pos:
        col = table.first_col + pos[f"y{year}"]
        cells[table.sheet] = {
            (table.header_row + table.offsets[i], col)  # type: ignore[index]
            for i in actual_rows(table, loaded.inputs.measures).values()
        }
    table = engine.read_table(c.STATUS)
    pos = positions(table, c.STATUS)
    cols = [table.first_col + pos[k] for k in STATUS_KEYS if k in pos]
    cells[table.sheet] = {
        (table.header_row + table.offsets[i], col)  # type: ignore[index]
        for (_item, y), i in status_rows(table).items()
        if y == year
        for col in cols
    }
    return cells


def _info(engine: FileEngine) -> list[dict[str, Any]]:
    return records(engine, c.CYCLE_INFO)


def _lock_year(engine: FileEngine, loaded: Loaded, year: int) -> tuple[int, list[dict[str, Any]]]:
    """Lock the year's input cells (reference fill, sheets protected): how many, and their former styles as
    records (reopen-year puts them back)."""
    styles: list[dict[str, Any]] = []
    info = _info(engine)
    protected = [r for r in info if cell_text(r["key"]) == PROTECTED_KEY]
    newly = []
    locked = 0
    for sheet, cells in _cells_to_lock(engine, loaded, year).items():
        before = engine.lock_cells(sheet, cells, REFERENCE_FILL)
        locked += len(before)
        styles += [
            {
                "year": year,
                "kind": STYLE,
                "key": f"{sheet}!{column_letter(col)}{row}",
                "field": "s",
                "value": s,
            }
            for (row, col), s in sorted(before.items())
        ]
        if not engine.is_protected(sheet):
            engine.protect_sheet(sheet, c.PASSWORD_NOTE)
            newly.append(sheet)
    if newly:
        names = [s for r in protected for s in cell_text(r["value"]).split(",") if s] + newly
        info = [r for r in info if cell_text(r["key"]) != PROTECTED_KEY] + [
            {"key": PROTECTED_KEY, "value": ",".join(dict.fromkeys(names))}
        ]
        engine.write_table(c.CYCLE_INFO, as_rows(c.CYCLE_INFO, info))
    return locked, styles


def close_year(master: Path, year: int, now: datetime | None = None, progress: Progress = SILENT) -> Closed:
    """progress: the 読み込み / 計算 / 書き込み lines for the command line."""
    engine = FileEngine(master)
    try:
        with engine.writing("年度締め"):
            require_cycle_tables(engine)
            loaded = load(engine, progress)
            if year not in loaded.layout.years:
                raise InputError(
                    f"{year}年度は実績を入力する年度（{loaded.layout.years[0]}〜{loaded.layout.years[-1]}）"
                    "ではありません。"
                )
            closed = records(engine, c.CLOSED_YEARS)
            if any(whole_number(r["year"]) == year for r in closed):
                raise InputError(f"{year}年度は既に締められています。")
            if loaded.errors:
                raise InputError(
                    f"入力にエラーが {len(loaded.errors)} 件あります。kaikaku validate で確認し、"
                    "直してから締めてください。"
                )
            stamp = (now or datetime.now()).strftime(STAMP)
            with progress.phase("計算") as phase:
                inputs, results = input_records(loaded, year), result_records(loaded, year)
                count_inputs(phase, loaded)
            with progress.phase("書き込み") as phase:
                locked, styles = _lock_year(engine, loaded, year)
                history = records(engine, c.YEAR_RESULTS)
                engine.write_table(
                    c.YEAR_RESULTS, as_rows(c.YEAR_RESULTS, history + inputs + results + styles)
                )
                closing = {
                    "year": year,
                    "closed_at": stamp,
                    "user": _user(),
                    "fingerprint": loaded.fingerprint,
                }
                engine.write_table(c.CLOSED_YEARS, as_rows(c.CLOSED_YEARS, [*closed, closing]))
                note = (
                    f"{year}年度を締めました（結果 {len(results)} 件・入力 {len(inputs)} 件を記録、"
                    f"{locked} セルをロック）。利用者 {_user()}"
                )
                log = [*records(engine, c.CHANGE_LOG), {"time": stamp, "kind": c.LOG_CLOSE, "note": note}]
                write_change_log(engine, log)
                engine.commit()
                phase.count("記録", len(inputs) + len(results) + len(styles))
                phase.count("セルをロック", locked)
            return Closed(year, len(results), len(inputs), locked)
    finally:
        engine.close()


def reopen_year(
    master: Path, year: int, reason: str, now: datetime | None = None, progress: Progress = SILENT
) -> None:
    """progress: the 読み込み / 書き込み lines for the command line."""
    if not reason.strip():
        raise InputError("締めを解除する理由（--reason）を入力してください。変更履歴に記録します。")
    engine = FileEngine(master)
    try:
        with engine.writing("締め解除"):
            with progress.phase("読み込み") as phase:
                require_cycle_tables(engine)
                closed = records(engine, c.CLOSED_YEARS)
                if not any(whole_number(r["year"]) == year for r in closed):
                    raise InputError(f"{year}年度は締められていません。")
                history = records(engine, c.YEAR_RESULTS)
                restore: dict[str, dict[tuple[int, int], int]] = {}
                for r in history:
                    if whole_number(r["year"]) == year and r["kind"] == STYLE:
                        sheet, cell = str(r["key"]).rsplit("!", 1)
                        letter, row = split_cell(cell)
                        restore.setdefault(sheet, {})[(row, column_index(letter))] = int(r["value"] or 0)
                phase.count("記録", len(history))
            with progress.phase("書き込み") as phase:
                for sheet, styles in restore.items():
                    engine.restyle_cells(sheet, styles)
                remaining = [r for r in closed if whole_number(r["year"]) != year]
                if not remaining:
                    info = _info(engine)
                    for r in info:
                        if cell_text(r["key"]) == PROTECTED_KEY:
                            for sheet in (s for s in cell_text(r["value"]).split(",") if s):
                                engine.protect_sheet(sheet, None)
                    engine.write_table(
                        c.CYCLE_INFO,
                        as_rows(c.CYCLE_INFO, [r for r in info if cell_text(r["key"]) != PROTECTED_KEY]),
                    )
                engine.write_table(c.CLOSED_YEARS, as_rows(c.CLOSED_YEARS, remaining))
                engine.write_table(
                    c.YEAR_RESULTS,
                    as_rows(c.YEAR_RESULTS, [r for r in history if whole_number(r["year"]) != year]),
                )
                stamp = (now or datetime.now()).strftime(STAMP)
                note = f"{year}年度の締めを解除しました。理由: {reason.strip()}（利用者 {_user()}）"
                log = [*records(engine, c.CHANGE_LOG), {"time": stamp, "kind": c.LOG_REOPEN, "note": note}]
                write_change_log(engine, log)
                engine.commit()
                phase.count("セルのロックを解除", sum(len(styles) for styles in restore.values()))
    finally:
        engine.close()
