"""Text is written as text: the one rule every writer of a cell follows (openpyxl cells, typing through Excel).

openpyxl makes a formula of any str starting with "=" (and an error value of "#N/A"…): text someone typed as
`=HYPERLINK(...)` or `=cmd|' /C calc'!A0` would be written back into another book as a live formula.
Text starting with a character Excel reads as the start of a formula ("=", "+", "-", "@", or full-width) gets the quote
prefix, so that Excel shows it as typed and keeps it text when the cell is edited. The XML writers (sheetxml.py,
patch.py) write every str as an inline string already.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # a writer through Excel never imports openpyxl (importing it is slow)
    from openpyxl.cell.cell import Cell, MergedCell

# Japanese Excel takes the full-width forms typed with the IME as the start of a formula too.
FORMULA_LEADS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
_TYPED_LEADS = (*FORMULA_LEADS, "'")  # Excel also eats a leading apostrophe typed into a cell


def starts_like_formula(text: str) -> bool:
    """Whether Excel would read the text, typed into a cell, as the start of a formula."""
    return text.startswith(FORMULA_LEADS)


def put_value(cell: Cell | MergedCell, value: Any) -> Cell | MergedCell:
    """Set an openpyxl cell's value; a str is always text (never a formula or an error value). Returns the cell.

    Every openpyxl writer of the product sets values through this function (tests/xlsx/test_text_cells.py)."""
    cell.value = value
    if isinstance(value, str) and value:
        cell.data_type = "s"
    lead = isinstance(value, str) and starts_like_formula(value)
    if lead or cell.quotePrefix:  # a cell given other text keeps no quote prefix from before
        cell.quotePrefix = lead
    return cell


def typed_value(value: Any) -> Any:
    """A value to give Excel as if typed (an xlwings Range.value): text Excel would read as a formula, or whose
    leading apostrophe it would eat, goes with the apostrophe that tells Excel it is text."""
    if isinstance(value, str) and value.startswith(_TYPED_LEADS):
        return "'" + value
    return value
