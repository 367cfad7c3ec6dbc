"""The master being upgraded, as a scratch copy: each step reads it and writes its parts into it; the master itself
is replaced once, at the end, by the parts that differ (run.py). Also what a new master of the same plan has (the
reference the steps copy columns, rows, validations and names from), built only when a step needs it."""

from __future__ import annotations

import zipfile
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaikaku_xl.master.contract import Layout
from kaikaku_xl.master.load import Loaded, MasterLoader
from kaikaku_xl.progress import SILENT
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.package import Package, inspect
from kaikaku_xl.xlsx.saving import save_atomically

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook


class Book:
    """The scratch copy of one master (`path`), named in messages by the master's own file name."""

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name

    def package(self) -> Package:
        return inspect(self.path)

    def part(self, name: str) -> bytes:
        with zipfile.ZipFile(self.path) as zf:
            return zf.read(name)

    def write(self, parts: dict[str, bytes]) -> None:
        """Replace parts of the scratch copy (no backup: the master itself is backed up once, at the end)."""
        save_atomically(self.path, dict(parts), 0, sole_writer=True)

    def cells(self, sheet: str, bounds: tuple[int, int, int, int]) -> list[list[Any]]:
        """The values of a range (min_col, min_row, max_col, max_row) as the file holds them (None: blank)."""
        from openpyxl import load_workbook

        wb = load_workbook(self.path, read_only=True, data_only=True)
        try:
            low, top, high, bottom = bounds
            rows = wb[sheet].iter_rows(
                min_row=top, max_row=bottom, min_col=low, max_col=high, values_only=True
            )
            found = [[None if v == "" else v for v in row] for row in rows]
        finally:
            wb.close()
        width = high - low + 1
        found += [[None] * width for _ in range(bottom - top + 1 - len(found))]
        return [row + [None] * (width - len(row)) for row in found]

    def headers(self, table: str) -> list[str]:
        """The header row of a table as the sheet holds it."""
        part = self.package().tables[table]
        low, top, high, _ = part.bounds
        return ["" if v is None else str(v).strip() for v in self.cells(part.sheet, (low, top, high, top))[0]]

    @cached_property
    def loaded(self) -> Loaded:
        """The master's plan and inputs as they were before the upgrade (no step changes the plan)."""
        engine = FileEngine(self.path)
        try:
            with SILENT.phase("読み込み") as phase:
                loader = MasterLoader(engine, phase)
                for _, step in loader.steps():
                    # an input table a later release added is what the upgrade adds: not required here
                    if step.__name__ != MasterLoader.require_inputs.__name__:
                        step()
                return loader.loaded()
        finally:
            engine.close()

    @property
    def layout(self) -> Layout:
        return self.loaded.layout

    @property
    def blank_rows(self) -> dict[str, int]:
        """Blank rows of a new table, as a new master has them (revisions are typed into them)."""
        from kaikaku_xl.master.builder import REVISION_ROWS
        from kaikaku_xl.master.contract.inputs import OPINION_ROWS, OPINIONS

        return {"Revisions": REVISION_ROWS, OPINIONS.name: OPINION_ROWS}

    @cached_property
    def reference(self) -> Workbook:
        """A new master of the same plan (in memory, never saved): what the steps give the master. The builder
        (and openpyxl) is imported only here: every writing command calls the upgrade, refresh imports no openpyxl."""
        from kaikaku_xl.master.builder import build_workbook

        return build_workbook(self.loaded.plan, protect=False)
