"""Closed years, as `load` sees them: the recorded inputs replace what the sheets now say (so figures stay),
and every difference is an error naming the cell (validate lists it; refresh shows it in 問題点)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.locate import actual_rows, positions
from kaikaku_xl.master.readers.revisions import parse_day
from kaikaku_xl.master.records import (
    ClosedYear,
    LogEntry,
    YearResult,
    cell_value,
    comparable,
    records_of,
)
from kaikaku_xl.metrics.frames import REVISION_COLUMNS, row_dicts
from kaikaku_xl.metrics.revisions import (
    ADDED,
    BASELINE,
    ENDED,
    TARGET,
    inactive_items,
    revise_grid,
)
from kaikaku_xl.plan import item_no
from kaikaku_xl.problems import ERROR, INFO, WARNING, Problem
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import Engine, RawTable
from kaikaku_xl.xlsx.typed import whole_number
from kaikaku_xl.years import wareki_date

ACTION = "締めたときの値に戻すか、kaikaku reopen-year で締めを解除してください。計算には締めたときの値を使いました。"


@dataclass(frozen=True)
class ClosedYears:
    """What the master recorded when years were closed: the closed years and their 年度確定値 table (read once by
    the loader; recorded_inputs and recorded.recorded_results take what each needs from it), the years whose
    record no longer matches its checksum, and the problems the check found (the loader lists them)."""

    years: frozenset[int] = frozenset()
    table: RawTable | None = None  # YEAR_RESULTS, read only when a year is closed
    tampered: frozenset[int] = frozenset()  # closed years whose 年度確定値 rows fail their checksum
    problems: tuple[Problem, ...] = ()


def read_closed_years(engine: Engine) -> ClosedYears:
    """The closed years and their records (none when no year is closed or the master has no such tables), each
    record checked against its checksum, and records that vanished reported."""
    if not (engine.has_table(c.CLOSED_YEARS.name) and engine.has_table(c.YEAR_RESULTS.name)):
        return ClosedYears()
    closed_table = engine.read_table(c.CLOSED_YEARS)
    closed = records_of(closed_table, ClosedYear)
    years = frozenset(y for r in closed if (y := whole_number(r.year)) is not None)
    table = engine.read_table(c.YEAR_RESULTS)
    rows = records_of(table, YearResult)
    problems = vanished_records(engine, years, rows)
    tampered = set()
    for i, record in enumerate(closed):
        year = whole_number(record.year)
        if year is None:
            continue
        mine = [r for r in rows if whole_number(r.year) == year]
        problem = checksum_problem(
            year, record, mine, closed_table.address(i, _checksum_column(closed_table))
        )
        if problem is not None:
            problems.append(problem)
            if problem.severity == ERROR:
                tampered.add(year)
    problems += decision_problems(closed_table, closed)
    if not years:
        return ClosedYears(problems=tuple(problems))
    return ClosedYears(years, table, frozenset(tampered), tuple(problems))


# ---- the 推進本部's verification of a closed year ---------------------------------------------------------------
@dataclass(frozen=True)
class YearDecision:
    """A closed year as the 締めた年度 sheet records it: the date the 推進本部 verified it (YYYY-MM-DD; "" not yet
    recorded) and the meeting's name ("" where none was given)."""

    decided_on: str = ""
    meeting: str = ""


PROVISIONAL = "速報（推進本部確認前）"  # what the materials of a year without a recorded verification say


def decision_line(decision: YearDecision) -> str:
    """「令和9年6月15日 行財政改革推進本部にて確認」 (和暦), with the meeting's name where one was recorded;
    PROVISIONAL without a date."""
    day = parse_day(decision.decided_on)
    if day is None:
        return PROVISIONAL
    y, m, d = (int(part) for part in day.split("-"))
    line = f"{wareki_date(date(y, m, d))}年{m}月{d}日 行財政改革推進本部にて確認"
    return f"{line}（{decision.meeting}）" if decision.meeting else line


