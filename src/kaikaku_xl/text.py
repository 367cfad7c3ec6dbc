"""Text as staff type it: one reading of a cell as text, and one key for matching names typed twice.

Every reader of what staff typed (the master, returned department files, plan workbooks, the UDFs' arguments) and
every writer of a cell's text reads a cell through `cell_text`, so a blank is "" everywhere, never "None" or "nan".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any


def cell_text(value: Any) -> str:
    """A cell's value as text, trimmed: "" for a blank (None, NaN); a whole float without its ".0" (3.0 → "3");
    names keep their full-width characters."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def match_key(value: Any) -> str:
    """Text for matching: 全角/半角 and spacing differences do not make a different name."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(value)))


# Excel's list validation (a dropdown of choices written as a literal list): a comma separates the choices, a quote
# ends the list, and the list holds at most 255 characters. A choice breaking these breaks the dropdown.
CHOICE_BREAKERS = (",", '"')
CHOICE_LIST_MAX = 255


def choice_list_text(values: Iterable[str]) -> str:
    """The literal list Excel keeps of the choices (without its quotes)."""
    return ",".join(values)


def fits_choice_list(values: Iterable[str]) -> bool:
    """Whether Excel can hold these choices as a literal list (no comma or quote in one, 255 characters)."""
    values = list(values)
    if any(breaker in value for value in values for breaker in CHOICE_BREAKERS):
        return False
    return len(choice_list_text(values)) <= CHOICE_LIST_MAX


# Bidirectional controls (embeddings, overrides, isolates) reorder the text shown around them: U+202E turns
# "gpj.exe" into what reads as "exe.jpg". Text published from the workbook is shown without them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def strip_bidi_controls(text: str) -> str:
    """The text without bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069)."""
    return BIDI_CONTROLS.sub("", text)
