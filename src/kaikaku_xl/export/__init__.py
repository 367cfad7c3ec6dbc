"""Export the evaluation report: values-only workbook, council PDF, web page and open-data CSV.

    result = export_all(plan, report, statuses, out_dir, display_unit="千円", generated=date(2026, 6, 1))

`plan` is the Plan, `statuses` the 進捗状況 rows as ItemStatus records, `report` the Report of
kaikaku_xl.app.report.build_report (full precision); every figure shown is rounded
here by kaikaku_xl.rounding, once, in the view that all documents share. The same inputs and `generated` date give
byte-identical xlsx, HTML and CSV files. Files are named kaikaku_{evaluation_year}_report.xlsx / .pdf / .html and
kaikaku_{evaluation_year}_opendata.csv.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kaikaku_xl.export.atomic import MasterSource, manifest_name, staged_export
from kaikaku_xl.export.html import write_html
from kaikaku_xl.export.opendata import write_csv
from kaikaku_xl.export.pdf import PdfRenderer, write_pdf
from kaikaku_xl.export.qualitative import ItemStatus
from kaikaku_xl.export.report import Report
from kaikaku_xl.export.trend_view import TrendData
from kaikaku_xl.export.view import Document, build_document
from kaikaku_xl.export.xlsx import write_xlsx
from kaikaku_xl.plan import Plan
from kaikaku_xl.progress import SILENT, Phase, Progress

__all__ = ["ExportResult", "ItemStatus", "MasterSource", "PdfRenderer", "TrendData", "export_all"]

FILES = 4  # xlsx, HTML, CSV, PDF: the steps of the 書き込み phase


@dataclass
class ExportResult:
    xlsx: Path | None = None
    pdf: Path | None = None
    html: Path | None = None
    csv: Path | None = None
    manifest: Path | None = (
        None  # kaikaku_{year}_manifest.json: the set, its SHA-256 sums, the master's fingerprint
    )
    warnings: list[str] = field(default_factory=list)  # Japanese, for the person who pressed the button

    @property
    def paths(self) -> list[Path]:
        """Every file written, in the order written."""
        return [p for p in (self.xlsx, self.pdf, self.html, self.csv, self.manifest) if p is not None]


def export_all(
    plan: Plan,
    report: Report,
    statuses: Sequence[ItemStatus],
    out_dir: Path,
    *,
    display_unit: str = "円",
    generated: datetime.date,
    soffice: str | None = None,
    progress: Progress = SILENT,
    pdf_renderer: PdfRenderer | None = None,
    source: MasterSource | None = None,
    trend: TrendData | None = None,
) -> ExportResult:
    """Write every output into out_dir, as one set: written into a fresh folder beside it, then swapped in with
    a manifest (file names, SHA-256, and `source`: the master's name, checksum and input fingerprint).

    statuses: the 進捗状況 rows (the 定性評価 table); trend: the 年度推移 rows (None: no such section).
    progress: the 資料の組み立て and 書き込み lines (a bar through the files where stderr is a terminal).
    pdf_renderer(xlsx, pdf): render the values-only workbook with another program (from Excel: Excel's own PDF
    export of the same sheets); None renders it with LibreOffice.
    """
    out_dir = Path(out_dir)
    year = report.evaluation_year
    with staged_export(out_dir, year) as stage:
        with progress.phase("資料の組み立て") as phase:
            doc = build_document(
                plan, report, statuses, display_unit=display_unit, generated=generated, trend=trend
            )
            phase.count("表", len(doc.tables))
            phase.count("図", doc.charts)
        with progress.phase("書き込み", FILES) as phase:
            result = _write_set(plan, report, doc, stage.path, year, soffice, pdf_renderer, phase)
            stage.publish(source)
    for name in ("xlsx", "pdf", "html", "csv"):
        written = getattr(result, name)
        if written is not None:
            setattr(result, name, out_dir / written.name)
    result.manifest = out_dir / manifest_name(year)
    return result


def _write_set(
    plan: Plan,
    report: Report,
    doc: Document,
    out_dir: Path,
    year: int,
    soffice: str | None,
    pdf_renderer: PdfRenderer | None,
    phase: Phase,
) -> ExportResult:
    """The set's files, one step of the phase each: the workbook, the web page, the open data, then the PDF
    (rendered from the workbook; 1–2 minutes with LibreOffice)."""
    stem = f"kaikaku_{year}"
    result = ExportResult(warnings=list(doc.warnings))
    result.xlsx = out_dir / f"{stem}_report.xlsx"
    write_xlsx(doc, result.xlsx)
    _written(phase)
    result.html = out_dir / f"{stem}_report.html"
    write_html(doc, result.html)
    _written(phase)
    result.csv = out_dir / f"{stem}_opendata.csv"
    write_csv(plan, report, result.csv, doc.generated)
    _written(phase)
    pdf = out_dir / f"{stem}_report.pdf"
    if _write_pdf(doc, result.xlsx, pdf, soffice, pdf_renderer, result.warnings):
        result.pdf = pdf
        _written(phase)
    elif pdf.exists():
        pdf.unlink()  # a half-made PDF is not part of the set (and the old one is not carried over)
    return result


def _written(phase: Phase) -> None:
    phase.count("ファイル", 1)
    phase.step()


def _write_pdf(
    doc: Document,
    xlsx: Path,
    pdf: Path,
    soffice: str | None,
    pdf_renderer: PdfRenderer | None,
    warnings: list[str],
) -> bool:
    """The council PDF of the values-only workbook; False (and a warning) when it could not be made."""
    if pdf_renderer is None:
        return write_pdf(doc, xlsx.name, pdf, soffice, warnings)
    try:
        pdf_renderer(xlsx, pdf)
    except Exception as exc:  # Excel's errors come through COM in many types; the user needs a sentence
        warnings.append(
            f"Excel で PDF を作成できませんでした（{exc}）。Excel ファイル・HTML・CSV は出力済みです。"
        )
        return False
    return True
