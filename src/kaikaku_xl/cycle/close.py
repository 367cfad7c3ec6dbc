"""Closing a year (`kaikaku close-year`) and reopening it (`kaikaku reopen-year --reason`).

Closing records the year's results (measures, items, roll-ups, 財政効果額) and the inputs they came from in the
YearResults table, locks the year's Actuals and Status cells (a locked grey style; the sheets are protected with
the contract's password), and logs it. From then on `load` reads the closed year's inputs from the record: a
changed input is an error naming the cell, and refresh keeps the recorded figures.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from kaikaku_xl.cycle.accept import unaccepted
from kaikaku_xl.cycle.decision import dropped_decision, record_decision_into, with_decision, year_decision
from kaikaku_xl.cycle.status import department_status, year_has_inputs
from kaikaku_xl.errors import EXIT_PROBLEMS, InputError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.closed import (
    PLAN_ACTIVE,
    PLAN_BASELINE,
    PLAN_TARGET,
    YearDecision,
    decision_line,
    in_force,
    record_checksum,
    recorded_float,
)
from kaikaku_xl.master.load import Loaded, count_inputs, load
from kaikaku_xl.master.locate import actual_rows, positions, sheet_row, status_rows
from kaikaku_xl.master.recorded import evaluate_kept
from kaikaku_xl.master.records import (
    ChangeLog,
    ClosedYear,
    InfoEntry,
    YearResult,
    cell_value,
    current_user,
    read_records,
    require_cycle_tables,
    timestamp,
    write_records,
)
from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.palette import REFERENCE_FILL
from kaikaku_xl.plan import item_no
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.a1 import column_index, column_letter, split_cell
from kaikaku_xl.xlsx.engine import Engine, LockingEngine
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.typed import whole_number

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


@dataclass
class Closed:
    year: int
    results: int  # result values recorded
    inputs: int  # input values recorded
    locked: int  # cells locked
    missing: int = 0  # inputs still missing when it was closed (with a reason)
    decision: YearDecision | None = None  # the 推進本部's verification recorded (cycle/decision.py)
    decision_only: bool = False  # the year was closed already: only the decision was recorded
    unaccepted: tuple[str, ...] = ()  # departments whose return was not accepted (closed with a reason)


# ---- what a close records -------------------------------------------------------------------------------------
def _rows(year: int, kind: str, key: Any, values: Mapping[Hashable, Any]) -> list[YearResult]:
    # an input exactly as read (compared with the sheet's cell); a computed figure at the record's digits
    keep = cell_value if kind == c.RECORD_INPUT else recorded_float
    return [YearResult(year, kind, str(key), str(f), keep(v)) for f, v in values.items()]


def input_records(loaded: Loaded, year: int) -> list[YearResult]:
    """The inputs of the year as the evaluation read them (parsed), the record `load` compares against."""
    out = []
    actuals = loaded.inputs.actuals
    for a in actuals[actuals["year"] == year].itertuples():
        out += _rows(year, c.RECORD_INPUT, a.measure_id, {c.ACTUALS_TABLE: a.actual})
    status = loaded.status
    for r in status[status["year"] == year].to_dict("records"):
        out += _rows(year, c.RECORD_INPUT, r["item"], {f"Status:{k}": r[k] for k in c.STATUS_KEYS})
    # The plan in force that year (after revisions): a revision reaching back into a closed year is an error.
    plan, running = in_force(
        loaded.inputs.measures, list(loaded.inputs.items["item"]), loaded.inputs.revisions, year
    )
    for measure_id, (baseline, target) in plan.items():
        out += _rows(year, c.RECORD_INPUT, measure_id, {PLAN_BASELINE: baseline, PLAN_TARGET: target})
    for item, active in running.items():
        out += _rows(year, c.RECORD_INPUT, item, {PLAN_ACTIVE: "はい" if active else "いいえ"})
    ledger = loaded.ledger
    for r in ledger[ledger["year"] == year].to_dict("records"):
        row = [item_no(r["item"]), r["kind"], cell_value(r["amount"]), r["what"]]
        out.append(YearResult(year, c.RECORD_INPUT, "", c.LEDGER.name, json.dumps(row, ensure_ascii=False)))
    return out


def result_records(loaded: Loaded, year: int) -> list[YearResult]:
    results = evaluate(loaded.inputs, replace(loaded.settings, evaluation_year=year))
    out = []
    for r in results.measures.to_dict("records"):
        out += _rows(year, c.RECORD_MEASURE, r["measure_id"], {f: r.get(f) for f in MEASURE_FIELDS})
    effects = results.item_effects.set_index("item")
    for r in results.items.to_dict("records"):
        out += _rows(
            year,
            c.RECORD_ITEM,
            r["item"],
            {
                "grade": r["grade"],
                "single_year": effects.at[r["item"], "single_year"],
                "cumulative": effects.at[r["item"], "cumulative"],
            },
        )
    for kind, frame in (
        (c.RECORD_POLICY, results.policies),
        (c.RECORD_LEAD, results.leads),
        (c.RECORD_TOTAL, results.total),
    ):
        for r in frame.to_dict("records"):
            out += _rows(year, kind, r["group"], {f: r.get(f) for f in rollup_fields(loaded.layout.grades)})
    for r in results.effects[results.effects["year"] == year].to_dict("records"):
        out += _rows(year, c.RECORD_EFFECTS, year, {k: v for k, v in r.items() if k != "year"})
    return out


# ---- locking the year's cells -----------------------------------------------------------------------------------
def _cells_to_lock(engine: LockingEngine, loaded: Loaded, year: int) -> dict[str, set[tuple[int, int]]]:
    actual_spec = loaded.layout.table(c.ACTUALS_TABLE)
    cells: dict[str, set[tuple[int, int]]] = {}
    table = engine.read_table(actual_spec)
    pos = positions(table, actual_spec)
    if f"y{year}" in pos:
        col = table.first_col + pos[f"y{year}"]
        cells[table.sheet] = {
            (sheet_row(table, i), col) for i in actual_rows(table, loaded.inputs.measures).values()
        }
    table = engine.read_table(c.STATUS)
    pos = positions(table, c.STATUS)
    cols = [table.first_col + pos[k] for k in c.STATUS_KEYS if k in pos]
    cells[table.sheet] = {
        (sheet_row(table, i), col)
        for (_item, y), i in status_rows(table).items()
        if y == year
        for col in cols
    }
    return cells


def _lock_year(engine: LockingEngine, loaded: Loaded, year: int) -> tuple[int, list[YearResult]]:
    """Lock the year's input cells (reference fill, sheets protected): how many, and their former styles as
    records (reopen-year puts them back)."""
    styles: list[YearResult] = []
    info = read_records(engine, InfoEntry)
    protected = [r for r in info if cell_text(r.key) == PROTECTED_KEY]
    newly = []
    locked = 0
    for sheet, cells in _cells_to_lock(engine, loaded, year).items():
        before = engine.lock_cells(sheet, cells, REFERENCE_FILL)
        locked += len(before)
        styles += [
            YearResult(year, c.RECORD_STYLE, f"{sheet}!{column_letter(col)}{row}", "s", s)
            for (row, col), s in sorted(before.items())
        ]
        if not engine.is_protected(sheet):
            engine.protect_sheet(sheet, c.PASSWORD_NOTE)
            newly.append(sheet)
    if newly:
        names = [s for r in protected for s in cell_text(r.value).split(",") if s] + newly
        info = [r for r in info if cell_text(r.key) != PROTECTED_KEY] + [
            InfoEntry(PROTECTED_KEY, ",".join(dict.fromkeys(names)))
        ]
        write_records(engine, InfoEntry, info)
    return locked, styles


# ---- close-year ---------------------------------------------------------------------------------------------------
def close_year(
    master: Path,
    year: int,
    now: datetime | None = None,
    progress: Progress = SILENT,
    reason: str = "",
    decided_on: str | None = None,
    meeting: str | None = None,
) -> Closed:
    """progress: the 読み込み / 計算 / 書き込み lines for the command line; reason: why the year is closed with
    inputs still missing (without it, open gaps refuse the close); decided_on, meeting: the 推進本部's
    verification (on a year already closed, only it is recorded)."""
    decision = year_decision(
        year, decided_on, meeting, now
    )  # a bad date is refused before the file is opened
    engine = FileEngine(master)
    try:
        with engine.writing("年度締め"):
            return close_year_into(engine, year, now, progress, reason, decision)
    finally:
        engine.close()


class OpenGaps(InputError):
    """close-year refused: inputs of the year are still missing (listed) and no reason was given."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, year: int, gaps: list[str], unaccepted: list[str] | None = None) -> None:
        shown = "\n".join(f"  ・{gap}" for gap in gaps)
        lines = []
        if gaps:
            lines.append(
                f"{year}年度には未入力が {len(gaps)} 件あります。締めると、この値のまま記録されロックされます。"
            )
            lines.append(shown)
        if (
            unaccepted
        ):  # cycle/accept.py: each department's return is checked (確定) before the year is closed
            lines.append(
                f"{year}年度の返送内容を確定していない担当課があります: {'、'.join(unaccepted)}。"
                "kaikaku accept --department 課名 で確定してください。"
            )
        super().__init__(
            "\n".join(lines)
            + "\n入力・確定してから締めるか、このまま締めるなら理由を --reason で指定してください"
            f"（{c.CLOSED_YEARS.sheet}と変更履歴に記録します）。"
        )
        self.gaps = gaps
        self.unaccepted = unaccepted or []


