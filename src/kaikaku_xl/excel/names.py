"""The Excel front door's names (操作 sheet, defined names, xlwings.conf), defined in workbook.contract.

Kept as a module so the Excel code reads `n.SHEET_ACTIONS`; the single source of truth is the contract.
"""

from ..workbook.contract import (  # noqa: F401
    ACTION_CELLS,
    ACTION_COLLECT,
    ACTION_DISTRIBUTE,
    ACTION_EXPORT,
    ACTION_REFRESH,
    ACTION_VALIDATE,
    ACTIONS,
    BUTTON_CAPTION,
    BUTTON_MACRO,
    CONF_SHEET,
    DEFAULT_EXPORT_DIR,
    NAME_ACTION,
    NAME_EXPORT_DIR,
    NAME_STATUS,
    SHEET_ACTIONS,
    TEMPLATE,
    UDF_MODULE,
    ActionCells,
)