def decision_problems(table: RawTable, closed: list[ClosedYear]) -> list[Problem]:
    """A warning for each 推進本部確認日 typed on the 締めた年度 sheet that is not a date (its year stays 速報)."""
    j = table.column_index(c.CLOSED_YEARS.column("decided_on").header)
    problems = []
    for i, record in enumerate(closed):
        typed = cell_text(record.decided_on)
        if j is not None and typed and parse_day(record.decided_on) is None:
            problems.append(
                Problem(
                    WARNING,
                    c.CLOSED_YEARS.sheet,
                    table.address(i, j),
                    f"推進本部確認日「{typed}」が日付ではありません。{cell_text(record.year)}年度の資料は"
                    "「速報（推進本部確認前）」のままです。",
                    "2027-06-15 のように入力するか、kaikaku close-year --decided-on で記録してください。",
                )
            )
    return problems


def read_decisions(engine: Engine) -> dict[int, YearDecision]:
    """Each closed year -> its record of the 推進本部's verification (empty for a master without the table)."""
    if not engine.has_table(c.CLOSED_YEARS.name):
        return {}
    out = {}
    for r in records_of(engine.read_table(c.CLOSED_YEARS), ClosedYear):
        year = whole_number(r.year)
        if year is not None:
            out[year] = YearDecision(parse_day(r.decided_on) or "", cell_text(r.meeting))
    return out


# ---- the record's checksum ------------------------------------------------------------------------------------
# Significant digits of a float a closed year's record keeps: LibreOffice saves 14–15 digits and rounds the last
# one its own way, so a computed figure (a rate's 17 digits) is recorded with 12 (close-year rounds it so) and the
# checksum reads every float at 12: a save by another program does not break it, an edit does.
RECORD_DIGITS = 12


def recorded_float(value: Any) -> Any:
    """A value as a closed year's record keeps it: a float at RECORD_DIGITS significant digits, whole numbers as
    int, blank as None, text stripped."""
    value = cell_value(value)
    if isinstance(value, float):
        value = cell_value(float(f"{value:.{RECORD_DIGITS}g}"))
    return value


_canonical = recorded_float  # what the checksum hashes


