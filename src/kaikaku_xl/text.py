"""Text as staff type it: one reading of a cell as text, and one key for matching names typed twice.

Every reader of what staff typed (the master, returned department files, plan workbooks, the UDFs' arguments) and
every writer of a cell's text reads a cell through `cell_text`, so a blank is "" everywhere, never "None" or "nan".
"""

from __future__ import annotations

import math
import re
import unicodedata
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
