"""Excel's own limits (characters in a cell, rows in a sheet), checked before anything is written.

A value past them would make Excel open the file cut or "repaired"; every writer (the file engine, the xlwings
engine, a workbook built with openpyxl) asks here, so the limits and their Japanese message live in one place.
"""

from __future__ import annotations

from kaikaku_xl.errors import WorkbookError

EXCEL_MAX_CHARS = 32_767  # characters in one cell
EXCEL_MAX_ROWS = 1_048_576


class RowLimitError(WorkbookError):
    """More rows than an Excel sheet holds."""


def check_row_limit(where: str, last_row: int) -> None:
    """Refuse (before anything is written) rows past Excel's last row: Excel would not open the file whole.
    where: the place in Japanese, e.g. シート「一覧」の表「List」."""
    if last_row > EXCEL_MAX_ROWS:
        raise RowLimitError(
            f"{where}に書き込む行が Excel の上限（{EXCEL_MAX_ROWS:,} 行）を超えます"
            f"（{last_row:,} 行目まで必要です）。ファイルは変更されていません。古い行を別のブックに移すなどして"
            "書き込む行を減らしてから、もう一度実行してください。"
        )


def fit_cell_text(text: str) -> str:
    """Text as one Excel cell can hold it: longer text is cut and ends with …."""
    return text if len(text) <= EXCEL_MAX_CHARS else text[: EXCEL_MAX_CHARS - 1] + "…"
