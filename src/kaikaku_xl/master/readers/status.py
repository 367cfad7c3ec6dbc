"""The 進捗状況 table (contract.STATUS): one row per item and 年度 (評価, 進捗状況, the narratives), read into the
status frame. A row of a year its item does not run in is left out with a warning; a grade or a 進捗状況 that is
not one of the plan's is reported where it was typed. 対象外 (in 進捗状況 or 評価) is read as typed: it is a
department's proposal, which takes effect only through a 計画の見直し row (docs/decisions.md)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kaikaku_xl.errors import shown
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.readers.base import ProblemLog, plan_rows
from kaikaku_xl.metrics.frames import STATUS_COLUMNS
from kaikaku_xl.metrics.items import running_items
from kaikaku_xl.plan import ItemNo
from kaikaku_xl.plan.scale import EXCLUDED
from kaikaku_xl.plan.vocabulary import (
    NARRATIVE_KEYS,
    STATUS_CHOICES,
    grade_choices,
    typed_grade,
    unknown_grade,
    unknown_status,
)
from kaikaku_xl.problems import ERROR, WARNING
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import RawTable

FRAME_COLUMNS = [*STATUS_COLUMNS, "status", "results", "issues", "next"]


def read_status(log: ProblemLog, table: RawTable, items: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """item, year, grade, status, results, issues, next and the cells they came from (for messages)."""
    pos = log.require_columns(table, c.STATUS, [col.key for col in c.STATUS.columns])
    if pos is None:
        return pd.DataFrame(columns=FRAME_COLUMNS)
    with_measures = set(items.loc[items["n_measures"] > 0, "item"])
    scale = (log.scale.labels, log.scale.typed)  # the plan's grades; graded by the departments
    running = running_items(items, years)  # year -> the items that run in it
    rows = []
    for i, raw, item, year in plan_rows(log, table, pos, set(items["item"]), years, ""):
        if item not in running[year]:
            log.problem(
                WARNING,
                table,
                i,
                pos["year"],
                f"No.{item} は {year}年度には実施しない項目です（開始・終了年度）。",
                "この行は集計していません。取組項目シートの開始年度・終了年度を確認してください。",
            )
            continue
        rows.append(
            {
                "item": item,
                "year": year,
                "grade": _grade(log, table, i, raw, pos, item, item in with_measures, scale),
                "status": cell_text(raw[pos["status"]]),
                "results": cell_text(raw[pos["results"]]),
                "issues": cell_text(raw[pos["issues"]]),
                "next": cell_text(raw[pos["next"]]),
                "cells": {k: table.address(i, pos[k]) for k in ("status", "grade", *NARRATIVE_KEYS)},
            }
        )
    return pd.DataFrame(rows, columns=[*FRAME_COLUMNS, "cells"])


def _grade(
    log: ProblemLog,
    table: RawTable,
    i: int,
    raw: list[Any],
    pos: dict[str, int],
    item: ItemNo,
    has_measures: bool,
    scale: tuple[tuple[str, ...], bool],
) -> str | None:
    """The row's 評価 as the plan's scale reads it (None: not entered, or not used), and a warning for a
    進捗状況 that is not one of the choices."""
    labels, typed = scale
    grade = typed_grade(raw[pos["grade"]], labels) or None
    status = cell_text(raw[pos["status"]])
    if grade and unknown_grade(grade, labels=labels):
        log.problem(
            ERROR,
            table,
            i,
            pos["grade"],
            f"評価「{shown(raw[pos['grade']])}」は使えません。",
            grade_choices(labels) + "未入力として扱いました。",
        )
        grade = None
    if grade == EXCLUDED:
        pass  # a proposal (metrics.items.exclusion_proposals): only a 計画の見直し row takes the item out
    elif grade and has_measures and not typed:  # a typed scale grades every item
        log.problem(
            WARNING,
            table,
            i,
            pos["grade"],
            f"No.{item} は指標で評価するため、入力された評価「{shown(grade)}」は使いません。",
            "評価欄を空欄にしてください。",
        )
        grade = None
    if unknown_status(status):
        log.problem(
            WARNING,
            table,
            i,
            pos["status"],
            f"進捗状況「{shown(status)}」は選択肢にありません。",
            STATUS_CHOICES,
        )
    return grade
