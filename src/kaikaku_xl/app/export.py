"""`kaikaku export`: council materials from a refreshed master (the same workflow as the 出力 action in Excel)."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from kaikaku_xl.app.report import report_from_engine
from kaikaku_xl.app.trend import trend_rows
from kaikaku_xl.export import ExportResult, ItemStatus, MasterSource, PdfRenderer, TrendData, export_all
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.metrics.frames import Results
from kaikaku_xl.plan import item_no
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import Engine
from kaikaku_xl.xlsx.file_engine import FileEngine

logger = logging.getLogger(__name__)


def item_statuses(loaded: Loaded) -> list[ItemStatus]:
    """The 進捗状況 rows as the export reads them (empty text, never NaN, for what staff left blank)."""
    return [
        ItemStatus(
            no=item_no(r["item"]),
            year=int(r["year"]),
            status=cell_text(r["status"]),
            grade=cell_text(r["grade"]),
            results=cell_text(r["results"]),
            issues=cell_text(r["issues"]),
            next=cell_text(r["next"]),
        )
        for r in loaded.status.to_dict("records")
    ]


def export_from_engine(
    engine: Engine,
    out_dir: Path,
    *,
    master_path: Path | None = None,
    year: int | None = None,
    now: datetime | None = None,
    progress: Progress = SILENT,
    pdf_renderer: PdfRenderer | None = None,
) -> ExportResult:
    """The council materials of the master read through `engine`. master_path: the master's file (its name and
    SHA-256 go into the manifest; None for a door without one). progress: the 読み込み, 計算, 資料の組み立て
    and 書き込み lines."""
    evaluation = report_from_engine(engine, year, progress)
    loaded, settings, report = evaluation.loaded, evaluation.settings, evaluation.report
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
        item_statuses(loaded),
        out_dir,
        display_unit=settings.display_unit,
        generated=generated,
        progress=progress,
        pdf_renderer=pdf_renderer,
        source=MasterSource.of(loaded.fingerprint, master_path),
        trend=trend_data(loaded, settings, evaluation.results),
    )


def trend_data(loaded: Loaded, settings: Settings, results: Results) -> TrendData:
    """The 年度推移 rows (as the master's sheet has them) for the council materials' 年度推移 section, from the
    results the report was built from."""
    items, measures, _ = trend_rows(loaded, results)
    plan_years = [y for y in loaded.layout.plan_years if y <= settings.evaluation_year]
    return TrendData(
        plan_years=plan_years,
        years=loaded.layout.years,  # the planned path to the plan's end; actuals up to the evaluation year
        items=[r[: 3 + len(plan_years)] for r in items],
        measures=measures,
        decimals={m.measure_id: m.shown_decimals for m in loaded.plan.measures},
    )


def export_file(
    path: Path,
    out_dir: Path,
    *,
    year: int | None = None,
    now: datetime | None = None,
    progress: Progress = SILENT,
) -> ExportResult:
    """`kaikaku export`: the master file at `path`."""
    engine = FileEngine(path)
    try:
        return export_from_engine(engine, out_dir, master_path=path, year=year, now=now, progress=progress)
    finally:
        engine.close()