def open_gaps(engine: Engine, loaded: Loaded, year: int) -> list[str]:
    """Every input of the year still missing, by department: actuals, 進捗状況, grades, narratives, the reason of
    a proposed 対象外 (the list `kaikaku status` shows), and each 対象外 proposal the 推進本部 has not decided (closed
    undecided, the item stays graded)."""
    results = evaluate_kept(loaded, replace(loaded.settings, evaluation_year=year))
    return [
        f"{s.department}: {gap}"
        for s in department_status(engine, loaded, results, year)
        for gap in [
            *s.missing_cells,
            *(f"記述の不足 {n}" for n in s.narratives),
            *(f"対象外の提案（推進本部の決定待ち） {p}" for p in s.exclusion_proposals),
        ]
    ]


def _closable(engine: LockingEngine, loaded: Loaded, year: int) -> list[ClosedYear]:
    """The years closed so far, unless `year` cannot be closed: not a year of actuals, closed, inputs in error,
    after the evaluation year or without a single input (closing it would block every later revision)."""
    years = loaded.layout.years
    if year not in years:
        raise InputError(f"{year}年度は実績を入力する年度（{years[0]}〜{years[-1]}）ではありません。")
    closed = read_records(engine, ClosedYear)
    if any(whole_number(r.year) == year for r in closed):
        raise InputError(
            f"{year}年度は既に締められています。推進本部の確認を記録するには、--decided-on 2027-06-15"
            "（と --meeting 会議名）を付けて close-year を実行してください。"
        )
    if loaded.errors:
        raise InputError(
            f"入力にエラーが {len(loaded.errors)} 件あります。kaikaku validate で確認し、"
            "直してから締めてください。"
        )
    evaluation_year = loaded.settings.evaluation_year
    if year > evaluation_year:
        raise InputError(
            f"{year}年度は評価年度（{evaluation_year}年度、設定シート）より後の年度です。まだ締められません"
            "（締めると、その年度以前からの計画の見直しが記録できなくなります）。"
        )
    if not year_has_inputs(loaded, year):
        raise InputError(f"{year}年度には実績も進捗状況も入力されていません。締められません。")
    return closed


