"""The coordinator's check of each department's return (plan §7: the 行革・DX推進担当部署 checks what departments
report): `kaikaku accept` (確定) and `kaikaku send-back --reason` (差戻し).

Every step is one row of the 確定記録 table (Acceptances), never rewritten: a send-back, the return that followed
(再回収, written by collect) and the acceptance all stay visible, and a department's state in a year is its latest
row. The state shown per department: 未回収 (its latest file not returned), 回収済 (returned, not yet checked),
差戻し (sent back, no new return yet), 確定 (accepted). A send-back's reason is printed on the 記入方法 sheet of the
department's next file (distribute --department); a new return from an accepted department re-opens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kaikaku_xl.errors import InputError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded, load
from kaikaku_xl.master.records import (
    Acceptance,
    ChangeLog,
    Distribution,
    closed_years,
    current_user,
    read_records,
    require_cycle_tables,
    timestamp,
    write_records,
)
from kaikaku_xl.metrics.items import running
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import Engine
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.typed import whole_number

NOT_COLLECTED, COLLECTED = "未回収", "回収済"  # the states without a row of their own in 確定記録
STATES = (NOT_COLLECTED, COLLECTED, c.ACCEPT_SENT_BACK, c.ACCEPT_ACCEPTED)


@dataclass(frozen=True)
class Standing:
    """A department's return in a year as the coordinator sees it."""

    state: str  # one of STATES
    accepted: str | None = None  # when it was accepted (確定)
    sent_back: dict[str, str] | None = None  # {reason, at} while a send-back awaits a new return
    last: Acceptance | None = None  # its latest row in 確定記録

    @property
    def note(self) -> str:
        """The latest step as the 提出状況 sheet shows it (「確定 2027-06-01 10:00:00」, 「差戻し …（理由）」)."""
        if self.last is None:
            return ""
        reason = cell_text(self.last.reason)
        return f"{cell_text(self.last.state)} {cell_text(self.last.at)}" + (f"（{reason}）" if reason else "")


def read_acceptances(engine: Engine) -> list[Acceptance]:
    """The 確定記録 rows (none in a master made before it existed and not upgraded yet: read-only commands)."""
    if not engine.has_table(c.ACCEPTANCES.name):
        return []
    return read_records(engine, Acceptance)


def latest_steps(records: list[Acceptance], year: int) -> dict[str, Acceptance]:
    """Department -> its latest row of `year` (later rows are later steps)."""
    return {str(r.department): r for r in records if whole_number(r.year) == year}


def standing(last: Acceptance | None, collected: bool) -> Standing:
    """A department's state from its latest step and whether its latest file of the year was returned."""
    state = cell_text(last.state) if last is not None else ""
    if state == c.ACCEPT_ACCEPTED and last is not None:
        return Standing(c.ACCEPT_ACCEPTED, accepted=cell_text(last.at), last=last)
    if state == c.ACCEPT_SENT_BACK and last is not None:
        sent_back = {"reason": cell_text(last.reason), "at": cell_text(last.at)}
        return Standing(c.ACCEPT_SENT_BACK, sent_back=sent_back, last=last)
    return Standing(COLLECTED if collected else NOT_COLLECTED, last=last)


def standings(engine: Engine, year: int) -> dict[str, Standing]:
    """Department -> its Standing in `year`, for every department with a distribution or a step that year."""
    latest = {str(d.department): d for d in _distributions(engine) if whole_number(d.year) == year}
    steps = latest_steps(read_acceptances(engine), year)
    return {
        department: standing(steps.get(department), department in latest and _returned(latest[department]))
        for department in dict.fromkeys([*latest, *steps])
    }


def sent_back_reasons(engine: Engine, year: int) -> dict[str, tuple[str, str]]:
    """Department -> (when, why) of a send-back still awaiting a new return: its next file says so."""
    return {
        department: (cell_text(step.at), cell_text(step.reason))
        for department, step in latest_steps(read_acceptances(engine), year).items()
        if cell_text(step.state) == c.ACCEPT_SENT_BACK
    }


def _distributions(engine: Engine) -> list[Distribution]:
    return read_records(engine, Distribution) if engine.has_table(c.DISTRIBUTIONS.name) else []


def _returned(record: Distribution) -> bool:
    return bool(cell_text(record.collected_at))


def year_departments(loaded: Loaded, year: int) -> list[str]:
    """The 主要担当課 with items running in `year`, in the plan's order."""
    items = loaded.inputs.items
    return list(dict.fromkeys(str(d) for d in items.loc[running(items, year), "lead"] if str(d)))


def known_department(loaded: Loaded, department: str, year: int) -> str:
    """The department as the plan names it, or an error naming the year's departments."""
    departments = year_departments(loaded, year)
    name = department.strip()
    if name not in departments:
        raise InputError(
            f"主要担当課「{department}」は{year}年度の取組項目にありません。"
            f"次のいずれかを指定してください: {'、'.join(departments)}"
        )
    return name


def unaccepted(engine: Engine, loaded: Loaded, year: int) -> list[str]:
    """The departments with items in `year` whose return is not accepted, each with its state (「総務課（回収済）」);
    none for a year never distributed (its inputs were typed into the master: there is no return to accept)."""
    if not any(whole_number(d.year) == year for d in _distributions(engine)):
        return []
    states = standings(engine, year)
    out = []
    for department in year_departments(loaded, year):
        state = states.get(department, Standing(NOT_COLLECTED)).state
        if state != c.ACCEPT_ACCEPTED:
            out.append(f"{department}（{state}）")
    return out


# ---- accept / send-back -----------------------------------------------------------------------------------------
@dataclass
class Step:
    """What accept / send-back did."""

    department: str
    year: int
    state: str  # 確定 or 差戻し
    at: str
    already: bool = False  # accepted before: nothing written


