"""The council materials' 懇談会からの意見と市の対応 section (issue 23): the 行財政改革懇談会's opinions about the evaluated
year and the year before (the council meets on a year's results after the year, so the materials of a year print
the opinions on the year before with the city's answers so far, and those on the year itself once typed), each
with the city's answer and its state. The same opinions are `report --json`'s `opinions`."""

from __future__ import annotations

import datetime

import pandas as pd

from kaikaku_xl.export.cells import Column, Group, Table, center, date_label, text
from kaikaku_xl.export.report import CouncilOpinion, Report
from kaikaku_xl.master.contract.inputs import OPINION_WHOLE
from kaikaku_xl.master.readers.opinions import opinions_about
from kaikaku_xl.plan import item_no

TITLE = "懇談会からの意見と市の対応"
CAPTION = (
    "行財政改革懇談会からいただいた意見と、それに対する市の対応です（評価年度とその前年度についての意見）。"
    "市の対応が空欄のものは対応を検討中です。"
)
NOT_YET = "（検討中）"


def council_opinions(frame: pd.DataFrame, year: int) -> tuple[CouncilOpinion, ...]:
    """The opinions about `year` and the year before, by year, date and No (as the 懇談会意見 sheet reads them)."""
    if not len(frame):
        return ()
    shown = opinions_about(frame, year)
    records = [
        CouncilOpinion(
            year=int(o["year"]),
            date=o["date"] if isinstance(o["date"], str) else None,  # (pandas: NaN for None)
            item=item_no(o["item"]) or OPINION_WHOLE,  # (pandas' int64 as int)
            opinion=str(o["opinion"]),
            department=str(o["department"]),
            answer=str(o["response"] or ""),
            state=str(o["state"]),
        )
        for o in shown.to_dict("records")
    ]
    return tuple(sorted(records, key=_order))


def _order(o: CouncilOpinion) -> tuple[int, str, int, str]:
    """By year, meeting date, then No (全体 first, then items by number)."""
    whole = o.item == OPINION_WHOLE
    return (
        o.year,
        o.date or "",
        0 if whole else 1,
        f"{o.item:>8}" if isinstance(o.item, int) else str(o.item),
    )


def _day(value: str | None) -> str:
    if not value:
        return "−"
    try:
        return date_label(datetime.date.fromisoformat(value))
    except ValueError:
        return value


def opinions_table(report: Report) -> Table | None:
    """None when there is no opinion to print (the section is left out)."""
    if not report.opinions:
        return None
    titles = {i.no: i.title for i in report.items}
    rows = []
    for o in report.opinions:
        subject = OPINION_WHOLE if o.item == OPINION_WHOLE else f"No.{o.item} {titles.get(o.item, '')}"
        rows.append(
            [
                center(f"{o.year}年度"),
                text(_day(o.date)),
                text(subject),
                text(o.opinion),
                text(o.department),
                text(o.answer or NOT_YET),
                center(o.state),
            ]
        )
    columns = [
        Column("対象年度", 10, "center"),
        Column("懇談会", 18),
        Column("取組項目", 22),
        Column("意見", 40),
        Column("担当課", 14),
        Column("市の対応", 40),
        Column("対応状況", 9, "center"),
    ]
    return Table("opinions", CAPTION, columns, [Group(None, rows)])