def close_year_into(
    engine: LockingEngine,
    year: int,
    now: datetime | None = None,
    progress: Progress = SILENT,
    reason: str = "",
    decision: YearDecision | None = None,
) -> Closed:
    """Close a year through an engine that locks cells (the file engine), its writer already. decision: the
    推進本部's verification (year_decision); on a year already closed only it is recorded."""
    require_cycle_tables(engine)
    if decision is not None and record_decision_into(engine, year, decision, now):
        engine.commit()
        return Closed(year, 0, 0, 0, decision=decision, decision_only=True)
    loaded = load(engine, progress)
    closed = _closable(engine, loaded, year)
    stamp = timestamp(now)
    with progress.phase("計算") as phase:
        gaps = open_gaps(engine, loaded, year)
        waiting = unaccepted(engine, loaded, year)
        if (gaps or waiting) and not reason.strip():
            raise OpenGaps(year, gaps, waiting)
        inputs, results = input_records(loaded, year), result_records(loaded, year)
        count_inputs(phase, loaded)
    with progress.phase("書き込み") as phase:
        locked, styles = _lock_year(engine, loaded, year)
        history = read_records(engine, YearResult)
        write_records(engine, YearResult, [*history, *inputs, *results, *styles])
        user = current_user()
        why = reason.strip() if gaps or waiting else ""
        record = ClosedYear(year, stamp, user, loaded.fingerprint, record_checksum([*inputs, *results]), why)
        write_records(engine, ClosedYear, [*closed, with_decision(record, decision)])
        _log_close(
            engine,
            stamp,
            year,
            (len(results), len(inputs), locked),
            user,
            (len(gaps), why),
            decision,
            waiting,
        )
        engine.commit()
        phase.count("記録", len(inputs) + len(results) + len(styles))
        phase.count("セルをロック", locked)
    return Closed(year, len(results), len(inputs), locked, len(gaps), decision, unaccepted=tuple(waiting))


