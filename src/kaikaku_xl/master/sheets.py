"""Writing one contract table onto a sheet (title, header, styled rows, an Excel table) and its print setup:
shared by the master (builder.py), the dashboard and the department files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.inputs import OPINION_ANSWER_KEYS, OPINION_TYPED_KEYS, OPINIONS
from kaikaku_xl.master.titles import TITLES, TYPED_STATUS_NOTE
from kaikaku_xl.plan.numformat import MEASURE_FORMATS
from kaikaku_xl.textfit import row_height, table_row_height
from kaikaku_xl.xlsx.limits import check_row_limit
from kaikaku_xl.xlsx.styles import apply
from kaikaku_xl.xlsx.tablespec import TableSpec
from kaikaku_xl.xlsx.textcell import put_value

# Output tables too wide for one A4 page at a readable size print as views side by side: (the columns ending a
# view, the last column repeated on the left of every view). 評価結果: the measure | values, rates, grade |
# effect and notes. 基本方針別/担当課別: counts | shares | effects.
_SUMMARY_VIEWS = (
    [col.key for col in c.POLICY_SUMMARY.columns if col.key.startswith("n_")][-1:] + ["mean_progress"],
    "name",
)
PRINT_VIEWS: dict[str, tuple[list[str], str]] = {
    c.EVALUATION.name: (["direction", "grade_basis"], "item"),
    c.POLICY_SUMMARY.name: _SUMMARY_VIEWS,
    c.DEPARTMENT_SUMMARY.name: _SUMMARY_VIEWS,
}

# Columns staff type into, per input table (the rest are reference keys from the plan).
INPUT_KEYS = {
    c.SETTINGS.name: {"value"},
    c.ITEMS.name: set(),
    c.MEASURES.name: {"effect_kind", "include_in_effect", "note", "decimals", "allowed_min", "allowed_max"},
    c.STATUS.name: {"status", "grade", "results", "issues", "next"},
    c.LEDGER.name: {"item", "year", "kind", "amount", "what", "basis"},
    c.GRADE_SCALE.name: {
        "name",
        "color",
        "basis",
        "threshold",
        "explain",
    },  # the labels name the roll-up columns
    c.REVISIONS.name: {col.key for col in c.REVISIONS.columns},
    OPINIONS.name: {*OPINION_TYPED_KEYS, *OPINION_ANSWER_KEYS},  # 担当課 is refresh's
}


def _input_keys(spec: TableSpec) -> set[str]:
    if spec.name in (c.ACTUALS_TABLE, c.TARGETS_TABLE, c.EFFECT_PLAN_TABLE):
        return {col.key for col in spec.columns if col.key.startswith("y")}
    return INPUT_KEYS.get(spec.name, set())


def sheet(wb: Workbook, name: str) -> Worksheet:
    """The workbook's worksheet of that name, made at the end where it has none."""
    found = wb[name] if name in wb.sheetnames else wb.create_sheet(name)
    if not isinstance(found, Worksheet):
        raise TypeError(f"{name} is not a worksheet")
    return found


def first_sheet(wb: Workbook) -> Worksheet:
    """The worksheet a new workbook starts with (openpyxl's Workbook() makes one)."""
    found = wb.worksheets[0]
    if not isinstance(found, Worksheet):
        raise TypeError("a new workbook starts with one worksheet")
    return found