def record_checksum(rows: list[YearResult]) -> str:
    """SHA-256 over a closed year's recorded inputs and results (the former styles of locked cells left out: a
    save by another program may renumber them), independent of the rows' order (someone may sort the table)."""
    lines = sorted(
        json.dumps(
            [
                _canonical(r.year),
                cell_text(r.kind),
                cell_text(r.key),
                cell_text(r.field),
                _canonical(r.value),
            ],
            ensure_ascii=False,
        )
        for r in rows
        if cell_text(r.kind) != c.RECORD_STYLE
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _checksum_column(table: RawTable) -> int:
    j = table.column_index(c.CLOSED_YEARS.column("checksum").header)
    return j if j is not None else 0


TAMPERED_ACTION = (
    "年度確定値は手で変えないでください。バックアップ（backup フォルダー）から戻すか、記録し直すには "
    "kaikaku reopen-year で締めを解除し、もう一度 close-year で締めてください。"
)


def checksum_problem(year: int, record: ClosedYear, rows: list[YearResult], cell: str) -> Problem | None:
    """An error where the year's record no longer matches the checksum taken when it was closed; a note
    (information) for a year closed before checksums were recorded: its record is accepted as it is."""
    recorded = cell_text(record.checksum)
    if not recorded:
        return Problem(
            INFO,
            c.CLOSED_YEARS.sheet,
            "",
            f"{year}年度は、締めた記録を確かめるチェックサムを記録する前に締められています。"
            "記録はそのまま使っています。",
            "記録を確かめられるようにするには、kaikaku reopen-year で締めを解除し、もう一度 close-year で"
            "締めてください（急ぎではありません）。",
        )
    if recorded == record_checksum(rows):
        return None
    return Problem(
        ERROR,
        c.CLOSED_YEARS.sheet,
        cell,
        f"締めた{year}年度の記録（{c.YEAR_RESULTS.sheet}シート）が締めたときから変わっています"
        "（チェックサムが一致しません）。変わった値は締めたときの入力から計算し直した値で評価しました。",
        TAMPERED_ACTION,
    )


_CLOSE_NOTE = re.compile(r"^(\d{4})年度を締めました")
_REOPEN_NOTE = re.compile(r"^(\d{4})年度の締めを解除しました")


def _logged_closed(engine: Engine) -> set[int]:
    """The years the change log says are closed now: closed, and not reopened since."""
    if not engine.has_table(c.CHANGE_LOG.name):
        return set()
    state: dict[int, bool] = {}
    for entry in records_of(engine.read_table(c.CHANGE_LOG), LogEntry):
        note = cell_text(entry.note)
        for pattern, closed in ((_CLOSE_NOTE, True), (_REOPEN_NOTE, False)):
            found = pattern.match(note) if cell_text(entry.kind) in (c.LOG_CLOSE, c.LOG_REOPEN) else None
            if found:
                state[int(found.group(1))] = closed
    return {year for year, closed in state.items() if closed}


def vanished_records(engine: Engine, years: frozenset[int], rows: list[YearResult]) -> list[Problem]:
    """An error for each year whose 締めた年度 row is gone while its 年度確定値 rows or its close in the change log
    remain (the year would silently count as open again)."""
    recorded = {y for r in rows if (y := whole_number(r.year)) is not None}
    problems = []
    for year in sorted((recorded | _logged_closed(engine)) - years):
        where = (
            f"{c.YEAR_RESULTS.sheet}シートに記録が残っています"
            if year in recorded
            else f"{c.CHANGE_LOG.sheet}に締めた記録があります"
        )
        problems.append(
            Problem(
                ERROR,
                c.CLOSED_YEARS.sheet,
                "",
                f"{year}年度は締められていたはずですが、{c.CLOSED_YEARS.sheet}シートに行がありません（{where}）。"
                "締めた記録が消されたため、この年度は締めていない年度として扱っています。",
                "バックアップ（backup フォルダー）から戻してください。締めを解除したのなら、"
                f"{c.YEAR_RESULTS.sheet}シートの{year}年度の行も消してください。",
            )
        )
    return problems


def recorded_inputs(closed: ClosedYears) -> dict[int, list[YearResult]]:
    """Closed year -> its recorded input rows."""
    if closed.table is None:
        return {}
    out: dict[int, list[YearResult]] = {y: [] for y in closed.years}
    for r in records_of(closed.table, YearResult):
        year = whole_number(r.year)
        if year is not None and year in out and r.kind == c.RECORD_INPUT:
            out[year].append(r)
    return out


def _shown(value: Any) -> str:
    value = cell_value(value)
    return "空欄" if value is None else str(value)


def apply_closed_years(
    closed: dict[int, list[YearResult]],
    actual_table: RawTable | None,
    measures: pd.DataFrame,
    actuals: pd.DataFrame,
    status: pd.DataFrame,
    ledger: pd.DataFrame,
    problems: list[Problem],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The actuals, status and ledger with each closed year's recorded inputs put back; an error for each
    difference. closed: recorded_inputs."""
    for year, rows in sorted(closed.items()):
        actuals = _actuals(year, rows, actual_table, measures, actuals, problems)
        status = _status(year, rows, status, problems)
        ledger = _ledger(year, rows, ledger, problems)
    return actuals, status, ledger


def _actuals(
    year: int,
    rows: list[YearResult],
    table: RawTable | None,
    measures: pd.DataFrame,
    actuals: pd.DataFrame,
    problems: list[Problem],
) -> pd.DataFrame:
    recorded = {str(r.key): comparable(r.value) for r in rows if r.field == c.ACTUALS_TABLE}
    now = actuals[actuals["year"] == year].set_index("measure_id")["actual"].to_dict()
    where = actual_rows(table, measures) if table is not None else {}
    pos = positions(table, c.actuals_spec([year])) if table is not None else {}
    for m in row_dicts(measures, ("measure_id", "item", "name")):
        old, new = recorded.get(m["measure_id"]), comparable(now.get(m["measure_id"]))
        if old != new:
            i = where.get(m["measure_id"])
            cell = (
                table.address(i, pos[f"y{year}"])
                if table is not None and i is not None and f"y{year}" in pos
                else ""
            )
            problems.append(
                Problem(
                    ERROR,
                    table.sheet if table else "実績",
                    cell,
                    f"{year}年度は締められています。No.{m['item']}「{m['name']}」の実績が"
                    f"締めたときの {_shown(old)} から {_shown(new)} に変わっています。",
                    ACTION,
                )
            )
    kept = actuals[actuals["year"] != year]
    back = pd.DataFrame(
        [{"measure_id": k, "year": year, "actual": v} for k, v in recorded.items() if v is not None],
        columns=actuals.columns,
    )
    return pd.concat([kept, back], ignore_index=True) if len(back) else kept.reset_index(drop=True)


def _status(year: int, rows: list[YearResult], status: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    recorded: dict[Any, dict[str, Any]] = {}
    for record in rows:
        if str(record.field).startswith("Status:"):
            recorded.setdefault(item_no(record.key), {})[str(record.field)[7:]] = comparable(record.value)
    status = status.copy()
    current = status[status["year"] == year]
    seen = set()
    for index, r in zip(
        current.index.tolist(), row_dicts(current, ("item", *c.STATUS_KEYS, "cells")), strict=True
    ):
        item = item_no(r["item"])
        seen.add(item)
        old = recorded.get(item, {})
        cells = r["cells"] if isinstance(r["cells"], dict) else {}
        for key in c.STATUS_KEYS:
            if comparable(r[key]) != old.get(key):
                problems.append(
                    Problem(
                        ERROR,
                        c.STATUS.sheet,
                        cells.get(key, ""),
                        f"{year}年度は締められています。No.{item} の「{c.STATUS.column(key).header}」が"
                        f"締めたときの {_shown(old.get(key))} から {_shown(r[key])} に変わっています。",
                        ACTION,
                    )
                )
                status.at[index, key] = old.get(key) if key == "grade" else (old.get(key) or "")
    for item in set(recorded) - seen:
        problems.append(
            Problem(
                ERROR,
                c.STATUS.sheet,
                "",
                f"{year}年度は締められています。No.{item} の {year}年度の行がありません。",
                ACTION,
            )
        )
    return status


def _ledger(year: int, rows: list[YearResult], ledger: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    recorded = [json.loads(str(r.value)) for r in rows if r.field == c.LEDGER.name]
    current = ledger[ledger["year"] == year]
    now = [
        [item_no(r["item"]), r["kind"], cell_value(r["amount"]), r["what"]]
        for r in current.to_dict("records")
    ]
    as_key = lambda row: json.dumps(row, ensure_ascii=False)  # noqa: E731
    added = Counter(map(as_key, now)) - Counter(map(as_key, recorded))
    removed = Counter(map(as_key, recorded)) - Counter(map(as_key, now))
    if added or removed:
        problems.append(
            Problem(
                ERROR,
                c.LEDGER.sheet,
                "",
                f"{year}年度は締められています。{year}年度の行が締めたときと"
                f"違います（追加・変更 {sum(added.values())} 件、削除 {sum(removed.values())} 件）。",
                ACTION,
            )
        )
    back = pd.DataFrame(
        [{"item": r[0], "year": year, "kind": r[1], "amount": float(r[2]), "what": r[3]} for r in recorded],
        columns=ledger.columns,
    )
    kept = ledger[ledger["year"] != year]
    return pd.concat([kept, back], ignore_index=True) if len(back) else kept.reset_index(drop=True)


PLAN_BASELINE, PLAN_TARGET, PLAN_ACTIVE = "Plan:baseline", "Plan:target", "Plan:active"
PLAN_ACTION = (
    "適用開始年度を締めた年度より後にするか、kaikaku reopen-year で締めを解除してください。"
    "締めた年度は締めたときの計画の値で評価しました。"
)


def in_force(
    measures: pd.DataFrame, items: Any, revisions: pd.DataFrame, year: int
) -> tuple[dict[str, tuple[float, float]], dict[Any, bool]]:
    """Each measure's (baseline, target) and each item's running state in `year` under these revisions."""
    grid = revise_grid(measures[["measure_id", "baseline", "target"]].assign(year=year), revisions)
    plan = {
        measure_id: (float(baseline), float(target))
        for measure_id, baseline, target in zip(
            grid["measure_id"].tolist(), grid["baseline"].tolist(), grid["target"].tolist(), strict=True
        )
    }
    inactive = inactive_items(revisions, items, year)
    return plan, {item: item not in inactive for item in items}


def pin_closed_plan(
    closed: dict[int, list[YearResult]],
    measures: pd.DataFrame,
    items: pd.DataFrame,
    revisions: pd.DataFrame,
    problems: list[Problem],
) -> pd.DataFrame:
    """A closed year keeps the plan values it was closed with: a revision reaching back into it is an error, and
    the recorded values are pinned to that year (revisions rows with last_year)."""
    pins: list[dict[str, Any]] = []
    for year, rows in sorted(closed.items()):
        recorded: dict[tuple[str, str], Any] = {
            (str(r.field), str(r.key)): r.value for r in rows if str(r.field).startswith("Plan:")
        }
        if not recorded:
            continue  # closed before plan revisions were recorded
        numbers = items["item"].tolist()
        plan, running = in_force(measures, numbers, revisions, year)
        pins += _measure_pins(year, recorded, plan, measures, problems)
        pins += _item_pins(year, recorded, [(item, running[item]) for item in numbers], problems)
    if not pins:
        return revisions
    pinned = pd.DataFrame(pins, columns=REVISION_COLUMNS)
    return pd.concat([revisions, pinned], ignore_index=True) if len(revisions) else pinned


def _measure_pins(
    year: int,
    recorded: dict[tuple[str, str], Any],
    plan: dict[str, tuple[float, float]],
    measures: pd.DataFrame,
    problems: list[Problem],
) -> list[dict[str, Any]]:
    """The closed year's recorded 基準値 and 目標値 pinned to it; an error where a revision changes one."""
    pins = []
    for m in row_dicts(measures, ("measure_id", "name", "item")):
        for field, kind, index, label in (
            (PLAN_BASELINE, BASELINE, 0, "基準値"),
            (PLAN_TARGET, TARGET, 1, "目標値"),
        ):
            old = comparable(recorded.get((field, m["measure_id"])))
            if old is None:
                continue
            if old != comparable(plan[m["measure_id"]][index]):
                problems.append(
                    Problem(
                        ERROR,
                        c.REVISIONS.sheet,
                        "",
                        f"{year}年度は締められています。指標 {m['measure_id']}"
                        f"「{m['name']}」の{year}年度の{label}が、計画の見直しで締めたときの {_shown(old)} から "
                        f"{_shown(plan[m['measure_id']][index])} に変わります。",
                        PLAN_ACTION,
                    )
                )
            pins.append(
                {
                    "kind": kind,
                    "measure_id": m["measure_id"],
                    "item": m["item"],
                    "year": year,
                    "last_year": year,
                    "value": old,
                }
            )
    return pins


def _item_pins(
    year: int, recorded: dict[tuple[str, str], Any], running: list[tuple[Any, bool]], problems: list[Problem]
) -> list[dict[str, Any]]:
    """Whether each item ran in the closed year, pinned to it; an error where a revision changes that."""
    pins = []
    for item, runs in running:
        old = comparable(recorded.get((PLAN_ACTIVE, str(item))))
        if old is None:
            continue
        was = old == "はい"
        if was != runs:
            problems.append(
                Problem(
                    ERROR,
                    c.REVISIONS.sheet,
                    "",
                    f"{year}年度は締められています。No.{item} の取組が"
                    f"計画の見直しで{year}年度に{'実施しない' if was else '実施する'}ことになります。",
                    PLAN_ACTION,
                )
            )
        pins.append(
            {
                "kind": ADDED if was else ENDED,
                "measure_id": None,
                "item": item,
                "year": year,
                "last_year": year,
                "value": None,
            }
        )
    return pins
