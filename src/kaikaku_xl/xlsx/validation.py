"""Excel's data validation, built once: dropdowns of choices and number checks that still let staff type."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl.text import choice_list_text, fits_choice_list
from kaikaku_xl.xlsx.tablespec import TableSpec

VALIDATION_ROWS = 2000  # rows below a table that keep their dropdowns when staff add rows


def add_validation(
    ws: Worksheet, spec: TableSpec, key: str, dv: DataValidation, rows: int = VALIDATION_ROWS
) -> None:
    col = spec.anchor_col + [k.key for k in spec.columns].index(key)
    letter = get_column_letter(col)
    dv.add(f"{letter}{spec.anchor_row + 1}:{letter}{spec.anchor_row + rows}")
    ws.add_data_validation(dv)


# Excel's limits on a validation's messages: longer ones make Excel repair the file and drop the validation.
PROMPT_MAX, ERROR_MAX = 255, 225


def choice_list(values: Iterable[str], prompt: str) -> DataValidation:
    """A dropdown of the choices; where Excel cannot hold them as a literal list (a comma or quote in one, over
    255 characters: text.fits_choice_list), only the input message is kept (no dropdown, no broken file): the
    readers check the value typed anyway."""
    values = list(values)
    fits = fits_choice_list(values)
    return DataValidation(
        type="list" if fits else None,
        formula1='"' + choice_list_text(values) + '"' if fits else None,
        allow_blank=True,
        showErrorMessage=fits,
        errorTitle="入力値",
        error=prompt[:ERROR_MAX],
        promptTitle="入力",
        prompt=prompt[:PROMPT_MAX],
        showInputMessage=True,
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
