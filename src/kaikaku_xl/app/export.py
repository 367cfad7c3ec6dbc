"""`kaikaku export`: council materials from a refreshed master (the same workflow as the 出力 action in Excel)."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from kaikaku_xl.app.report import report_from_engine
from kaikaku_xl.app.trend import trend_rows
from kaikaku_xl.export import ExportResult, export_all
from kaikaku_xl.export.atomic import sha256_of
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.master.recorded import evaluate_kept
from kaikaku_xl.plan import item_no
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import Engine
from kaikaku_xl.xlsx.file_engine import FileEngine

logger = logging.getLogger(__name__)


def statuses(loaded: Loaded) -> list[dict[str, Any]]:
    """The 進捗状況 rows as the export expects them (empty text, never NaN, for what staff left blank)."""
    return [
        {
            "no": item_no(r["item"]),
            "year": int(r["year"]),
            **{key: cell_text(r[key]) for key in ("status", "grade", "results", "issues", "next")},
        }
        for r in loaded.status.to_dict("records")
    ]


def export_from_engine(
    engine: Engine,
    out_dir: Path,
    *,
    year: int | None = None,
    now: datetime | None = None,
    progress: Any = print,
    pdf_renderer: Any = None,
    phases: Progress = SILENT,
) -> ExportResult:
    """phases: the 読み込み and 計算 lines on stderr (progress: the exporters' own messages)."""
    loaded, settings, report = report_from_engine(engine, year, phases)
    logger.info(
        "評価年度 %d の資料を %s に書き出します（金額の単位: %s）",
        report.evaluation_year,
        out_dir,
        settings.display_unit,
    )
    generated = (now or datetime.now()).date()
    return export_all(
        loaded.plan,
        report,
        statuses(loaded),
        out_dir,
        display_unit=settings.display_unit,
        generated=generated,
        progress=progress,
        pdf_renderer=pdf_renderer,
        source=master_source(engine, loaded),
        trend=trend_data(loaded, settings),
    )


def trend_data(loaded: Loaded, settings: Any) -> dict[str, Any]:
    """The 年度推移 rows (as the master's sheet has them) for the council materials' 年度推移 section."""
    items, measures, _ = trend_rows(loaded, evaluate_kept(loaded, settings))
    return {
        "plan_years": [y for y in loaded.layout.plan_years if y <= settings.evaluation_year],
        "years": loaded.layout.years,  # the planned path to the plan's end; actuals up to the evaluation year
        "items": [
            r[: 3 + sum(1 for y in loaded.layout.plan_years if y <= settings.evaluation_year)] for r in items
        ],
        "measures": measures,
        "decimals": {m.measure_id: m.shown_decimals for m in loaded.plan.measures},
    }


def master_source(engine: Engine, loaded: Loaded) -> dict[str, Any]:
    """What the manifest says about the master: its input fingerprint (every door) and, for a file, its checksum."""
    source: dict[str, Any] = {"fingerprint": loaded.fingerprint}
    path = getattr(engine, "path", None)
    if isinstance(path, Path) and path.is_file():
        source.update(name=path.name, sha256=sha256_of(path))
    return source


def export_file(
    path: Path,
    out_dir: Path,
    *,
    year: int | None = None,
    now: datetime | None = None,
    phases: Progress = SILENT,
) -> ExportResult:
    engine = FileEngine(path)
    try:
        return export_from_engine(engine, out_dir, year=year, now=now, phases=phases)
    finally:
        engine.close()
