"""A plan's own grade scale in the master: its grade cells filled with its colours (conditional formats, so that
what refresh writes and what staff type are painted alike) and wide enough for its labels.

Only for a plan with its own scale: the default S–D master stays exactly as it was.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from kaikaku_xl.master import contract as c
from kaikaku_xl.plan.scale import GradeScale, text_on

PAINTED_ROWS = 2000  # rows below each header that keep the fills when tables grow


def paint_grades(wb: Workbook, layout: c.Layout, scale: GradeScale) -> None:
    trend = layout.table(c.TREND_ITEMS_TABLE)
    targets = [
        (c.STATUS, ["grade"]),
        (c.EVALUATION, ["grade"]),
        (c.ITEM_RESULTS, ["grade"]),
        (trend, [f"g{y}" for y in layout.plan_years]),
    ]
    width = max(7, *(2 * len(label) + 3 for label in scale.labels))
    for spec, keys in targets:
        ws = wb[spec.sheet]
        for key in keys:
            letter = get_column_letter(spec.anchor_col + [col.key for col in spec.columns].index(key))
            ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
            area = f"{letter}{spec.anchor_row + 1}:{letter}{spec.anchor_row + PAINTED_ROWS}"
            for g in scale.grades:
                if g.color:
                    ws.conditional_formatting.add(
                        area,
                        CellIsRule(
                            operator="equal",
                            formula=[f'"{g.label}"'],
                            fill=PatternFill(fill_type="solid", start_color=g.color, end_color=g.color),
                            font=Font(color=text_on(g.color)),
                        ),
                    )
