"""Text for the terminal: Japanese characters take two columns, so tables are padded by display width."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide and full-width characters 2, combining marks 0, others 1."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def clip(text: str, width: int) -> str:
    """`text` cut to at most `width` columns, with "…" where it was cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int, align: str = "<") -> str:
    """`text` padded with spaces to `width` columns: "<" left-aligned, ">" right-aligned."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if align == ">" else text + fill
