"""The 推進本部's verification of a closed year (plan §7: the 推進本部 verifies the results before they are published).

`kaikaku close-year --decided-on YYYY-MM-DD --meeting TEXT` records it with the close; a city may close first and
record the meeting later: the same options on a year already closed record (or correct) only the decision, logged
in 変更履歴. The council materials of a year with a decision print 「令和n年m月d日 行財政改革推進本部にて確認」;
every other year's say 「速報（推進本部確認前）」 (export/view.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from kaikaku_xl.errors import InputError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.closed import YearDecision, decision_line
from kaikaku_xl.master.readers.revisions import parse_day
from kaikaku_xl.master.records import (
    ChangeLog,
    ClosedYear,
    current_user,
    read_records,
    timestamp,
    write_records,
)
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import Engine
from kaikaku_xl.xlsx.typed import whole_number
from kaikaku_xl.years import fiscal_year_end

MEETING_LIMIT = 200  # characters of a meeting's name (a print header keeps 60 of them)


def year_decision(
    year: int, decided_on: str | None, meeting: str | None, now: datetime | None
) -> YearDecision | None:
    """The decision the options give (None: no --decided-on), or a Japanese refusal: not a date, on or before the
    year's last day (31 March of year+1: its results are not known yet), after today (`now`), a meeting without a
    date."""
    meeting = (meeting or "").strip()
    if decided_on is None or not decided_on.strip():
        if meeting:
            raise InputError(
                "会議名（--meeting）だけでは記録できません。推進本部の確認日も --decided-on 2027-06-15 のように"
                "指定してください。"
            )
        return None
    day = parse_day(decided_on.strip())
    if day is None:
        raise InputError(
            f"推進本部確認日「{decided_on.strip()}」が日付ではありません（2027-06-15 のように指定してください）。"
        )
    _check_day(year, date.fromisoformat(day), (now or datetime.now()).date())
    if len(meeting) > MEETING_LIMIT:
        raise InputError(
            f"会議名（--meeting）が長すぎます（{len(meeting)} 文字。{MEETING_LIMIT} 文字まで）。"
        )
    return YearDecision(day, meeting)


def _check_day(year: int, day: date, today: date) -> None:
    end = fiscal_year_end(year)
    if day <= end:
        raise InputError(
            f"推進本部確認日 {day.isoformat()} は{year}年度の最終日（{end.isoformat()}）以前の日付です。推進本部が確認できるのは年度の"
            f"実績が出た後（{end.year}年4月1日以降）です。日付を確かめてください。"
        )
    if day > today:
        raise InputError(
            f"推進本部確認日 {day.isoformat()} は今日（{today.isoformat()}）より後の日付です。"
            "推進本部の会議が済んでから記録してください。"
        )


def with_decision(record: ClosedYear, decision: YearDecision | None) -> ClosedYear:
    """The 締めた年度 row with the decision (unchanged without one)."""
    if decision is None:
        return record
    return replace(record, decided_on=decision.decided_on, meeting=decision.meeting or None)


def record_decision_into(
    engine: Engine, year: int, decision: YearDecision, now: datetime | None = None
) -> bool:
    """Record the decision on the already closed `year` (only its two cells change), logged in 変更履歴; False
    when the year is not closed (the caller closes it)."""
    closed = read_records(engine, ClosedYear)
    at = next((i for i, r in enumerate(closed) if whole_number(r.year) == year), None)
    if at is None:
        return False
    before = closed[at]
    old = " ".join(t for t in (parse_day(before.decided_on) or "", cell_text(before.meeting)) if t)
    closed[at] = with_decision(before, decision)
    write_records(engine, ClosedYear, closed)
    new = " ".join(t for t in (decision.decided_on, decision.meeting) if t)
    log = ChangeLog.read(engine, timestamp(now))
    log.add(
        c.LOG_DECISION,
        f"{year}年度の推進本部の確認を{'記録し直し' if old else '記録し'}ました: {decision_line(decision)}。"
        f"利用者 {current_user()}",
        sheet=c.CLOSED_YEARS.sheet,
        old=old or None,
        new=new,
    )
    log.write(engine)
    return True


def dropped_decision(closed: list[ClosedYear], year: int) -> str:
    """What a reopen's 変更履歴 line adds when the reopened year had a recorded verification ("" when none): the
    row goes, and with it the decision (the materials say 速報 again until the year is closed with one)."""
    for r in closed:
        day = parse_day(r.decided_on)
        if whole_number(r.year) == year and day:
            return f"（記録していた推進本部の確認 {day} も外しました。締め直すときに --decided-on で記録してください）"
    return ""
