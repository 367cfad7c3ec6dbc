"""Excel's data validation, built once: dropdowns of choices and number checks that still let staff type."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl.xlsx.tablespec import TableSpec

VALIDATION_ROWS = 2000  # rows below a table that keep their dropdowns when staff add rows


def add_validation(
    ws: Worksheet, spec: TableSpec, key: str, dv: DataValidation, rows: int = VALIDATION_ROWS
) -> None:
    col = spec.anchor_col + [k.key for k in spec.columns].index(key)
    letter = get_column_letter(col)
    dv.add(f"{letter}{spec.anchor_row + 1}:{letter}{spec.anchor_row + rows}")
    ws.add_data_validation(dv)


def choice_list(values: Iterable[str], prompt: str) -> DataValidation:
    return DataValidation(
        type="list",
        formula1='"' + ",".join(values) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="入力値",
        error=prompt,
        promptTitle="入力",
        prompt=prompt,
        showInputMessage=True,
    )


def number_check(prompt: str) -> DataValidation:
    # "information" style: staff may still type 1.2万 or ３，０００円; typed.py reads those, the reader reports the rest.
    return DataValidation(
        type="decimal",
        operator="between",
        formula1="-1E+15",
        formula2="1E+15",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="information",
        errorTitle="数値",
        error=prompt,
    )


def whole_check(low: int, high: int, prompt: str, title: str = "入力値") -> DataValidation:
    return DataValidation(
        type="whole",
        operator="between",
        formula1=str(low),
        formula2=str(high),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title,
        error=prompt,
    )
