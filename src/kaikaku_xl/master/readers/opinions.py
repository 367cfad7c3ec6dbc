"""The 懇談会意見 table (contract OPINIONS, issue 23): the 行財政改革懇談会's opinions, a row each, and the city's
answers. An opinion is identified by what the coordinator typed (年度, 日付, No, 意見: `opinion_key`), the key of its
answer cells in the cycle records (a department answers through its file, collect merges the answer three ways).
A row that cannot be placed (an unknown No, a year outside the plan, a bad date, no opinion) is an error naming
its cell and is left out; a blank 対応状況 reads as 未対応."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pandas as pd

from kaikaku_xl.errors import shown
from kaikaku_xl.master.contract.inputs import (
    OPINION_COORDINATOR,
    OPINION_STATES,
    OPINION_WHOLE,
    OPINIONS,
)
from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.master.readers.revisions import parse_day
from kaikaku_xl.plan import ItemNo, item_no
from kaikaku_xl.problems import ERROR
from kaikaku_xl.text import cell_text, match_key
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.typed import whole_number

OPINION_FRAME_COLUMNS = [
    "key",
    "year",
    "date",
    "item",
    "opinion",
    "department",
    "response",
    "state",
    "cells",
]
SKIPPED = "この行は読み込んでいません。"


def opinion_item(value: Any) -> ItemNo | None:
    """The No of an opinion: an item's number, or 全体 (typed in any width)."""
    if match_key(value) == OPINION_WHOLE:
        return OPINION_WHOLE
    return item_no(value)


def opinion_key(year: Any, date: Any, item: Any, opinion: Any) -> str:
    """An opinion's identity in the cycle records: a short hash of what the coordinator typed (its answer cells'
    row key; an opinion edited after distribution is another opinion, and its answer is not merged silently)."""
    text = json.dumps(
        [whole_number(year), parse_day(date) or cell_text(date), str(opinion_item(item)), match_key(opinion)],
        ensure_ascii=False,
    )
    return "O" + hashlib.sha256(text.encode()).hexdigest()[:15]


def opinion_department(item: ItemNo | None, leads: dict[Any, str]) -> str:
    """Who answers an opinion: the item's 主要担当課; the coordinator for 全体 ("" for an unknown No)."""
    if item == OPINION_WHOLE:
        return OPINION_COORDINATOR
    return leads.get(item, "") if item is not None else ""


def opinion_state(value: Any) -> str | None:
    """対応状況 as read: blank is 未対応; None for a word that is not one of the states."""
    text = match_key(value)
    if not text:
        return OPINION_STATES[0]
    return text if text in OPINION_STATES else None


def _placed(
    log: ProblemLog, table: RawTable, i: int, raw: list[Any], pos: dict[str, int], years: list[int]
) -> bool:
    """Whether the row's 年度, 日付 and 意見 can be read (an error naming the first cell that cannot)."""
    year = whole_number(raw[pos["year"]])
    if year is None or year not in years:
        span = f"{years[0]}〜{years[-1]}" if years else "計画期間の"
        log.problem(
            ERROR,
            table,
            i,
            pos["year"],
            f"年度「{shown(raw[pos['year']])}」は計画期間外です。",
            f"意見の対象の年度（{span}）を入力してください。" + SKIPPED,
        )
        return False
    date = raw[pos["date"]]
    if cell_text(date) and parse_day(date) is None:
        log.problem(
            ERROR,
            table,
            i,
            pos["date"],
            f"日付「{shown(date)}」が日付ではありません。",
            "懇談会の開催日を 2027-08-20 の形で入力してください。" + SKIPPED,
        )
        return False
    if not cell_text(raw[pos["opinion"]]):
        log.problem(
            ERROR, table, i, pos["opinion"], "意見が空欄です。", "意見の内容を入力してください。" + SKIPPED
        )
        return False
    return True


def read_opinions(log: ProblemLog, table: RawTable, items: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Every opinion that can be placed: its key, 年度, 日付 (YYYY-MM-DD or None), No (or 全体), 意見, 担当課 (from
    the item), 市の対応, 対応状況, and the address of each cell (cells)."""
    pos = log.require_columns(table, OPINIONS, [col.key for col in OPINIONS.columns])
    if pos is None:
        return pd.DataFrame(columns=OPINION_FRAME_COLUMNS)
    leads = {item_no(r.item): str(r.lead) for r in items.itertuples()}
    rows = []
    for i, raw in enumerate(table.rows):
        item = opinion_item(raw[pos["item"]])
        if item is None or (item != OPINION_WHOLE and item not in leads):
            log.problem(
                ERROR,
                table,
                i,
                pos["item"],
                f"No「{shown(raw[pos['item']])}」は計画の取組項目にありません。",
                f"取組項目シートにある No か「{OPINION_WHOLE}」を入力してください。" + SKIPPED,
            )
            continue
        if not _placed(log, table, i, raw, pos, years):
            continue
        state = opinion_state(raw[pos["state"]])
        if state is None:
            log.problem(
                ERROR,
                table,
                i,
                pos["state"],
                f"対応状況「{shown(raw[pos['state']])}」は使えません。",
                f"{'・'.join(OPINION_STATES)} から選んでください。{OPINION_STATES[0]}として扱いました。",
            )
            state = OPINION_STATES[0]
        year, date, opinion = raw[pos["year"]], raw[pos["date"]], raw[pos["opinion"]]
        rows.append(
            {
                "key": opinion_key(year, date, item, opinion),
                "year": whole_number(year),
                "date": parse_day(date),
                "item": item,
                "opinion": cell_text(opinion),
                "department": opinion_department(item, leads),
                "response": cell_text(raw[pos["response"]]),
                "state": state,
                "cells": {k: table.address(i, pos[k]) for k in pos},
            }
        )
    return pd.DataFrame(rows, columns=OPINION_FRAME_COLUMNS)


def opinions_about(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """The opinions a year's materials print: those about the year and the year before (the council meets on a
    year's results after the year ends)."""
    return frame[frame["year"].isin([year - 1, year])] if len(frame) else frame
