"""The 設定 and 評価区分 tables given to a worksheet function as arguments (KK_GRADE, KK_EFFECT, KK_ROLLUP).

Read by the workbook's own readers (master.readers.settings, plan.scale_rows), so a formula grades and prices
with exactly the settings and grade scale a refresh of the same workbook uses; a range that is not the table
gives one cell "エラー: ..." naming the table to select.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.master.readers.settings import read_settings
from kaikaku_xl.plan.scale_rows import scale_from_rows
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.problems import ERROR
from kaikaku_xl.udfs.cells import FormulaError, grid, optional, text
from kaikaku_xl.xlsx.engine import RawTable


def _body(rows: list[list[Any]], headers: list[str]) -> list[list[Any]]:
    """The table's rows without its header row, selected with the table or not."""
    return rows[1:] if rows and [text(v) for v in rows[0]] == headers else rows


def settings_from(value: Any) -> Settings:
    """Settings from the 設定 table (all four columns, or just キー and 値); defaults when omitted.

    Read by the same reader as refresh, so a UDF grades and prices with exactly the workbook's settings.
    """
    if not optional(value):
        return Settings()
    g = grid(value)
    full, pair = c.SETTINGS.headers, [c.SETTINGS.column("key").header, c.SETTINGS.column("value").header]
    if g.shape[1] == len(full):
        headers = full
    elif g.shape[1] == 2:
        headers = pair
    else:
        raise FormulaError(
            f"設定には表 {c.SETTINGS.name}（{c.SETTINGS.sheet}シート）の全列か、"
            f"「{pair[0]}」「{pair[1]}」の2列を指定してください。"
        )
    rows = _body([[text(v) if j == 0 else v for j, v in enumerate(row)] for row in g.tolist()], headers)
    reader = ProblemLog()
    settings = read_settings(reader, RawTable(c.SETTINGS.sheet, headers, rows, c.SETTINGS.anchor_row, 1))
    errors = [p for p in reader.problems if p.severity == ERROR]
    if errors:
        raise FormulaError(errors[0].message)
    return settings


def scale_from(value: Any, settings: Settings) -> Settings:
    """The settings with the plan's own grade scale, from the 評価区分 table (GradeScale, all six columns, with or
    without its header row); the settings unchanged when omitted (the default S–D)."""
    if not optional(value):
        return settings
    g = grid(value)
    headers = c.GRADE_SCALE.headers
    if g.shape[1] == len(headers) - 1:  # a master made before the 点数 column (its last, optional)
        headers = headers[:-1]
    if g.shape[1] != len(headers):
        raise FormulaError(
            f"評価区分には表 {c.GRADE_SCALE.name}（{c.GRADE_SCALE.sheet}シート）の全列を指定してください。"
        )
    rows = _body(g.tolist(), headers)
    keys = [col.key for col in c.GRADE_SCALE.columns][: len(headers)]
    records = [
        dict(zip(keys, (None if isinstance(v, float) and math.isnan(v) else v for v in row), strict=True))
        for row in rows
        if any(text(v) for v in row)
    ]
    scale, problems = scale_from_rows(records)
    if problems:
        i, _key, message = problems[0]
        raise FormulaError(f"評価区分 {i + 1}行目: {message}")
    return replace(settings, grade_scale=scale) if scale is not None else settings