def write_table(
    ws: Worksheet,
    spec: TableSpec,
    rows: Sequence[Sequence[Any]],
    *,
    title: bool = True,
    row_formats: Sequence[str] | None = None,
    editable: Callable[[int, str], bool] | None = None,
) -> None:
    """Title, note, header and rows of one table, styled by role, as an Excel table named spec.name.

    row_formats: the number format of each row's per_row_format columns (its measure's decimals).
    editable(row index, column key) overrides which cells are input cells (department files: one year only).
    """
    check_row_limit(f"シート「{ws.title}」の表「{spec.name}」", spec.anchor_row + max(len(rows), 1))
    if title:
        heading, note = TITLES.get(spec.name, (spec.sheet, ""))
        if spec.name == c.STATUS.name and spec != c.STATUS:  # a typed scale: every item is graded here
            note = TYPED_STATUS_NOTE
        apply(put_value(ws.cell(row=1, column=spec.anchor_col), heading), "title")
        apply(put_value(ws.cell(row=2, column=spec.anchor_col), note), "note")
    inputs = _input_keys(spec)
    top, left = spec.anchor_row, spec.anchor_col
    for j, col in enumerate(spec.columns):
        cell = put_value(ws.cell(row=top, column=left + j), col.header)
        apply(cell, "header")
        ws.column_dimensions[get_column_letter(left + j)].width = col.width
    header_height = row_height([(col.header, col.width) for col in spec.columns])
    if header_height:
        ws.row_dimensions[top].height = max(header_height, ws.row_dimensions[top].height or 0)
    body = list(rows) or [[None] * len(spec.columns)]
    for i, row in enumerate(body, start=1):
        for j, col in enumerate(spec.columns):
            cell = put_value(ws.cell(row=top + i, column=left + j), row[j])  # text never a formula
            is_input = editable(i - 1, col.key) if editable else col.key in inputs
            role = "output" if spec.output else ("input" if is_input else "reference")
            fmt = (
                row_formats[i - 1]
                if col.per_row_format and row_formats and i <= len(row_formats)
                else col.fmt
            )
            apply(cell, role, fmt, col.wrap)
        height = table_row_height(((col.width, col.wrap) for col in spec.columns), row)
        if height:
            ws.row_dimensions[top + i].height = height
    if spec.output:
        register_measure_formats(ws, spec, top + 1)
    ref = f"{get_column_letter(left)}{top}:{get_column_letter(left + len(spec.columns) - 1)}{top + len(body)}"
    table = Table(displayName=spec.name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)


def register_measure_formats(ws: Worksheet, spec: TableSpec, row: int) -> None:
    """Put into the workbook's styles the template cell's style with each measure format, so that refresh can
    give each row its measure's decimals by choosing an existing style (it never edits styles.xml)."""
    for j, col in enumerate(spec.columns):
        if not col.per_row_format:
            continue
        column = spec.anchor_col + j
        template = ws.cell(row=row, column=column)
        scratch_row = ws.max_row + 1
        for fmt in MEASURE_FORMATS:
            # a new cell each time: the workbook's list keeps the very style object a cell registers
            scratch = ws.cell(row=scratch_row, column=column)
            for part in ("font", "fill", "border", "alignment", "protection"):
                setattr(scratch, part, copy(getattr(template, part)))
            scratch.number_format = fmt
            _ = scratch.style_id  # adds the style to the workbook's list (openpyxl writes every listed style)
            del ws._cells[(scratch_row, column)]


def print_setup(ws: Worksheet, header_row: int, landscape: bool = True) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    fit_to_page(ws, True)
    ws.print_title_rows = f"{header_row}:{header_row}"
    if ws.oddFooter is not None:
        ws.oddFooter.center.text = "&P / &N"
    if ws.oddHeader is not None:
        ws.oddHeader.right.text = "&A"
    ws.print_options.horizontalCentered = True


def fit_to_page(ws: Worksheet, fit: bool) -> None:
    """Whether the sheet prints scaled to the page setup's pages (fitToWidth/fitToHeight) or at its scale."""
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = fit


def printed_views(ws: Worksheet, spec: TableSpec) -> None:
    """Views side by side at 90% (about 10 pt on A4), each repeating the identifying columns on the left."""
    breaks, repeat_until = PRINT_VIEWS[spec.name]
    keys = [col.key for col in spec.columns]
    for key in breaks:
        ws.col_breaks.append(Break(id=spec.anchor_col + keys.index(key)))  # id: the last column of a view
    fit_to_page(ws, False)
    ws.page_setup.scale = 90
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_title_cols = f"A:{get_column_letter(spec.anchor_col + keys.index(repeat_until))}"


def protect_sheet(ws: Worksheet) -> None:
    """Protection against slips (password documented): unlocked (yellow) cells stay editable, staff may still
    sort, filter and resize rows and columns to read long texts."""
    ws.protection.sheet = True
    ws.protection.password = c.PASSWORD_NOTE
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
