"""What a reader found wrong in the input tables (a Problem names sheet, cell, what and what to do), and the base
every table reader shares: the problem list and the check that a table still has its columns."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from kaikaku_xl.errors import shown as quoted
from kaikaku_xl.metrics.scale import GradeScale
from kaikaku_xl.settings import Settings
from kaikaku_xl.workbook import contract as c
from kaikaku_xl.workbook.engine import RawTable

ERROR, WARNING = "エラー", "警告"
NARRATIVE_KEYS = ("results", "issues", "next")  # 取組実績, 課題, 今後の方向性


@dataclass(frozen=True)
class Problem:
    severity: str
    sheet: str
    cell: str
    message: str
    action: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


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

    def require_columns(self, table: RawTable, spec: c.TableSpec, keys: list[str]) -> dict[str, int] | None:
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
