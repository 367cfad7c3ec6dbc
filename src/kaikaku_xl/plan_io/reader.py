"""Read a plan workbook into a Plan. Every mistake is collected with its sheet and cell and reported at once.

This module holds the workbook as a whole (opening it, the 計画 sheet, history, grades, the final check);
the cell reading is in `sheet.py`, the other sheets in `items.py`, `measures.py` and `effects.py`.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from kaikaku_xl.errors import PlanError, PlanWorkbookError
from kaikaku_xl.plan import Plan, load_plan, plan_from_dict
from kaikaku_xl.plan.period import period_problems
from kaikaku_xl.plan.scale_rows import TYPED_THRESHOLD_NOTE, scale_from_rows, typed_thresholds
from kaikaku_xl.plan_io.contract import PLAN_FIELDS, PLAN_GRADES, PLAN_HISTORY, PLAN_SHEET, SETTING_CHOICES
from kaikaku_xl.plan_io.effects import read_effect_plans, read_sections
from kaikaku_xl.plan_io.items import read_items, read_policies
from kaikaku_xl.plan_io.measures import read_measures
from kaikaku_xl.plan_io.sheet import PlanReader, Row, norm
from kaikaku_xl.xlsx.a1 import column_letter
from kaikaku_xl.xlsx.fastread import uncalculated_cells
from kaikaku_xl.xlsx.package import inspect
from kaikaku_xl.xlsx.safezip import check_package

logger = logging.getLogger(__name__)


def _head(reader: PlanReader, wb: Workbook) -> dict[str, Any]:
    by_label = {f.label: f for f in PLAN_FIELDS}
    out: dict[str, Any] = {}
    seen: dict[str, Row] = {}
    for row in reader.rows(wb, PLAN_SHEET):
        field = by_label.get(norm(row.value("label")))
        if field is None:
            continue
        seen[field.key] = row
        if field.key.endswith("year"):
            if reader.blank(row, "value"):
                reader.bad(row, "value", f"「{field.label}」が空欄です。")
                continue
            year = reader.year(row, "value", field.label)
            if year is not None:
                out[field.key] = year
            continue
        value = reader.text(row, "value")
        if (
            field.key in SETTING_CHOICES
            and reader.choice(row, "value", field.label, SETTING_CHOICES[field.key]) is None
        ):
            continue  # a 設定 the plan declares (削減額の符号 …): one of its choices or blank, else named by cell
        if field.required and not value:
            reader.bad(row, "value", f"「{field.label}」が空欄です。")
        elif value:
            out[field.key] = value
    for f in PLAN_FIELDS:
        if f.required and f.key not in seen:
            reader.problems.append((PLAN_SHEET.sheet, "", f"「{f.label}」の行がありません。"))
    _check_period(reader, out, seen)
    return out


def _check_period(reader: PlanReader, head: dict[str, Any], rows: dict[str, Row]) -> None:
    """The plan's years against each other and its bounds (plan/period.py), named by the cell at fault; a year at
    fault is dropped from `head`, so that nothing is checked against a period not known."""
    if not all(k in head for k in ("baseline_year", "start_year", "end_year")):
        return
    problems = period_problems(head["baseline_year"], head["start_year"], head["end_year"])
    for key, message in problems.items():
        reader.bad(rows[key], "value", message)
        head.pop(key)


def _history(reader: PlanReader, wb: Workbook) -> list[dict[str, Any]]:
    if PLAN_HISTORY.sheet not in wb.sheetnames:
        return []  # optional sheet
    out = []
    for row in reader.rows(wb, PLAN_HISTORY):
        if not reader.required(row, PLAN_HISTORY):
            continue
        amount = reader.number(row, "effect_yen", "財政効果額", "円")
        if amount is None:
            continue
        if not float(amount).is_integer():
            reader.bad(row, "effect_yen", "財政効果額は円単位の整数で入力してください。")
            continue
        out.append(
            {
                "name": reader.text(row, "name"),
                "effect_yen": int(amount),
                "as_of": reader.text(row, "as_of"),
                "main_efforts": reader.lines(row, "main_efforts"),
            }
        )
    return out


def _grades(reader: PlanReader, wb: Workbook) -> list[dict[str, Any]]:
    """The 評価区分 sheet's rows (optional sheet: without it, the default S–D); every mistake named by cell."""
    if PLAN_GRADES.sheet not in wb.sheetnames:
        return []
    rows = reader.rows(wb, PLAN_GRADES)
    values = [{col.key: row.value(col.key) for col in PLAN_GRADES.columns} for row in rows]
    _, problems = scale_from_rows(values)
    for i, key, message in problems:
        reader.bad(rows[i], key, message)
    ignored = typed_thresholds(values)
    if ignored:  # one note for them all, on stderr beside the command's result
        cells = "、".join(rows[i].where("threshold") for i in ignored)
        logger.warning("%s!%s: %s", PLAN_GRADES.sheet, cells, TYPED_THRESHOLD_NOTE)
    return [{**v, "threshold": None} if i in ignored else v for i, v in enumerate(values)]  # noted once


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
    head = _head(reader, wb)
    policies = read_policies(reader, wb)
    period = (head["start_year"], head["end_year"]) if "start_year" in head and "end_year" in head else None
    sections = read_sections(reader, wb, {p["no"] for p in policies})
    items = read_items(
        reader, wb, {p["no"] for p in policies}, period, {x["no"]: x["policy"] for x in sections}
    )
    read_measures(reader, wb, {i["no"]: i for i in items})
    read_effect_plans(reader, wb, {i["no"]: i for i in items}, period)
    history = _history(reader, wb)
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


def read_plan(path: str | Path | None = None) -> Plan:
    """The plan in a file, whichever way the city wrote it: a plan workbook (.xlsx / .xlsm) or TOML; without a
    path, the bundled Omitama plan."""
    if path is not None and Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        return read_plan_workbook(path)
    return load_plan(path)
