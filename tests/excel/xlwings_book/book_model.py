"""The request bodies Office.js sends (a workbook built from a real master file, a custom-function call), and the
writes it gets back.

The keys follow what xlwings Server's task pane sends (xlwings_server/static/js/custom-scripts/index.js,
`getBookData`) and what xlwings' remote book reads (xlwings/pro/_xlremote.py): client, version,
book{name, active_sheet_index, selection}, names, sheets[{name, values (from A1, "" for empty), tables, ...}].
The values come from the file through openpyxl, i.e. what Excel shows in those cells.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlwings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries


def _js(value: Any) -> Any:
    """A cell value as Office.js serialises it: empty as "", numbers as JSON numbers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)  # a JavaScript number prints without ".0"
    return value


def _table(table: Any) -> dict[str, Any]:
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    first, last = get_column_letter(min_col), get_column_letter(max_col)
    return {
        "name": table.displayName,
        "range_address": table.ref,
        "row_count": max_row - min_row + 1,
        "column_count": max_col - min_col + 1,
        "columns": [col.name for col in table.tableColumns],
        "header_row_range_address": f"{first}{min_row}:{last}{min_row}",
        "data_body_range_address": f"{first}{min_row + 1}:{last}{max_row}",
        "total_row_range_address": None,
        "show_headers": True,
        "show_totals": False,
        "table_style": "TableStyleLight9",
        "show_autofilter": True,
        "show_table_style_first_column": False,
        "show_table_style_last_column": False,
        "show_table_style_row_stripes": True,
        "show_table_style_column_stripes": False,
    }


def _names(wb: Any) -> list[dict[str, Any]]:
    out = []
    for name, defined in wb.defined_names.items():
        destinations = list(defined.destinations)
        entry = {
            "name": name,
            "refers_to": f"={defined.attr_text}",
            "type": "String",
            "sheet_index": None,
            "address": None,
            "scope_sheet_name": None,
            "scope_sheet_index": None,
            "book_scope": True,
        }
        if destinations:
            sheet, address = destinations[0]
            entry.update(
                type="Range", sheet_index=wb.sheetnames.index(sheet), address=address.replace("$", "")
            )
        out.append(entry)
    return out


def book_json(
    path: Path, cells: dict[str, dict[str, Any]] | None = None, drop_tables: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The book payload of a master file; `cells` overrides values as if typed in Excel before pressing."""
    wb = load_workbook(path, data_only=True)
    for sheet, edits in (cells or {}).items():
        for address, value in edits.items():
            wb[sheet][address].value = value
    sheets = []
    for ws in wb.worksheets:
        max_row, max_col = ws.max_row, ws.max_column
        values = [
            [_js(ws.cell(row=r, column=col).value) for col in range(1, max_col + 1)]
            for r in range(1, max_row + 1)
        ]
        sheets.append(
            {
                "name": ws.title,
                "visibility": "Visible",
                "show_gridlines": True,
                "print_area": None,
                "notes": [],
                "notes_supported": True,
                "used_range_address": f"A1:{get_column_letter(max_col)}{max_row}",
                "used_range_row_count": max_row,
                "used_range_column_count": max_col,
                "values": values,
                "pictures": [],
                "shapes": [],
                "charts": [],
                "pivot_tables": [],
                "tables": [_table(t) for t in ws.tables.values() if t.displayName not in drop_tables],
            }
        )
    return {
        "client": "Office.js",
        "version": xlwings.__version__,
        "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1", "calculation": "Automatic"},
        "names": _names(wb),
        "sheets": sheets,
    }


KNOWN_ACTIONS = {"setValues", "rangeClearContents", "resizeTable", "setNumberFormat", "alert"}


def apply_actions(payload: dict[str, Any], actions: list[dict[str, Any]]) -> dict[str, Any]:
    """What Excel would hold after the client ran the actions: cell values per sheet, table ranges, formats."""
    grids: dict[str, dict[tuple[int, int], Any]] = {}
    for sheet in payload["sheets"]:
        grids[sheet["name"]] = {
            (r, c): v
            for r, row in enumerate(sheet["values"], 1)
            for c, v in enumerate(row, 1)
            if v not in ("", None)
        }
    tables = {t["name"]: t["range_address"] for s in payload["sheets"] for t in s["tables"]}
    formats: dict[tuple[str, int, int], str] = {}
    for action in actions:
        func = action["func"]
        assert func in KNOWN_ACTIONS, f"unexpected action {func}"
        if func == "alert":
            continue
        sheet = payload["sheets"][action["sheet_position"]]
        if func == "resizeTable":
            index, address = action["args"]
            tables[sheet["tables"][index]["name"]] = address.replace("$", "")
            continue
        grid = grids[sheet["name"]]
        top, left = action["start_row"] + 1, action["start_column"] + 1
        if func == "setValues":
            for i, row in enumerate(action["values"]):
                for j, value in enumerate(row):
                    if value in ("", None):
                        grid.pop((top + i, left + j), None)
                    else:
                        grid[(top + i, left + j)] = value
        elif func == "rangeClearContents":
            for r in range(top, top + action["row_count"]):
                for col in range(left, left + action["column_count"]):
                    grid.pop((r, col), None)
        elif func == "setNumberFormat":
            for r in range(top, top + action["row_count"]):
                for col in range(left, left + action["column_count"]):
                    formats[(sheet["name"], r, col)] = action["args"][0]
    return {"cells": grids, "tables": tables, "formats": formats}


def sheet_cells(path: Path, sheets: list[str]) -> dict[str, dict[tuple[int, int], Any]]:
    """The non-empty cells of some sheets of a file, as openpyxl reads them."""
    wb = load_workbook(path, data_only=True)
    return {
        name: {
            (cell.row, cell.column): cell.value
            for row in wb[name].iter_rows()
            for cell in row
            if cell.value not in ("", None)
        }
        for name in sheets
    }


def function_call(func: str, *args: Any) -> dict[str, Any]:
    """The body of a custom-function call as Office.js posts it to /xlwings/custom-functions-call."""
    return {
        "client": "Office.js",
        "func_name": func,
        "args": list(args),
        "caller_address": "[m.xlsx]計算!A1",
        "culture_info_name": "ja-JP",
        "date_format": "yyyy/m/d",
        "version": xlwings.__version__,
        "runtime": "1.4",
        "session_id": "test",
    }
