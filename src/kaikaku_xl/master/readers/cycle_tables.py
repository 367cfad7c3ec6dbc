"""Reading the 進捗状況 and 効果額台帳 tables (rows keyed by item No and 年度): part of inputs.Reader."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from kaikaku_xl.errors import shown as quoted
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.metrics.frames import LEDGER_COLUMNS, STATUS_COLUMNS
from kaikaku_xl.plan import item_no
from kaikaku_xl.plan.scale import EXCLUDED
from kaikaku_xl.plan.vocabulary import (
    LEDGER_KINDS,
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
from kaikaku_xl.xlsx.typed import NotANumber, parse_number, whole_number


def runs_in(items: pd.DataFrame, item: Any, year: int) -> bool:
    """Does the item run in this year (its 開始年度/終了年度; blank = the whole plan)?"""
    if "start_year" not in items:
        return True
    row = items[items["item"] == item]
    if not len(row):
        return True
    start, end = row["start_year"].iloc[0], row["end_year"].iloc[0]
    return (pd.isna(start) or int(start) <= year) and (pd.isna(end) or year <= int(end))


class CycleTablesReader(ProblemLog):
    """The readers of the tables keyed by item No and 年度."""

    def item_and_year(
        self,
        table: RawTable,
        i: int,
        raw: list[Any],
        pos: dict[str, int],
        known: set[int],
        years: list[int],
        consequence: str,
    ) -> tuple[int, int] | None:
        """The row's item No and 年度 when both belong to the plan; otherwise a problem and None."""
        item, year = item_no(raw[pos["item"]]), whole_number(raw[pos["year"]])
        if item not in known:
            self.problem(
                ERROR,
                table,
                i,
                pos["item"],
                f"取組項目 No「{quoted(raw[pos['item']])}」は計画にありません。",
                "取組項目シートにある No を入力してください。" + consequence,
            )
            return None
        if year not in years:
            self.problem(
                ERROR,
                table,
                i,
                pos["year"],
                f"年度「{quoted(raw[pos['year']])}」は計画期間外です。",
                f"{years[0]}〜{years[-1]} の年度を入力してください。" + consequence,
            )
            return None
        return item, year  # type: ignore[return-value]

    def plan_rows(
        self, table: RawTable, pos: dict[str, int], items: pd.DataFrame, years: list[int], consequence: str
    ) -> Iterator[tuple[int, list[Any], int, int]]:
        """(row index, row, item No, 年度) of each row whose item and year belong to the plan."""
        known = set(items["item"])
        for i, raw in enumerate(table.rows):
            keys = self.item_and_year(table, i, raw, pos, known, years, consequence)
            if keys is not None:
                yield i, raw, *keys

    # -- status -----------------------------------------------------------------------------------------
    def status(self, table: RawTable, items: pd.DataFrame, years: list[int]) -> pd.DataFrame:
        pos = self.require_columns(table, c.STATUS, [col.key for col in c.STATUS.columns])
        if pos is None:
            return pd.DataFrame(columns=[*STATUS_COLUMNS, "status", "results", "issues", "next"])
        with_measures = set(items.loc[items["n_measures"] > 0, "item"])
        rows = []
        for i, raw, item, year in self.plan_rows(table, pos, items, years, ""):
            if not runs_in(items, item, year):
                self.problem(
                    WARNING,
                    table,
                    i,
                    pos["year"],
                    f"No.{item} は {year}年度には実施しない項目です（開始・終了年度）。",
                    "この行は集計していません。取組項目シートの開始年度・終了年度を確認してください。",
                )
                continue
            labels = self.scale.labels
            grade = typed_grade(raw[pos["grade"]], labels) or None
            status = cell_text(raw[pos["status"]])
            if grade and unknown_grade(grade, labels=labels):
                self.problem(
                    ERROR,
                    table,
                    i,
                    pos["grade"],
                    f"評価「{quoted(raw[pos['grade']])}」は使えません。",
                    grade_choices(labels) + "未入力として扱いました。",
                )
                grade = None
            if status == EXCLUDED or grade == EXCLUDED:
                grade = EXCLUDED  # left out of every denominator this year (also for items with measures)
            elif grade and item in with_measures and not self.scale.typed:  # a typed scale grades every item
                self.problem(
                    WARNING,
                    table,
                    i,
                    pos["grade"],
                    f"No.{item} は指標で評価するため、入力された評価「{quoted(grade)}」は使いません。",
                    "評価欄を空欄にしてください。",
                )
                grade = None
            if unknown_status(status):
                self.problem(
                    WARNING,
                    table,
                    i,
                    pos["status"],
                    f"進捗状況「{quoted(status)}」は選択肢にありません。",
                    STATUS_CHOICES,
                )
            rows.append(
                {
                    "item": item,
                    "year": year,
                    "grade": grade,
                    "status": status,
                    "results": cell_text(raw[pos["results"]]),
                    "issues": cell_text(raw[pos["issues"]]),
                    "next": cell_text(raw[pos["next"]]),
                    "cells": {k: table.address(i, pos[k]) for k in ("status", "grade", *NARRATIVE_KEYS)},
                }
            )
        return pd.DataFrame(rows, columns=[*STATUS_COLUMNS, "status", "results", "issues", "next", "cells"])

    # -- ledger -----------------------------------------------------------------------------------------
    def ledger(self, table: RawTable, items: pd.DataFrame, years: list[int]) -> pd.DataFrame:
        pos = self.require_columns(table, c.LEDGER, [col.key for col in c.LEDGER.columns])
        if pos is None:
            return pd.DataFrame(columns=[*LEDGER_COLUMNS, "what"])
        rows = []
        for i, raw, item, year in self.plan_rows(table, pos, items, years, "この行は集計していません。"):
            kind = cell_text(raw[pos["kind"]])
            if kind not in LEDGER_KINDS:
                self.problem(
                    ERROR,
                    table,
                    i,
                    pos["kind"],
                    f"区分「{quoted(kind)}」は使えません。",
                    "歳出削減・歳入増加から選んでください。この行は集計していません。",
                )
                continue
            try:
                amount = parse_number(raw[pos["amount"]], "円")
            except NotANumber as exc:
                self.problem(
                    ERROR,
                    table,
                    i,
                    pos["amount"],
                    f"金額「{quoted(raw[pos['amount']])}」: {exc}。",
                    "円単位の数値を入力してください。この行は集計していません。",
                )
                continue
            if amount is None:
                self.problem(ERROR, table, i, pos["amount"], "金額が空欄です。", "金額を入力してください。")
                continue
            if not cell_text(raw[pos["basis"]]):
                self.problem(
                    WARNING,
                    table,
                    i,
                    pos["basis"],
                    "算定根拠が空欄です。",
                    "算定根拠を記入してください（監査・公表用）。",
                )
            rows.append(
                {
                    "item": item,
                    "year": year,
                    "kind": kind,
                    "amount": amount,
                    "what": cell_text(raw[pos["what"]]),
                }
            )
        return pd.DataFrame(rows, columns=[*LEDGER_COLUMNS, "what"])
