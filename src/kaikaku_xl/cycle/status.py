"""Who has answered: per 主要担当課, the distribution and collection of the year, the inputs still missing, and
the narratives (取組実績・課題・今後の方向性) missing where they matter. Read by `kaikaku status`, refresh (the
提出状況 sheet) and validate (narrative warnings)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded, count_inputs, load
from kaikaku_xl.master.recorded import evaluate_kept
from kaikaku_xl.master.records import Distribution, read_records
from kaikaku_xl.metrics.frames import Results
from kaikaku_xl.metrics.items import running
from kaikaku_xl.metrics.narratives import narrative_gaps
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.vocabulary import NARRATIVE_KEYS
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import Engine
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.rows import table_rows
from kaikaku_xl.xlsx.typed import whole_number

NARRATIVE_LABELS = {key: c.STATUS.column(key).header for key in NARRATIVE_KEYS}


@dataclass
class DepartmentStatus:
    department: str
    year: int
    distributed: str | None = None
    due: str | None = None
    collected_at: str | None = None
    missing_cells: list[str] = field(default_factory=list)
    narratives: list[str] = field(default_factory=list)

    @property
    def collected(self) -> bool:
        return bool(self.collected_at)

    @property
    def missing(self) -> int:
        return len(self.missing_cells)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(collected=self.collected, missing=self.missing)
        return out


def _latest_distributions(engine: Engine, year: int) -> dict[str, Distribution]:
    """Department -> its latest distribution of `year` (later rows are later distributions)."""
    if not engine.has_table(c.DISTRIBUTIONS.name):
        return {}
    return {str(d.department): d for d in read_records(engine, Distribution) if whole_number(d.year) == year}


def department_status(
    engine: Engine, loaded: Loaded, results: Results, year: int | None = None
) -> list[DepartmentStatus]:
    year = year or results.evaluation_year
    items = loaded.inputs.items
    departments = list(dict.fromkeys(str(d) for d in items["lead"] if str(d)))
    latest = _latest_distributions(engine, year)
    actuals = loaded.inputs.actuals
    have = set(actuals.loc[actuals["year"] == year, "measure_id"]) if len(actuals) else set()
    status = loaded.status[loaded.status["year"] == year] if len(loaded.status) else pd.DataFrame()
    by_item = status.drop_duplicates("item").set_index("item") if len(status) else pd.DataFrame()
    measures = loaded.inputs.measures
    gaps: dict[Any, tuple[str, list[str]]] = {}
    if year == results.evaluation_year:
        gaps = {
            gap.item: (gap.why, gap.missing)
            for gap in narrative_gaps(loaded.status, results, GradeScale.of(loaded.settings))
        }
    n_measures = items.set_index("item")["n_measures"]
    typed = GradeScale.of(loaded.settings).typed  # the departments grade every item
    out = []
    for department in departments:
        record = latest.get(department)
        entry = DepartmentStatus(department, year)
        if record is not None:
            entry.distributed = cell_text(record.distributed_at) or None
            entry.due = cell_text(record.due) or None
            entry.collected_at = cell_text(record.collected_at) or None
        own = list(
            items.loc[(items["lead"] == department) & running(items, year), "item"]
        )  # not before its start
        for m in measures[measures["item"].isin(own)].itertuples():
            if m.measure_id not in have:
                entry.missing_cells.append(f"実績 No.{m.item}「{m.name}」")
        for item in own:
            row = by_item.loc[item] if item in by_item.index else None
            if row is None or not str(row["status"] or "").strip():
                entry.missing_cells.append(f"進捗状況 No.{item}")
            if (n_measures.get(item, 0) == 0 or typed) and (row is None or not row["grade"]):
                entry.missing_cells.append(f"評価 No.{item}")
            if item in gaps:
                why, missing = gaps[item]
                entry.narratives.append(
                    f"No.{item}（{why}）: " + "・".join(NARRATIVE_LABELS[k] for k in missing)
                )
        out.append(entry)
    return out


def submission_rows(statuses: list[DepartmentStatus]) -> list[list[Any]]:
    """The rows of the 提出状況 sheet, built by column key from its TableSpec (SUBMISSIONS)."""
    return table_rows(
        c.SUBMISSIONS,
        (
            {
                "department": s.department,
                "year": s.year,
                "distributed_at": s.distributed or "",
                "due": s.due or "",
                "collected_at": s.collected_at or "",
                "collected": "済" if s.collected else "未",
                "missing": s.missing,
                "missing_cells": "、".join(s.missing_cells),
                "narratives": "、".join(s.narratives),
            }
            for s in statuses
        ),
    )


def cycle_status(
    master: Path, year: int | None = None, progress: Progress = SILENT
) -> list[DepartmentStatus]:
    """`kaikaku status`: read-only; progress: the 読み込み / 計算 lines."""
    engine = FileEngine(master)
    try:
        loaded = load(engine, progress)
        with progress.phase("計算") as phase:
            count_inputs(phase, loaded)
            results = evaluate_kept(loaded, loaded.settings)
            statuses = department_status(engine, loaded, results, year)
            phase.count("課", len(statuses))
        return statuses
    finally:
        engine.close()
