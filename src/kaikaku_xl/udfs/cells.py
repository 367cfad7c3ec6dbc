"""What Excel hands a UDF, made into numbers and texts; what a UDF hands back, made into cell values.

One formula serves a single cell or a whole table column: every argument becomes a 2-D grid, single cells are
broadcast, the other grids must have the same shape, and the result has that shape (a spilled column).
DOMAIN.md: whatever cannot be computed (empty cell, text that is not a number, an Excel error such as #N/A,
division by zero) is "−" (評価対象外), never 0 and never a traceback. A mistake in the formula itself (columns of
different lengths, an unreadable 設定 range) gives one cell with "エラー: ..." saying what to fix.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from kaikaku_xl.plan.scale import NOT_GRADED
from kaikaku_xl.xlsx.typed import NotANumber, parse_number

EMPTY = NOT_GRADED  # "−": 評価対象外 (the same mark as rounding.EMPTY and the grade)
ERROR_PREFIX = "エラー: "
_YEAR = re.compile(r"^(\d{4})(年度|年)?$")


class FormulaError(ValueError):
    """The formula's arguments do not fit together; the message says what to change (Japanese)."""


@dataclass(frozen=True)
class Arg:
    """One UDF argument: its value as Excel sent it, its kind ("number", "year", "text") and its label."""

    value: Any
    kind: str
    label: str


def grid(value: Any) -> np.ndarray:
    """Any argument as a 2-D object array: a cell is 1×1, a list is a column, a list of lists stays a grid."""
    if isinstance(value, np.ndarray):
        array = value.astype(object)
    elif isinstance(value, list | tuple):
        if not value:
            array = np.empty((0, 1), dtype=object)
        elif (uniform := _rectangle(value)) is not None:  # what Excel sends: rows of equal length, built in C
            array = uniform
        elif all(isinstance(row, list | tuple) for row in value):
            width = max(len(row) for row in value)
            array = np.empty((len(value), width), dtype=object)
            # a column, the usual case: no loop per cell
            if width == 1 and all(len(row) == 1 for row in value):
                column_values = np.empty(len(value), dtype=object)
                column_values[:] = [row[0] for row in value]  # 1-D object array: nothing is unpacked
                array[:, 0] = column_values
            else:
                for i, row in enumerate(value):
                    for j in range(width):
                        array[i, j] = row[j] if j < len(row) else None
        else:
            array = np.empty((len(value), 1), dtype=object)
            for i, v in enumerate(value):
                array[i, 0] = v
    else:
        array = np.empty((1, 1), dtype=object)
        array[0, 0] = value
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    return array


def _rectangle(rows: list[Any] | tuple[Any, ...]) -> np.ndarray | None:
    """Rows of equal length as a 2-D object array (cells kept as they are); None for anything else."""
    first = rows[0]
    if not isinstance(first, list | tuple) or not first:
        return None
    try:
        array = np.array(rows, dtype=object)
    except ValueError:
        return None
    return array if array.ndim == 2 and array.shape == (len(rows), len(first)) else None


def is_blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str) and value.strip() == "")
        or (isinstance(value, float) and math.isnan(value))
    )


def number(value: Any) -> float:
    """A cell as a number (the workbook's lenient reading: 1.2万, ３，０００円, △500); NaN if not computable."""
    if is_blank(value) or isinstance(value, bool | datetime | date):
        return math.nan
    if isinstance(value, np.generic):
        value = value.item()
    try:
        parsed = parse_number(value)
    except (NotANumber, ValueError, TypeError):
        return math.nan
    return math.nan if parsed is None or not math.isfinite(parsed) else float(parsed)


def year(value: Any) -> float:
    """A fiscal year as typed or as a column header: 2026, 2026.0, "2026年度"; NaN otherwise."""
    if isinstance(value, str):
        match = _YEAR.match(unicodedata.normalize("NFKC", value).strip())
        return float(match.group(1)) if match else math.nan
    n = number(value)
    return n if math.isfinite(n) and float(n).is_integer() else math.nan


def text(value: Any) -> str:
    """A cell as trimmed text; blank and Excel errors (#N/A ...) are ""."""
    if is_blank(value) or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out = unicodedata.normalize("NFKC", str(value)).strip()
    return "" if out.startswith("#") and out.upper().rstrip("!?/0") in _ERROR_STEMS else out


_ERROR_STEMS = {
    "#N/A",
    "#DIV",
    "#VALUE",
    "#REF",
    "#NAME",
    "#NUM",
    "#NULL",
    "#SPILL",
    "#CALC",
    "#DATA",
    "#GETTING_DATA",
}

_CONVERT: dict[str, Callable[[Any], Any]] = {"number": number, "year": year, "text": text, "raw": lambda v: v}


