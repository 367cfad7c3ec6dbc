"""What every reader of the master's tables shares: the problem log (the problems, the rules read so far: 設定 and
the grade scale), the check that a table still has its columns, and the rows keyed by item No and 年度 (進捗状況,
効果額台帳)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from kaikaku_xl.errors import shown
from kaikaku_xl.plan import ItemNo, item_no
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.problems import ERROR, Problem
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.tablespec import TableSpec
from kaikaku_xl.xlsx.typed import whole_number


class ProblemLog:
    """The problems the readers find, and the rules they read by (the loader sets them as it reads)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.config = Settings()  # the 設定 sheet's rules, once read (plausibility of values)
        self.scale = GradeScale()  # the plan's grade scale (the loader sets a plan's own)

    def problem(
        self, severity: str, table: RawTable, row: int | None, col: int | None, message: str, action: str
    ) -> None:
        cell = table.address(row, col) if row is not None and col is not None else ""
        self.problems.append(Problem(severity, table.sheet, cell, message, action))

    def require_columns(self, table: RawTable, spec: TableSpec, keys: Iterable[str]) -> dict[str, int] | None:
        """Each key's column index; None (and an error naming the first missing column) when one is missing."""
        positions = {}
        for key in keys:
            header = spec.column(key).header
            index = table.column_of(spec.column(key))
            if index is None:
                self.problems.append(
                    Problem(
                        ERROR,
                        table.sheet,
                        "",
                        f"表 {spec.name} に列「{shown(header)}」がありません。",
                        "列見出しを元に戻すか、kaikaku init で作り直した表から貼り付けてください。",
                    )
                )
                return None
            positions[key] = index
        return positions


def plan_rows(
    log: ProblemLog,
    table: RawTable,
    pos: dict[str, int],
    known: set[Any],
    years: list[int],
    consequence: str,
) -> Iterator[tuple[int, list[Any], ItemNo, int]]:
    """(row index, row, item No, 年度) of each row whose item (in `known`) and year belong to the plan; an error
    naming the cell for every other row (`consequence` says what became of it)."""
    for i, raw in enumerate(table.rows):
        item, year = item_no(raw[pos["item"]]), whole_number(raw[pos["year"]])
        if item is None or item not in known:
            log.problem(
                ERROR,
                table,
                i,
                pos["item"],
                f"取組項目 No「{shown(raw[pos['item']])}」は計画にありません。",
                "取組項目シートにある No を入力してください。" + consequence,
            )
        elif year is None or year not in years:
            log.problem(
                ERROR,
                table,
                i,
                pos["year"],
                f"年度「{shown(raw[pos['year']])}」は計画期間外です。",
                f"{years[0]}〜{years[-1]} の年度を入力してください。" + consequence,
            )
        else:
            yield i, raw, item, year
