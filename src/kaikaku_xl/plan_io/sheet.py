"""Reading a plan workbook's cells and tables: typed values, header search, every mistake kept with its cell.

The generic half of the plan workbook reader; the sheets' own rules are in `reader.py`, `items.py`,
`measures.py` and `effects.py`, which all read through one `PlanReader`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl.plan import ItemNo, item_no
from kaikaku_xl.plan.period import year_problem
from kaikaku_xl.plan_io.contract import EXAMPLE_MARK, PLAN_REQUIRED
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.tablespec import TableSpec
from kaikaku_xl.xlsx.typed import NotANumber, parse_number

HEADER_SEARCH_ROWS = 10


def norm(text: Any) -> str:
    """A header or choice as compared: NFKC, trimmed, without the template's required-column star."""
    return unicodedata.normalize("NFKC", "" if text is None else str(text)).strip().rstrip("*").strip()


@dataclass
class Row:
    """One data row of a plan table: its cells by column key."""

    sheet: str
    cells: dict[str, Cell | MergedCell]

    def value(self, key: str) -> Any:
        cell = self.cells.get(key)
        return None if cell is None else cell.value

    def where(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell.coordinate if cell is not None else ""


class PlanReader:
    """Reads one plan workbook's tables; every mistake goes to `problems` as (sheet, cell, message)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[tuple[str, str, str]] = []

    def bad(self, row: Row, key: str, message: str) -> None:
        self.problems.append((row.sheet, row.where(key), message))

    # A row is checked whole: every check of its cells and of its cells together runs and reports, and only then is
    # the row dropped if any of them found a mistake (mark() before its checks, faulty_since(mark) after). A check
    # that stopped the row at its first mistake would hide the others until that one was fixed.
    def mark(self) -> int:
        return len(self.problems)

    def faulty_since(self, mark: int) -> bool:
        return len(self.problems) > mark

    # -- cells --------------------------------------------------------------------------------------
    def blank(self, row: Row, key: str) -> bool:
        return cell_text(row.value(key)) == ""

    def text(self, row: Row, key: str) -> str:
        return cell_text(row.value(key))

    def lines(self, row: Row, key: str) -> list[str]:
        """A cell of one entry per line (actions, bullets), blank lines dropped."""
        return [line.strip() for line in cell_text(row.value(key)).splitlines() if line.strip()]

    def integer(self, row: Row, key: str, label: str) -> int | None:
        raw = row.value(key)
        if cell_text(raw) == "":
            return None  # blank: reported once, by required()
        try:
            number = parse_number(raw)
        except NotANumber:
            number = None
        if number is None or not float(number).is_integer():
            self.bad(row, key, f"{label}「{cell_text(raw)}」は整数ではありません。")
            return None
        return int(number)

    def year(self, row: Row, key: str, label: str) -> int | None:
        """A 年度 (西暦): an integer, refused with the hint where it cannot be one (a 和暦 year typed as 8)."""
        year = self.integer(row, key, label)
        problem = None if year is None else year_problem(year)
        if problem:
            self.bad(row, key, f"{label}: {problem}")
            return None
        return year

    def item_no(self, row: Row, key: str) -> ItemNo | None:
        raw = row.value(key)
        no = item_no(raw)
        if no is None and cell_text(raw) != "":
            self.bad(row, key, f"No「{cell_text(raw)}」は番号として使えません（整数または文字）。")
        return no

    def number(self, row: Row, key: str, label: str, unit: str) -> float | None:
        cell = row.cells.get(key)
        raw = None if cell is None else cell.value
        try:
            number = parse_number(raw, unit or None)
        except NotANumber as exc:
            self.bad(row, key, f"{label}「{cell_text(raw)}」: {exc}。数値を入力してください。")
            return None
        if (
            number is not None
            and unit == "%"
            and cell is not None
            and "%" in str(cell.number_format)
            and isinstance(raw, int | float)
        ):
            number *= 100  # a % cell stores 30% as 0.3; the plan keeps % measures in points
        return number

    def choice(self, row: Row, key: str, label: str, choices: tuple[str, ...]) -> str | None:
        value = norm(row.value(key))
        if value not in choices:
            shown = "・".join(ch or "空欄" for ch in choices)
            self.bad(row, key, f"{label}「{value}」は使えません（{shown} のいずれか）。")
            return None
        return value

    # -- tables -------------------------------------------------------------------------------------
    def sheet(self, wb: Workbook, name: str) -> Worksheet | None:
        if name not in wb.sheetnames:
            self.problems.append(
                (
                    name,
                    "",
                    f"シート「{name}」がありません。kaikaku plan template で作った様式を使ってください。",
                )
            )
            return None
        found = wb[name]
        if not isinstance(found, Worksheet):
            self.problems.append(
                (name, "", f"シート「{name}」がグラフのシートです。表のシートにしてください。")
            )
            return None
        return found

    def rows(self, wb: Workbook, spec: TableSpec) -> list[Row]:
        ws = self.sheet(wb, spec.sheet)
        if ws is None:
            return []
        wanted = {norm(col.header): col.key for col in spec.columns}
        header_row, columns = None, {}
        for r in range(1, min(ws.max_row, HEADER_SEARCH_ROWS) + 1):
            found = {
                wanted[norm(cell.value)]: cell.column
                for cell in ws[r]
                if norm(cell.value) in wanted and cell.column is not None
            }
            if spec.columns[0].key in found and len(found) >= 2:
                header_row, columns = r, found
                break
        if header_row is None:
            self.problems.append((spec.sheet, "", f"見出し行（{'・'.join(spec.headers)}）が見つかりません。"))
            return []
        for key in PLAN_REQUIRED.get(spec.name, ()):
            if key not in columns:
                self.problems.append(
                    (spec.sheet, f"{header_row}行", f"列「{spec.column(key).header}」がありません。")
                )
        out = []
        for r in range(header_row + 1, ws.max_row + 1):
            cells = {key: ws.cell(row=r, column=col) for key, col in columns.items()}
            values = [cell_text(cell.value) for cell in cells.values()]
            if not any(values):
                continue
            first = norm(cells[spec.columns[0].key].value)
            if first.startswith(EXAMPLE_MARK):
                continue  # the template's example row
            out.append(Row(spec.sheet, cells))
        return out

    def required(self, row: Row, spec: TableSpec, optional: tuple[str, ...] = ()) -> bool:
        ok = True
        for key in PLAN_REQUIRED.get(spec.name, ()):
            if key in row.cells and self.blank(row, key) and key not in optional:
                self.bad(row, key, f"「{spec.column(key).header}」が空欄です。")
                ok = False
        return ok and all(key in row.cells for key in PLAN_REQUIRED.get(spec.name, ()))