def numbers(cells: np.ndarray) -> np.ndarray:
    """Cells as floats: numbers as they are (the fast path), the lenient parser only for the other cells."""
    flat = cells.ravel()
    plain = np.fromiter((type(v) is float or type(v) is int for v in flat), dtype=bool, count=len(flat))
    out = np.full(len(flat), np.nan)
    if plain.any():
        out[plain] = flat[plain].astype(float)
    for i in np.flatnonzero(~plain):
        out[i] = number(flat[i])
    out[~np.isfinite(out)] = np.nan
    return out.reshape(cells.shape)


def years(cells: np.ndarray) -> np.ndarray:
    """Fiscal years as floats (NaN where not a whole year), parsing text only where it is text."""
    out = numbers(cells)
    flat, values = cells.ravel(), out.ravel()
    values[np.isfinite(values) & (values != np.floor(values))] = np.nan
    for i in np.flatnonzero(np.fromiter((isinstance(v, str) for v in flat), dtype=bool, count=len(flat))):
        values[i] = year(flat[i])
    return out


def texts(cells: np.ndarray) -> np.ndarray:
    """Cells as trimmed texts; each distinct value is normalised once (a column repeats a few words)."""
    seen: dict[tuple[type, Any], str] = {}  # keyed with the type: True == 1 but their texts differ
    out = np.empty(cells.size, dtype=object)
    for i, v in enumerate(cells.ravel()):
        key = (type(v), v)
        try:
            out[i] = seen[key]
        except KeyError:
            out[i] = seen[key] = text(v)
        except TypeError:  # unhashable (never from Excel): convert it alone
            out[i] = text(v)
    return out.reshape(cells.shape)


def convert(cells: np.ndarray, kind: str) -> np.ndarray:
    if kind == "number":
        return numbers(cells)
    if kind == "year":
        return years(cells)
    if kind == "text":
        return texts(cells)
    return np.array([_CONVERT[kind](v) for v in cells.ravel()], dtype=object).reshape(cells.shape)


def broadcast(args: Sequence[Arg]) -> tuple[list[np.ndarray], tuple[int, int], bool]:
    """Every argument converted element by element, on the common shape; True when all were single cells."""
    grids = [grid(a.value) for a in args]
    shapes = {g.shape for g in grids if g.shape != (1, 1)}
    if len(shapes) > 1:
        sizes = "、".join(
            f"{a.label} {g.shape[0]}行×{g.shape[1]}列"
            for a, g in zip(args, grids, strict=True)
            if g.shape != (1, 1)
        )
        raise FormulaError(f"範囲の大きさがそろっていません（{sizes}）。同じ行数の列を指定してください。")
    scalar = not shapes
    shape = shapes.pop() if shapes else (1, 1)
    out = []
    for a, g in zip(args, grids, strict=True):
        values = convert(g, a.kind)
        out.append(np.broadcast_to(values, shape).ravel() if g.shape == (1, 1) else values.ravel())
    return out, shape, scalar


def cell(value: Any) -> Any:
    """A result for a cell: NaN/None -> "−", numpy scalars -> Python numbers."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return EMPTY
    return value


def shaped(values: Sequence[Any] | np.ndarray, shape: tuple[int, int], scalar: bool) -> Any:
    """Results laid out like the input: one value for single cells, else rows × columns (spilled)."""
    array = np.asarray(values)
    if array.dtype == np.float64:  # numbers: NaN/inf become "−" in one pass, the rest are Python floats
        finite = np.isfinite(array).ravel().tolist()
        flat = [v if ok else EMPTY for v, ok in zip(array.ravel().tolist(), finite, strict=True)]
    else:
        flat = [cell(v) for v in array.astype(object).ravel()]
    if scalar:
        return flat[0]
    rows, cols = shape
    return [flat[i * cols : (i + 1) * cols] for i in range(rows)]


def error_value(exc: Exception) -> str:
    """One cell that says what went wrong, instead of a traceback."""
    if isinstance(exc, FormulaError):
        return ERROR_PREFIX + str(exc)
    return f"{ERROR_PREFIX}計算できませんでした（{type(exc).__name__}: {exc}）。引数を確認してください。"


def elementwise(kernel: Callable[..., Any], *args: Arg) -> Any:
    """Apply a vectorised kernel (numpy arrays in, array out) to broadcast arguments; never raises."""
    try:
        values, shape, scalar = broadcast(args)
        return shaped(kernel(*values), shape, scalar)
    except Exception as exc:  # a cell shows a message, never a traceback
        return error_value(exc)


def optional(value: Any) -> bool:
    """True when an optional argument was given (not omitted and not an empty cell)."""
    return not all(is_blank(v) for v in grid(value).ravel())


def column(value: Any, kind: str, label: str) -> np.ndarray:
    """A whole column argument (one value per row), converted."""
    g = grid(value)
    if g.shape[1] != 1 and g.shape[0] == 1:
        g = g.T
    if g.shape[1] != 1:
        raise FormulaError(
            f"{label}には1列の範囲を指定してください（{g.shape[0]}行×{g.shape[1]}列が指定されました）。"
        )
    return convert(g, kind).ravel()
