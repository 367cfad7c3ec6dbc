"""What a reader found wrong in what staff typed: a Problem names the sheet, the cell, what is wrong and
what to do. Readers of the master, of returned department files and of plan workbooks all report these."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR, WARNING = "エラー", "警告"
INFO = "情報"  # nothing to do yet (e.g. inputs of a year not yet due): listed, not counted as a warning


@dataclass(frozen=True)
class Problem:
    severity: str
    sheet: str
    cell: str
    message: str
    action: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)
