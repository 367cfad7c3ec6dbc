"""The base every reader of the master's tables shares: the problem list, the rules read so far (設定, the
grade scale) and the check that a table still has its columns."""

from __future__ import annotations

from kaikaku_xl.errors import shown as quoted
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.problems import ERROR, Problem
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.tablespec import TableSpec


class ProblemLog:
    """Collects problems for the readers built on it."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.config = Settings()  # the 設定 sheet's rules, once read (plausibility of values)
        self.scale = GradeScale()  # the plan's grade scale (the loader sets a plan's own)

    def problem(
        self, severity: str, table: RawTable, row: int | None, col: int | None, message: str, action: str
    ) -> None:
        cell = table.address(row, col) if row is not None and col is not None else ""
        self.problems.append(Problem(severity, table.sheet, cell, message, action))

    def require_columns(self, table: RawTable, spec: TableSpec, keys: list[str]) -> dict[str, int] | None:
        positions = {}
        for key in keys:
            header = spec.column(key).header
            index = table.column_index(header)
            if index is None:
                self.problems.append(
                    Problem(
                        ERROR,
                        table.sheet,
                        "",
                        f"表 {spec.name} に列「{quoted(header)}」がありません。",
                        "列見出しを元に戻すか、kaikaku init で作り直した表から貼り付けてください。",
                    )
                )
                return None
            positions[key] = index
        return positions