def _log_close(
    engine: Engine,
    stamp: str,
    year: int,
    counts: tuple[int, int, int],
    user: str,
    gaps: tuple[int, str],
    decision: YearDecision | None = None,
    waiting: Sequence[str] = (),
) -> None:
    """The 変更履歴 line of a close (its note starts with 「{year}年度を締めました」: master/closed.py reads it)."""
    results, inputs, locked = counts
    missing, why = gaps
    note = (
        f"{year}年度を締めました（結果 {results:,} 件・入力 {inputs:,} 件を記録、{locked:,} セルをロック）。"
        f"利用者 {user}"
    )
    if missing:
        note += f"。未入力 {missing:,} 件のまま締めました"
    if waiting:
        note += f"。確定していない担当課（{'、'.join(waiting)}）のまま締めました"
    if missing or waiting:
        note += f"。理由: {why}"
    if decision is not None:
        note += f"。{decision_line(decision)}"
    log = ChangeLog.read(engine, stamp)
    log.add(c.LOG_CLOSE, note)
    log.write(engine)


# ---- reopen-year --------------------------------------------------------------------------------------------------
def reopen_year(
    master: Path, year: int, reason: str, now: datetime | None = None, progress: Progress = SILENT
) -> None:
    """progress: the 読み込み / 書き込み lines for the command line."""
    if not reason.strip():
        raise InputError("締めを解除する理由（--reason）を入力してください。変更履歴に記録します。")
    engine = FileEngine(master)
    try:
        with engine.writing("締め解除"):
            reopen_year_into(engine, year, reason, now, progress)
    finally:
        engine.close()


def _former_styles(history: list[YearResult], year: int) -> dict[str, dict[tuple[int, int], int]]:
    """Sheet -> (row, column) -> the style a cell had before the year was closed."""
    restore: dict[str, dict[tuple[int, int], int]] = {}
    for r in history:
        if whole_number(r.year) == year and r.kind == c.RECORD_STYLE:
            sheet, cell = str(r.key).rsplit("!", 1)
            letter, row = split_cell(cell)
            restore.setdefault(sheet, {})[(row, column_index(letter))] = whole_number(r.value) or 0
    return restore


def _unprotect(engine: LockingEngine) -> None:
    """Remove the protection the closes put on sheets (the last closed year reopened)."""
    info = read_records(engine, InfoEntry)
    for r in info:
        if cell_text(r.key) == PROTECTED_KEY:
            for sheet in (s for s in cell_text(r.value).split(",") if s):
                engine.protect_sheet(sheet, None)
    write_records(engine, InfoEntry, [r for r in info if cell_text(r.key) != PROTECTED_KEY])


def reopen_year_into(
    engine: LockingEngine, year: int, reason: str, now: datetime | None = None, progress: Progress = SILENT
) -> None:
    """Reopen a closed year through an engine that locks cells (the file engine), its writer already."""
    with progress.phase("読み込み") as phase:
        require_cycle_tables(engine)
        closed = read_records(engine, ClosedYear)
        if not any(whole_number(r.year) == year for r in closed):
            raise InputError(f"{year}年度は締められていません。")
        history = read_records(engine, YearResult)
        restore = _former_styles(history, year)
        phase.count("記録", len(history))
    with progress.phase("書き込み") as phase:
        for sheet, styles in restore.items():
            engine.restyle_cells(sheet, styles)
        remaining = [r for r in closed if whole_number(r.year) != year]
        if not remaining:
            _unprotect(engine)
        write_records(engine, ClosedYear, remaining)
        write_records(engine, YearResult, [r for r in history if whole_number(r.year) != year])
        log = ChangeLog.read(engine, timestamp(now))
        log.add(
            c.LOG_REOPEN,
            f"{year}年度の締めを解除しました。理由: {reason.strip()}（利用者 {current_user()}）"
            + dropped_decision(closed, year),
        )
        log.write(engine)
        engine.commit()
        phase.count("セルのロックを解除", sum(len(styles) for styles in restore.values()))
