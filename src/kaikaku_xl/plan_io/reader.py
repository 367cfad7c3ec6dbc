"""Read a plan workbook into a Plan. Every mistake is collected with its sheet and cell and reported at once."""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import PlanError, PlanWorkbookError
from ..metrics.scale_rows import scale_from_rows
from ..plan import ItemNo, Plan, item_no, plan_from_dict, section_no
from ..workbook import contract as c
from ..workbook.a1 import column_letter
from ..workbook.fastread import uncalculated_cells
from ..workbook.inputs import NotANumber, parse_number
from ..workbook.package import inspect
from ..workbook.safezip import check_package
from .effects import read_effect_plans, read_sections
from .measures import read_measures

HEADER_SEARCH_ROWS = 10


def _norm(text: Any) -> str:
    return unicodedata.normalize("NFKC", "" if text is None else str(text)).strip().rstrip("*").strip()


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in _text(value).splitlines() if line.strip()]


@dataclass
class Row:
    """One data row of a plan table: its cells by column key."""

    sheet: str
    cells: dict[str, Cell]

    def value(self, key: str) -> Any:
        cell = self.cells.get(key)
        return None if cell is None else cell.value

    def where(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell.coordinate if cell is not None else ""


class PlanReader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[tuple[str, str, str]] = []

    def bad(self, row: Row, key: str, message: str) -> None:
        self.problems.append((row.sheet, row.where(key), message))

    # -- cells --------------------------------------------------------------------------------------
    def blank(self, row: Row, key: str) -> bool:
        return _text(row.value(key)) == ""

    def text(self, row: Row, key: str) -> str:
        return _text(row.value(key))

    def integer(self, row: Row, key: str, label: str) -> int | None:
        raw = row.value(key)
        if _text(raw) == "":
            return None  # blank: reported once, by required()
        try:
            number = parse_number(raw)
        except NotANumber:
            number = None
        if number is None or not float(number).is_integer():
            self.bad(row, key, f"{label}「{_text(raw)}」は整数ではありません。")
            return None
        return int(number)

    def item_no(self, row: Row, key: str) -> ItemNo | None:
        raw = row.value(key)
        no = item_no(raw)
        if no is None and _text(raw) != "":
            self.bad(row, key, f"No「{_text(raw)}」は番号として使えません（整数または文字）。")
        return no

    def number(self, row: Row, key: str, label: str, unit: str) -> float | None:
        cell = row.cells.get(key)
        raw = None if cell is None else cell.value
        try:
            number = parse_number(raw, unit or None)
        except NotANumber as exc:
            self.bad(row, key, f"{label}「{_text(raw)}」: {exc}。数値を入力してください。")
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
        value = _norm(row.value(key))
        if value not in choices:
            shown = "・".join(ch or "空欄" for ch in choices)
            self.bad(row, key, f"{label}「{value}」は使えません（{shown} のいずれか）。")
            return None
        return value

    # -- tables -------------------------------------------------------------------------------------
    def sheet(self, wb: Any, name: str) -> Worksheet | None:
        if name not in wb.sheetnames:
            self.problems.append(
                (
                    name,
                    "",
                    f"シート「{name}」がありません。kaikaku plan template で作った様式を使ってください。",
                )
            )
            return None
        return wb[name]

    def rows(self, wb: Any, spec: c.TableSpec) -> list[Row]:
        ws = self.sheet(wb, spec.sheet)
        if ws is None:
            return []
        wanted = {_norm(col.header): col.key for col in spec.columns}
        header_row, columns = None, {}
        for r in range(1, min(ws.max_row, HEADER_SEARCH_ROWS) + 1):
            found = {wanted[_norm(cell.value)]: cell.column for cell in ws[r] if _norm(cell.value) in wanted}
            if spec.columns[0].key in found and len(found) >= 2:
                header_row, columns = r, found
                break
        if header_row is None:
            self.problems.append((spec.sheet, "", f"見出し行（{'・'.join(spec.headers)}）が見つかりません。"))
            return []
        for key in c.PLAN_REQUIRED.get(spec.name, ()):
            if key not in columns:
                self.problems.append(
                    (spec.sheet, f"{header_row}行", f"列「{spec.column(key).header}」がありません。")
                )
        out = []
        for r in range(header_row + 1, ws.max_row + 1):
            cells = {key: ws.cell(row=r, column=col) for key, col in columns.items()}
            values = [_text(cell.value) for cell in cells.values()]
            if not any(values):
                continue
            first = _norm(cells[spec.columns[0].key].value)
            if first.startswith(c.EXAMPLE_MARK):
                continue  # the template's example row
            out.append(Row(spec.sheet, cells))
        return out

    def required(self, row: Row, spec: c.TableSpec, optional: tuple[str, ...] = ()) -> bool:
        ok = True
        for key in c.PLAN_REQUIRED.get(spec.name, ()):
            if key in row.cells and self.blank(row, key) and key not in optional:
                self.bad(row, key, f"「{spec.column(key).header}」が空欄です。")
                ok = False
        return ok and all(key in row.cells for key in c.PLAN_REQUIRED.get(spec.name, ()))

    # -- the plan's parts -----------------------------------------------------------------------------
    def head(self, wb: Any) -> dict[str, Any]:
        by_label = {f.label: f for f in c.PLAN_FIELDS}
        out: dict[str, Any] = {}
        seen = set()
        for row in self.rows(wb, c.PLAN_SHEET):
            field = by_label.get(_norm(row.value("label")))
            if field is None:
                continue
            seen.add(field.key)
            if field.key.endswith("year"):
                if self.blank(row, "value"):
                    self.bad(row, "value", f"「{field.label}」が空欄です。")
                    continue
                year = self.integer(row, "value", field.label)
                if year is not None:
                    out[field.key] = year
                continue
            value = self.text(row, "value")
            if field.required and not value:
                self.bad(row, "value", f"「{field.label}」が空欄です。")
            elif value:
                out[field.key] = value
        for f in c.PLAN_FIELDS:
            if f.required and f.key not in seen:
                self.problems.append((c.PLAN_SHEET.sheet, "", f"「{f.label}」の行がありません。"))
        if all(k in out for k in ("baseline_year", "start_year", "end_year")) and not (
            out["baseline_year"] < out["start_year"] <= out["end_year"]
        ):
            self.problems.append(
                (c.PLAN_SHEET.sheet, "", "基準年度 < 計画開始年度 ≦ 計画終了年度 になっていません。")
            )
        return out

    def policies(self, wb: Any) -> list[dict[str, Any]]:
        out, seen = [], set()
        for row in self.rows(wb, c.PLAN_POLICIES):
            if not self.required(row, c.PLAN_POLICIES):
                continue
            no = self.integer(row, "no", "No")
            if no is None:
                continue
            if no in seen:
                self.bad(row, "no", f"基本方針 No.{no} が重複しています。")
                continue
            seen.add(no)
            out.append({"no": no, "name": self.text(row, "name"), "bullets": _lines(row.value("bullets"))})
        if not out and not any(p[0] == c.PLAN_POLICIES.sheet for p in self.problems):
            self.problems.append((c.PLAN_POLICIES.sheet, "", "基本方針が1つもありません。"))
        return out

    def section(self, row: Row, sections: dict[str, int], policy: int) -> str | None | bool:
        """The row's 推進項目 (None: none; False: a mistake, reported)."""
        if "section" not in row.cells or self.blank(row, "section"):
            return None
        no = section_no(row.value("section"))
        if no not in sections:
            self.bad(row, "section", f"推進項目「{no}」は推進項目シートにありません。")
            return False
        if sections[no] != policy:  # type: ignore[index]
            self.bad(
                row, "policy", f"基本方針 {policy} が推進項目「{no}」の基本方針 {sections[no]} と違います。"
            )  # type: ignore[index]
            return False
        return no

    def items(
        self,
        wb: Any,
        policy_nos: set[int],
        period: tuple[int, int] | None,
        sections: dict[str, int] | None = None,
    ) -> list[dict[str, Any]]:
        sections = sections or {}
        out, seen = [], set()
        for row in self.rows(wb, c.PLAN_ITEMS):
            complete = self.required(row, c.PLAN_ITEMS)
            no, policy = self.item_no(row, "no"), self.integer(row, "policy", "基本方針")
            years = {
                key: self.integer(row, key, label) if key in row.cells else None
                for key, label in (("start_year", "開始年度"), ("end_year", "終了年度"))
            }
            if not complete or no is None or policy is None:
                continue
            if any(not self.blank(row, k) and years[k] is None for k in years if k in row.cells):
                continue
            if None not in years.values() and years["start_year"] > years["end_year"]:  # type: ignore[operator]
                self.bad(row, "end_year", "終了年度が開始年度より前です。")
                continue
            outside = [
                k for k, y in years.items() if y is not None and period and not period[0] <= y <= period[1]
            ]
            for key in outside:
                self.bad(row, key, f"{years[key]}年度は推進期間（{period[0]}〜{period[1]}年度）の外です。")  # type: ignore[index]
            if outside:
                continue
            if no in seen:
                self.bad(row, "no", f"取組項目 No.{no} が重複しています。")
                continue
            if policy_nos and policy not in policy_nos:
                self.bad(row, "policy", f"基本方針「{policy}」は基本方針シートにありません。")
                continue
            seen.add(no)
            departments = [
                d.strip()
                for d in _text(row.value("departments"))
                .replace("，", "、")
                .replace(",", "、")
                .replace("\n", "、")
                .split("、")
                if d.strip()
            ]
            section = self.section(row, sections, policy)
            if section is False:
                continue
            out.append(
                {
                    "no": no,
                    "policy": policy,
                    "title": self.text(row, "title"),
                    "section": section,
                    "summary": self.text(row, "summary"),
                    "actions": _lines(row.value("actions")),
                    "lead": self.text(row, "lead"),
                    "departments": departments,
                    "measures": [],
                    **{k: v for k, v in years.items() if v is not None},
                }
            )
        if not out and not any(p[0] == c.PLAN_ITEMS.sheet for p in self.problems):
            self.problems.append((c.PLAN_ITEMS.sheet, "", "取組項目が1つもありません。"))
        return out

    def history(self, wb: Any) -> list[dict[str, Any]]:
        if c.PLAN_HISTORY.sheet not in wb.sheetnames:
            return []  # optional sheet
        out = []
        for row in self.rows(wb, c.PLAN_HISTORY):
            if not self.required(row, c.PLAN_HISTORY):
                continue
            amount = self.number(row, "effect_yen", "財政効果額", "円")
            if amount is None:
                continue
            if not float(amount).is_integer():
                self.bad(row, "effect_yen", "財政効果額は円単位の整数で入力してください。")
                continue
            out.append(
                {
                    "name": self.text(row, "name"),
                    "effect_yen": int(amount),
                    "as_of": self.text(row, "as_of"),
                    "main_efforts": _lines(row.value("main_efforts")),
                }
            )
        return out


def _grades(reader: PlanReader, wb: Any) -> list[dict[str, Any]]:
    """The 評価区分 sheet's rows (optional sheet: without it, the default S–D); every mistake named by cell."""
    if c.PLAN_GRADES.sheet not in wb.sheetnames:
        return []
    rows = reader.rows(wb, c.PLAN_GRADES)
    values = [{col.key: row.value(col.key) for col in c.PLAN_GRADES.columns} for row in rows]
    _, problems = scale_from_rows(values)
    for i, key, message in problems:
        reader.bad(rows[i], key, message)
    return values


def _uncalculated(path: Path) -> list[tuple[str, str, str]]:
    """(sheet, cell, message) of formula cells a script wrote without a result (see fastread.uncalculated_cells)."""
    problems = []
    with zipfile.ZipFile(path) as zf:
        for sheet, part in inspect(path).sheets.items():
            for row, col in uncalculated_cells(zf.read(part))[:20]:
                problems.append(
                    (
                        sheet,
                        f"{column_letter(col)}{row}",
                        "数式の計算結果が保存されていません。"
                        "Excel で開いて保存してから、もう一度読み込んでください。",
                    )
                )
    return problems


def read_plan_workbook(path: str | Path) -> Plan:
    """The plan a workbook holds; PlanWorkbookError listing every mistake (sheet!cell: what) otherwise."""
    path = Path(path)
    try:
        check_package(path)  # a DOCTYPE or a zip bomb is refused before openpyxl parses anything
        wb = load_workbook(path, data_only=True)
    except FileNotFoundError as exc:
        raise PlanError(f"計画ファイルが見つかりません: {path}") from exc
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise PlanError(f"{path.name} は Excel ブック（.xlsx）として読めません: {exc}") from exc
    uncalculated = _uncalculated(path)
    if uncalculated:  # every reader gives them as blank: they would pass for cells left empty
        raise PlanWorkbookError(path.name, uncalculated)
    reader = PlanReader(path.name)
    head = reader.head(wb)
    policies = reader.policies(wb)
    period = (head["start_year"], head["end_year"]) if "start_year" in head and "end_year" in head else None
    sections = read_sections(reader, wb, {p["no"] for p in policies})
    items = reader.items(wb, {p["no"] for p in policies}, period, {x["no"]: x["policy"] for x in sections})
    read_measures(reader, wb, {i["no"]: i for i in items})
    read_effect_plans(reader, wb, {i["no"]: i for i in items}, period)
    history = reader.history(wb)
    grades = _grades(reader, wb)
    if reader.problems:
        raise PlanWorkbookError(path.name, reader.problems)
    try:
        return plan_from_dict(
            {
                "plan": head,
                "policies": policies,
                "sections": sections,
                "items": items,
                "history": history,
                "grades": grades,
            }
        )
    except PlanWorkbookError:
        raise
    except PlanError as exc:  # a rule the cell checks above do not cover yet: still no traceback
        raise PlanWorkbookError(path.name, [("", "", str(exc))]) from exc
