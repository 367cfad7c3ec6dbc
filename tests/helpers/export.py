"""The council materials built from the bundled plan with actuals part of the way: shared by the export tests."""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

from kaikaku_xl.app.report import build_report
from kaikaku_xl.export import ExportResult, ItemStatus, export_all
from kaikaku_xl.export.report import Report
from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.metrics.frames import Inputs, items_frame, measures_frame
from kaikaku_xl.plan import Plan, load_plan
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.progress import SILENT, Progress

GENERATED = datetime.date(2026, 6, 1)
HAS_SOFFICE = shutil.which("soffice") is not None
needs_soffice = pytest.mark.skipif(
    not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed; CI installs it"
)
NO_SOFFICE = "/nonexistent/soffice"  # the PDF step finds no LibreOffice: most tests need no PDF


def make_inputs() -> tuple[Plan, Report, list[ItemStatus]]:
    """The bundled plan with actuals at 10% (2025) and 30% (2026) of the way, and statuses for the other items."""
    plan = load_plan()
    m = measures_frame(plan)
    acts = pd.DataFrame(
        [
            {"measure_id": r.measure_id, "year": y, "actual": r.baseline + (r.target - r.baseline) * f}
            for r in m.itertuples()
            for y, f in ((2025, 0.1), (2026, 0.3))
        ]
    )
    no_measure = [it.no for it in plan.items if not it.measures]
    statuses = [
        ItemStatus(
            no=no,
            year=2026,
            status=("未着手", "実施中", "完了")[i % 3],
            grade="SABCD"[i % 5],
            results=f"庁内検討会を{i + 2}回開催し、関係課と課題の洗い出しを行った。" * (1 + i % 2),
            issues="担当職員の確保と、関係部署との役割分担の明確化が課題である。",
            next="次年度は実施計画を策定し、試行運用を開始する。",
        )
        for i, no in enumerate(no_measure)
    ]
    status = pd.DataFrame([{"item": s.no, "year": s.year, "grade": s.grade} for s in statuses])
    inputs = Inputs(
        measures=m,
        items=items_frame(plan),
        baseline_year=2024,
        start_year=2026,
        end_year=2030,
        actuals=acts,
        status=status,
    )
    report = build_report(plan, evaluate(inputs, Settings(evaluation_year=2026)))
    return plan, report, statuses


def run_export(
    out: Path,
    *,
    soffice: str | None = NO_SOFFICE,
    display_unit: str = "円",
    report: Report | None = None,
    statuses: Sequence[ItemStatus] | None = None,
    progress: Progress = SILENT,
) -> ExportResult:
    plan, built, built_statuses = make_inputs()
    return export_all(
        plan,
        report or built,
        built_statuses if statuses is None else statuses,
        out,
        display_unit=display_unit,
        generated=GENERATED,
        soffice=soffice,
        progress=progress,
    )


def subprocess_main(out: str) -> None:
    """Entry point for the determinism test's second interpreter (another PYTHONHASHSEED)."""
    run_export(Path(out))