def _checked(
    engine: Engine, loaded: Loaded, department: str, year: int | None
) -> tuple[str, int, Distribution]:
    """The department, the year and the department's latest distribution of it, or why no step can be taken."""
    year = year or loaded.settings.evaluation_year
    name = known_department(loaded, department, year)
    if year in closed_years(engine):
        raise InputError(
            f"{year}年度は締められています。確定・差戻しするには kaikaku reopen-year で解除してください。"
        )
    mine = [d for d in _distributions(engine) if whole_number(d.year) == year and str(d.department) == name]
    if not mine:
        raise InputError(
            f"{name}には{year}年度の実績報告ファイルを配布していません（kaikaku distribute）。回収したファイルがありません。"
        )
    return name, year, mine[-1]


def _not_returned(name: str, year: int, record: Distribution, what: str) -> InputError:
    return InputError(
        f"{name}の{year}年度の実績報告ファイル（{cell_text(record.distributed_at)} 配布、"
        f"{cell_text(record.file)}）はまだ回収していません。回収してから{what}してください（kaikaku collect）。"
    )


def accept_into(
    engine: Engine,
    department: str,
    year: int | None = None,
    now: datetime | None = None,
    progress: Progress = SILENT,
) -> Step:
    """Mark the department's collected return as checked (確定), through any engine, its writer already."""
    require_cycle_tables(engine)
    loaded = load(engine, progress)
    name, year, record = _checked(engine, loaded, department, year)
    if not _returned(record):
        raise _not_returned(name, year, record, "確定")
    records = read_records(engine, Acceptance)
    last = latest_steps(records, year).get(name)
    if last is not None and cell_text(last.state) == c.ACCEPT_ACCEPTED:
        return Step(name, year, c.ACCEPT_ACCEPTED, cell_text(last.at), already=True)
    stamp = timestamp(now)
    row = Acceptance(
        year, name, c.ACCEPT_ACCEPTED, stamp, None, current_user(), cell_text(record.distribution_id)
    )
    _write(engine, [*records, row], stamp, f"{year}年度の{name}の返送内容を確定しました。", name)
    return Step(name, year, c.ACCEPT_ACCEPTED, stamp)


def send_back_into(
    engine: Engine,
    department: str,
    reason: str,
    year: int | None = None,
    now: datetime | None = None,
    progress: Progress = SILENT,
) -> Step:
    """Send the department's return back with the reason its next file shows, through any engine."""
    why = reason.strip()
    if not why:
        raise InputError(
            "差し戻す理由（--reason）を入力してください。担当課への次の配布ファイルの記入方法シートに載ります。"
        )
    require_cycle_tables(engine)
    loaded = load(engine, progress)
    name, year, record = _checked(engine, loaded, department, year)
    returned = [
        d for d in _distributions(engine) if whole_number(d.year) == year and str(d.department) == name
    ]
    if not any(_returned(d) for d in returned):
        raise _not_returned(name, year, record, "差し戻")
    records = read_records(engine, Acceptance)
    stamp = timestamp(now)
    row = Acceptance(
        year, name, c.ACCEPT_SENT_BACK, stamp, why, current_user(), cell_text(record.distribution_id)
    )
    note = (
        f"{year}年度の{name}の返送内容を差し戻しました。理由: {why}"
        f"（kaikaku distribute --department {name} で、理由を載せたファイルを配布し直してください）"
    )
    _write(engine, [*records, row], stamp, note, name)
    return Step(name, year, c.ACCEPT_SENT_BACK, stamp)


def _write(engine: Engine, records: list[Acceptance], stamp: str, note: str, department: str) -> None:
    write_records(engine, Acceptance, records)
    log = ChangeLog.read(engine, stamp)
    log.add(cell_text(records[-1].state), note, department=department)
    log.write(engine)
    engine.commit()


def accept(master: Path, department: str, **options: Any) -> Step:
    """`kaikaku accept`; options: year, now, progress (those of accept_into)."""
    engine = FileEngine(master)
    try:
        with engine.writing(c.ACCEPT_ACCEPTED):
            return accept_into(engine, department, **options)
    finally:
        engine.close()


def send_back(master: Path, department: str, reason: str, **options: Any) -> Step:
    """`kaikaku send-back`; options: year, now, progress (those of send_back_into)."""
    engine = FileEngine(master)
    try:
        with engine.writing(c.ACCEPT_SENT_BACK):
            return send_back_into(engine, department, reason, **options)
    finally:
        engine.close()


# ---- collect: a new return after a 確定 or a 差戻し ----------------------------------------------------------------
def recollected(
    records: list[Acceptance], log: ChangeLog, record: Distribution, file: str
) -> Acceptance | None:
    """The 再回収 row (and its 変更履歴 line) when a new return is collected from a department whose latest step
    is 確定 (its acceptance re-opens) or 差戻し (the send-back is answered); None otherwise."""
    year = whole_number(record.year)
    department = str(record.department)
    last = latest_steps(records, year or 0).get(department)
    state = cell_text(last.state) if last is not None else ""
    if year is None or state not in (c.ACCEPT_ACCEPTED, c.ACCEPT_SENT_BACK):
        return None
    if state == c.ACCEPT_ACCEPTED:
        why = f"確定後に新しい返送ファイル {file} を回収したため、確定を解除しました。"
    else:
        why = f"差戻しの後に返送ファイル {file} を回収しました。"
    row = Acceptance(
        year,
        department,
        c.ACCEPT_RECOLLECTED,
        log.time,
        why,
        current_user(),
        cell_text(record.distribution_id),
    )
    log.add(c.ACCEPT_RECOLLECTED, f"{year}年度の{department}: {why}", department=department, file=file)
    return row
