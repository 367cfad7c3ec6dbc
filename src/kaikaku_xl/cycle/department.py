"""Department workbooks: built by the same contract and table writer as the master (a subset of rows). They are
read back when they return by returned.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl.cycle.clerk_guide import GuideRow, write_guide
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.inputs import OPINION_ANSWER_KEYS, OPINION_STATES, OPINIONS
from kaikaku_xl.master.records import cell_value
from kaikaku_xl.master.sheets import first_sheet, print_setup, protect_sheet, write_table
from kaikaku_xl.master.validation import (
    AMOUNT_PROMPT,
    OPINION_STATE_PROMPT,
    STATUS_PROMPT,
    VALUE_PROMPT,
    number_hint,
)
from kaikaku_xl.plan.scale import EXCLUDED
from kaikaku_xl.plan.vocabulary import LEDGER_KINDS, STATUS_VALUES
from kaikaku_xl.textfit import row_height
from kaikaku_xl.xlsx.rows import table_rows
from kaikaku_xl.xlsx.styles import apply
from kaikaku_xl.xlsx.tablespec import TableSpec
from kaikaku_xl.xlsx.textcell import put_value
from kaikaku_xl.xlsx.validation import add_validation, choice_list, whole_check


@dataclass
class Beside:
    """Read-only columns written beside a table, outside it (not part of the Excel table: a return is read by its
    headers, and these are the department's to check against, never to fill): headers, widths, and per table
    row the values and their number formats."""

    headers: list[str]
    widths: list[float]
    rows: list[list[Any]]
    formats: list[str]  # per table row (the measure's decimals)
    wrap: list[bool] = field(default_factory=list)  # per column


@dataclass
class DepartmentTable:
    """One table of a department file: its records (by column key), and which cells (row index, column key) the
    department fills."""

    spec: TableSpec
    records: list[dict[str, Any]]
    editable_rows: set[int]
    editable_keys: set[str]
    row_formats: list[str] | None = None  # per-measure number formats (the measure's decimals)
    locked: set[tuple[int, str]] = field(default_factory=set)  # cells of editable rows that stay grey
    beside: Beside | None = None
    hidden_keys: set[str] = field(default_factory=set)  # columns hidden (later years: nothing to see yet)

    @property
    def rows(self) -> list[list[Any]]:
        """The records as the table's rows, in the order of its columns (a missing key is a bug: KeyError)."""
        return [[record[col.key] for col in self.spec.columns] for record in self.records]

    def editable(self, row: int, key: str) -> bool:
        return row in self.editable_rows and key in self.editable_keys and (row, key) not in self.locked


@dataclass
class DepartmentBook:
    department: str
    year: int
    guide: list[GuideRow]
    tables: list[DepartmentTable]
    identity: dict[str, str]
    items: list[Any] = field(default_factory=list)  # the department's item numbers (ledger dropdown)
    grades: tuple[str, ...] = ("S", "A", "B", "C", "D")  # the plan's grade labels (評価 dropdown)
    typed: bool = False  # the plan's scale is typed: every item takes a grade


# The note above 懇談会意見 in a department file (the master's says who types what there).
OPINION_NOTE = (
    "行財政改革懇談会からこの課の取組項目へ寄せられた意見です。市の対応と対応状況（黄色）を記入してください。"
    "意見の内容は変更しないでください（変更した行の回答は取り込まれません）。"
)


def opinion_table(
    opinions: pd.DataFrame, department: str, year: int, snapshot: list[tuple[str, str, str, Any]]
) -> DepartmentTable | None:
    """懇談会意見: the opinions on the department's items about the distributed year or before (None: none), their
    市の対応 and 対応状況 the department's to fill (the opinion itself grey); each answer cell in the snapshot (the
    base of collect's merge), 対応状況 as read (blank is 未対応)."""
    mine = (
        opinions[(opinions["department"] == department) & (opinions["year"] <= year)]
        if len(opinions)
        else opinions
    )
    if not len(mine):
        return None
    records = []
    for o in mine.itertuples():  # in the master's order (the coordinator's, as the council spoke)
        day = datetime.date.fromisoformat(o.date) if isinstance(o.date, str) else None  # (NaN: none)
        records.append(
            {
                "year": o.year,
                "date": day,
                "item": o.item,
                "opinion": o.opinion,
                "department": o.department,
                "response": cell_value(o.response),
                "state": o.state,
            }
        )
        snapshot.extend(
            (OPINIONS.name, str(o.key), k, cell_value(getattr(o, k))) for k in OPINION_ANSWER_KEYS
        )
    return DepartmentTable(OPINIONS, records, set(range(len(records))), set(OPINION_ANSWER_KEYS))


def build_department_workbook(book: DepartmentBook) -> Workbook:
    wb = Workbook()
    guide = first_sheet(wb)
    guide.title = c.SHEET_DEPARTMENT_GUIDE
    write_guide(guide, book.guide)
    protect_sheet(guide)  # only the 記入者・課長確認 fields are open
    for table in book.tables:
        ws = wb.create_sheet(table.spec.sheet)
        write_table(ws, table.spec, table.rows, editable=table.editable, row_formats=table.row_formats)
        if table.spec.name == OPINIONS.name:
            put_value(ws.cell(row=2, column=table.spec.anchor_col), OPINION_NOTE)
        _write_beside(ws, table)
        ws.freeze_panes = ws.cell(
            row=table.spec.anchor_row + 1, column=4 if table.spec.name == c.ACTUALS_TABLE else 1
        )
        print_setup(ws, table.spec.anchor_row)
        _department_checks(ws, table, book)
        protect_sheet(ws)
    ident = wb.create_sheet(c.IDENTITY.sheet)
    identity = [{"key": k, "value": book.identity.get(k, "")} for k in c.IDENTITY_KEYS]
    write_table(ident, c.IDENTITY, table_rows(c.IDENTITY, identity), title=False)
    ident.sheet_state = "hidden"
    protect_sheet(ident)
    wb.properties.title = f"{book.year}年度 {book.department} 実績報告"
    wb.properties.creator = "kaikaku-xl"
    return wb


def _write_beside(ws: Worksheet, table: DepartmentTable) -> None:
    """The table's hidden columns, and its read-only columns beside it (right of its last column)."""
    spec = table.spec
    keys = [col.key for col in spec.columns]
    for key in table.hidden_keys:
        ws.column_dimensions[get_column_letter(spec.anchor_col + keys.index(key))].hidden = True
    beside = table.beside
    if beside is None or not beside.rows:  # no measures: nothing to check against
        return
    left, top = spec.anchor_col + len(spec.columns), spec.anchor_row
    wraps = beside.wrap or [False] * len(beside.headers)
    for j, (header, width) in enumerate(zip(beside.headers, beside.widths, strict=True)):
        apply(put_value(ws.cell(row=top, column=left + j), header), "header")
        ws.column_dimensions[get_column_letter(left + j)].width = width
    height = row_height([(h, w) for h, w in zip(beside.headers, beside.widths, strict=True)])
    if height:
        ws.row_dimensions[top].height = max(height, ws.row_dimensions[top].height or 0)
    for i, values in enumerate(beside.rows, start=1):
        for j, value in enumerate(values):
            fmt = None if wraps[j] else beside.formats[i - 1]
            apply(put_value(ws.cell(row=top + i, column=left + j), value), "reference", fmt, wraps[j])
        tall = row_height(
            [
                (v, w)
                for v, w, wrap in zip(values, beside.widths, wraps, strict=True)
                if wrap and isinstance(v, str)
            ]
        )
        if tall:
            ws.row_dimensions[top + i].height = max(tall, ws.row_dimensions[top + i].height or 0)


def _department_checks(ws: Worksheet, table: DepartmentTable, book: DepartmentBook) -> None:
    """The master's dropdowns and input messages, on the department's input cells."""
    spec, rows = table.spec, max(len(table.records), 1)
    if spec.name == c.ACTUALS_TABLE:
        add_validation(ws, spec, f"y{book.year}", number_hint(VALUE_PROMPT), rows=rows)
    elif spec.name == c.STATUS.name:
        add_validation(
            ws,
            spec,
            "status",
            choice_list(STATUS_VALUES, STATUS_PROMPT),
            rows=rows,
        )
        who = "全ての項目" if book.typed else "指標のない項目"
        choices = (*book.grades, EXCLUDED)
        add_validation(
            ws,
            spec,
            "grade",
            choice_list(
                choices,
                f"{who}の評価を {'・'.join(choices)} から選んでください（意味は記入方法シート）。空欄は未入力です。"[
                    :250
                ],
            ),
            rows=rows,
        )
    elif spec.name == c.LEDGER.name:
        numbers = [str(i) for i in book.items]
        add_validation(
            ws, spec, "item", choice_list(numbers, "この課の取組項目の No を選んでください。"), rows=rows
        )
        add_validation(
            ws,
            spec,
            "year",
            whole_check(book.year, book.year, f"{book.year} を入力してください。"),
            rows=rows,
        )
        add_validation(
            ws, spec, "kind", choice_list(LEDGER_KINDS, "歳出削減・歳入増加から選んでください。"), rows=rows
        )
        add_validation(ws, spec, "amount", number_hint(AMOUNT_PROMPT), rows=rows)
    elif spec.name == OPINIONS.name:
        add_validation(ws, spec, "state", choice_list(OPINION_STATES, OPINION_STATE_PROMPT), rows=rows)
