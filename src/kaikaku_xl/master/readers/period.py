"""The 計画期間の総括評価 table (contract PERIOD_REVIEW): per item, the grade staff typed for the whole plan period
and the 総括コメント. The computed columns beside them are refresh's and are not read. A grade that is not one of
the plan's (or 対象外) is an error naming its cell; a grade typed for an item its measures grade is a warning."""

from __future__ import annotations

import pandas as pd

from kaikaku_xl.errors import shown
from kaikaku_xl.master.contract.inputs import PERIOD_INPUT_KEYS, PERIOD_REVIEW
from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.plan import item_no
from kaikaku_xl.plan.vocabulary import grade_choices, typed_grade, unknown_grade
from kaikaku_xl.problems import ERROR, WARNING
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import RawTable

PERIOD_FRAME_COLUMNS = ["item", "grade", "comment", "cells"]


def typed_part(table: RawTable) -> RawTable:
    """The table with only the columns staff type (No and the inputs): what the loader's fingerprint hashes, so a
    refresh that writes the computed columns does not change it."""
    keep = [
        i
        for i, h in enumerate(table.headers)
        if h in {PERIOD_REVIEW.column(k).header for k in ("item", *PERIOD_INPUT_KEYS)}
    ]
    return RawTable(
        table.sheet,
        [table.headers[i] for i in keep],
        [[row[i] for i in keep] for row in table.rows],
        table.header_row,
        table.first_col,
        table.offsets,
    )


def read_period(log: ProblemLog, table: RawTable, items: pd.DataFrame) -> pd.DataFrame:
    """item, grade (None: not typed; 対象外 as typed), comment and the cells they came from, a row per item."""
    pos = log.require_columns(table, PERIOD_REVIEW, ("item", *PERIOD_INPUT_KEYS))
    if pos is None:
        return pd.DataFrame(columns=PERIOD_FRAME_COLUMNS)
    known = set(items["item"])
    with_measures = set(items.loc[items["n_measures"] > 0, "item"])
    labels, typed = log.scale.labels, log.scale.typed
    rows: dict[object, dict[str, object]] = {}
    for i, raw in enumerate(table.rows):
        item = item_no(raw[pos["item"]])
        if item is None or item not in known:
            log.problem(
                ERROR,
                table,
                i,
                pos["item"],
                f"取組項目 No「{shown(raw[pos['item']])}」は計画にありません。",
                "取組項目シートにある No を入力してください。この行は読み込んでいません。",
            )
            continue
        if item in rows:
            log.problem(
                WARNING,
                table,
                i,
                pos["item"],
                f"No.{item} の総括評価の行が複数あります。",
                "最初の行を使いました。重複した行の内容を消してください。",
            )
            continue
        grade = typed_grade(raw[pos["grade"]], labels) or None
        if grade and unknown_grade(grade, labels=labels):
            log.problem(
                ERROR,
                table,
                i,
                pos["grade"],
                f"総括評価「{shown(raw[pos['grade']])}」は使えません。",
                grade_choices(labels) + "未入力として扱いました。",
            )
            grade = None
        elif grade and item in with_measures and not typed:
            log.problem(
                WARNING,
                table,
                i,
                pos["grade"],
                f"No.{item} は指標で評価するため、入力された総括評価「{shown(grade)}」は使いません。",
                "評価欄を空欄にしてください（計画期間の評価は最終年度の実績から計算します）。",
            )
            grade = None
        rows[item] = {
            "item": item,
            "grade": grade,
            "comment": cell_text(raw[pos["comment"]]),
            "cells": {k: table.address(i, pos[k]) for k in PERIOD_INPUT_KEYS},
        }
    return pd.DataFrame(list(rows.values()), columns=PERIOD_FRAME_COLUMNS)
