"""Types into a workbook open in LibreOffice as a person does: run by the SYSTEM python (it has `import uno`).

Usage: /usr/bin/python3 uno_typist.py JOB.json RESULT.json
JOB: {"port": 2002, "path": "/abs/book.xlsx", "cells": [["実績", "C5", "95%"], ...]}
RESULT: one entry per cell, see typing_uno.TypedResult.

Each cell is selected (.uno:GoToCell) and typed with Calc's keyboard-entry dispatch (.uno:EnterString), what the
macro recorder records when a person types. That dispatch skips the cell's validation, so the rule is applied
afterwards the way the dialog would: a "stop" rule that the typed value breaks is undone and reported as refused,
an "information"/"warning" rule reports its message and keeps the value (the person pressed OK). A locked cell of
a protected sheet is never typed into (LibreOffice 7.4 headless has crashed on the second one): it is reported
as locked from the cell's protection. The book is saved back as .xlsx (Calc MS Excel 2007 XML).

This file is not a test module: it imports uno, which the project's venv does not have.
"""

from __future__ import annotations

import json
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

VALUE, TEXT, FORMULA = 1, 2, 3  # com.sun.star.table.CellContentType
# com.sun.star.sheet.ValidationType
ANY, WHOLE, DECIMAL, DATE, TIME, TEXT_LEN, LIST, CUSTOM = range(8)
STOP = 0  # com.sun.star.sheet.ValidationAlertStyle.STOP


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(port: int, timeout: float = 90.0) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
        except Exception:  # NoConnectException until soffice listens
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def enum_value(value: object) -> str:
    return str(getattr(value, "value", value))


def number_or_none(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def formula_value(sheet: object, formula: str) -> float | None:
    """A validation bound: a number, or a single cell reference on the same sheet."""
    number = number_or_none(formula)
    if number is not None or not formula:
        return number
    try:
        return float(sheet.getCellRangeByName(formula.replace("$", "")).getValue())
    except Exception:
        return None


def list_entries(sheet: object, doc: object, formula: str) -> list[str] | None:
    """A list rule's entries: a literal list ("a";"b") or a range reference; None when it cannot be read."""
    formula = formula.strip()
    if formula.startswith('"'):
        return [part.strip().strip('"') for part in formula.split(";")]
    ref = formula.replace("$", "")
    owner = sheet
    if "." in ref:
        name, ref = ref.rsplit(".", 1)
        name = name.strip("'")
        if not doc.Sheets.hasByName(name):
            return None
        owner = doc.Sheets.getByName(name)
    try:
        block = owner.getCellRangeByName(ref).getDataArray()
    except Exception:
        return None
    return [str(v) if not isinstance(v, float) or v != int(v) else str(int(v)) for row in block for v in row]


def compare(op: str, value: float, low: float | None, high: float | None) -> bool:
    if low is None:
        return True
    checks = {
        "EQUAL": lambda: value == low,
        "NOT_EQUAL": lambda: value != low,
        "GREATER": lambda: value > low,
        "GREATER_EQUAL": lambda: value >= low,
        "LESS": lambda: value < low,
        "LESS_EQUAL": lambda: value <= low,
        "BETWEEN": lambda: high is not None and low <= value <= high,
        "NOT_BETWEEN": lambda: high is not None and not (low <= value <= high),
    }
    return checks.get(op, lambda: True)()


def breaks_rule(doc: object, sheet: object, cell: object, typed: str) -> bool | None:
    """Whether the typed entry breaks the cell's validation rule (None: a rule this script cannot apply)."""
    rule = cell.Validation
    kind = [
        "ANY",
        "WHOLE",
        "DECIMAL",
        "DATE",
        "TIME",
        "TEXT_LEN",
        "LIST",
        "CUSTOM",
    ].index(enum_value(rule.Type))
    if kind == ANY or (typed == "" and rule.IgnoreBlankCells):
        return False
    content = cell.getType()
    op = enum_value(rule.Operator)
    low, high = formula_value(sheet, rule.getFormula1()), formula_value(sheet, rule.getFormula2())
    if kind in (WHOLE, DECIMAL, DATE, TIME):
        if enum_value(content) != "VALUE":
            return True
        value = cell.getValue()
        if kind == WHOLE and value != int(value):
            return True
        return not compare(op, value, low, high)
    if kind == TEXT_LEN:
        return not compare(op, float(len(cell.getString())), low, high)
    if kind == LIST:
        entries = list_entries(sheet, doc, rule.getFormula1())
        return None if entries is None else cell.getString() not in entries
    return None


def type_one(
    doc: object, frame: object, dispatcher: object, sheet_name: str, address: str, text: str
) -> dict:
    sheet = doc.Sheets.getByName(sheet_name)
    cell = sheet.getCellRangeByName(address)
    result: dict = {"sheet": sheet_name, "cell": address, "typed": text, "outcome": "written", "message": ""}
    if sheet.isProtected() and cell.CellProtection.IsLocked:
        result["outcome"] = "locked"
    else:
        doc.getCurrentController().setActiveSheet(sheet)
        dispatcher.executeDispatch(frame, ".uno:GoToCell", "", 0, (prop("ToPoint", "$" + address),))
        dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0, (prop("StringName", text),))
        broken = breaks_rule(doc, sheet, cell, text)
        rule = cell.Validation
        if broken is None:
            result["message"] = "validation rule not applied (unsupported type)"
        elif broken and rule.ShowErrorMessage:
            result["message"] = rule.ErrorMessage
            if enum_value(rule.ErrorAlertStyle) == "STOP":
                dispatcher.executeDispatch(frame, ".uno:Undo", "", 0, ())
                result["outcome"] = "refused"
    kind = enum_value(cell.getType())
    result["content"] = kind
    result["value"] = cell.getValue() if kind in ("VALUE", "FORMULA") else None
    result["shown"] = cell.getString()
    result["number_format"] = doc.NumberFormats.getByKey(cell.NumberFormat).FormatString
    return result


def main() -> int:
    job = json.loads(open(sys.argv[1], encoding="utf-8").read())
    ctx = connect(int(job["port"]))
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    url = uno.systemPathToFileUrl(job["path"])
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
    try:
        frame = doc.getCurrentController().getFrame()
        results = [type_one(doc, frame, dispatcher, s, a, t) for s, a, t in job["cells"]]
        doc.storeToURL(url, (prop("FilterName", "Calc MS Excel 2007 XML"), prop("Overwrite", True)))
        print("SAVED", file=sys.stderr, flush=True)  # typing_uno retries a run only when it did not save
        # the results before closing: the bridge can crash while the document closes, after the file is saved
        with open(sys.argv[2], "w", encoding="utf-8") as out:
            json.dump(results, out, ensure_ascii=False)
    finally:
        doc.close(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
