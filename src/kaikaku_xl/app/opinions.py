"""懇談会意見 (issue 23) for refresh: the 担当課 of each opinion, filled from its item (the coordinator's for 全体),
written into the cells refresh owns on the sheet (never the typed ones). No export import here: refresh loads only
what it uses."""

from __future__ import annotations

from typing import Any

from kaikaku_xl.master.contract.inputs import OPINIONS
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.master.readers.opinions import opinion_department, opinion_item
from kaikaku_xl.plan import item_no
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import PatchingEngine


def opinion_department_cells(engine: PatchingEngine, loaded: Loaded) -> dict[tuple[int, int], Any]:
    """(row, column) -> 担当課 of every row whose cell differs from what its No says ("" for an unknown No)."""
    table = engine.read_table(OPINIONS)
    at_item = table.column_of(OPINIONS.column("item"))
    at_department = table.column_of(OPINIONS.column("department"))
    if at_item is None or at_department is None:
        return {}
    leads = {item_no(r.item): str(r.lead) for r in loaded.inputs.items.itertuples()}
    cells: dict[tuple[int, int], Any] = {}
    for i, raw in enumerate(table.rows):
        department = opinion_department(opinion_item(raw[at_item]), leads)
        if cell_text(raw[at_department]) != department:
            offset = i + 1 if table.offsets is None else table.offsets[i]
            cells[(table.header_row + offset, table.first_col + at_department)] = department or None
    return cells


def write_opinion_cells(engine: PatchingEngine, loaded: Loaded) -> None:
    """The 担当課 column of 懇談会意見; a master without the sheet is left as it is, an unchanged one byte for byte."""
    if not engine.has_table(OPINIONS.name):
        return
    cells = opinion_department_cells(engine, loaded)
    if cells:
        engine.patch_cells(OPINIONS.sheet, cells)
