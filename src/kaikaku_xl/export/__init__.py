"""Export the evaluation report: values-only workbook, council PDF, web page and open-data CSV.

    result = export_all(plan, report, statuses, out_dir, display_unit="千円", generated=date(2026, 6, 1))

`report` is the Report of kaikaku_xl.app.report.build_report (full precision); every figure shown is rounded
here by kaikaku_xl.rounding, once, in the view that all documents share. The same inputs and `generated` date give
byte-identical xlsx, HTML and CSV files. Files are named kaikaku_{evaluation_year}_report.xlsx / .pdf / .html and
kaikaku_{evaluation_year}_opendata.csv.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaikaku_xl.export.atomic import manifest_name, staged_export
from kaikaku_xl.export.html import write_html
from kaikaku_xl.export.opendata import write_csv
from kaikaku_xl.export.pdf import write_pdf
from kaikaku_xl.export.report import Report
from kaikaku_xl.export.view import build_document
from kaikaku_xl.export.xlsx import write_xlsx

__all__ = ["ExportResult", "export_all"]


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
    plan: Any,
    report: Report,
    statuses: list[dict[str, Any]] | None,
    out_dir: Path,
    *,
    display_unit: str = "円",
    generated: datetime.date,
    soffice: str | None = None,
    progress: Callable[[str], None] = print,
    pdf_renderer: Callable[[Path, Path], None] | None = None,
    source: dict[str, Any] | None = None,
    trend: dict[str, Any] | None = None,
) -> ExportResult:
    """Write every output into out_dir, as one set: written into a fresh folder beside it, then swapped in with
    a manifest (file names, SHA-256, and `source`: the master's name, checksum and input fingerprint).

    pdf_renderer(xlsx, pdf): render the values-only workbook with another program (from Excel: Excel's own PDF
    export of the same sheets); None renders it with LibreOffice.
    """
    out_dir = Path(out_dir)
    year = report.evaluation_year
    with staged_export(out_dir, year) as stage:
        result = _write_set(
            plan,
            report,
            statuses,
            stage.path,
            year,
            display_unit=display_unit,
            generated=generated,
            soffice=soffice,
            progress=progress,
            pdf_renderer=pdf_renderer,
            trend=trend,
        )
        stage.publish(source)
    for name in ("xlsx", "pdf", "html", "csv"):
        written = getattr(result, name)
        if written is not None:
            setattr(result, name, out_dir / written.name)
    result.manifest = out_dir / manifest_name(year)
    progress(
        "出力が完了しました。"
        if not result.warnings
        else f"出力が完了しました（注意 {len(result.warnings)} 件）。"
    )
    return result


def _write_set(
    plan: Any,
    report: Report,
    statuses: list[dict[str, Any]] | None,
    out_dir: Path,
    year: int,
    *,
    display_unit: str,
    generated: datetime.date,
    soffice: str | None,
    progress: Callable[[str], None],
    pdf_renderer: Callable[[Path, Path], None] | None,
    trend: dict[str, Any] | None = None,
) -> ExportResult:
    stem = f"kaikaku_{year}"
    result = ExportResult()

    progress("出力する表を組み立てています…")
    doc = build_document(
        plan, report, statuses or [], display_unit=display_unit, generated=generated, trend=trend
    )
    result.warnings.extend(doc.warnings)

    progress("Excel ファイル（値のみ・印刷設定済み）を書き出しています…")
    result.xlsx = out_dir / f"{stem}_report.xlsx"
    write_xlsx(doc, result.xlsx)

    progress("ホームページ掲載用の HTML を書き出しています…")
    result.html = out_dir / f"{stem}_report.html"
    write_html(doc, result.html)

    progress("オープンデータ（CSV）を書き出しています…")
    result.csv = out_dir / f"{stem}_opendata.csv"
    write_csv(plan, report, result.csv, generated)

    pdf = out_dir / f"{stem}_report.pdf"
    if pdf_renderer is not None:
        progress("Excel で懇談会資料の PDF を作成しています…")
        try:
            pdf_renderer(result.xlsx, pdf)
            result.pdf = pdf
        except Exception as exc:  # Excel's errors come through COM in many types; the user needs a sentence
            result.warnings.append(
                f"Excel で PDF を作成できませんでした（{exc}）。Excel ファイル・HTML・CSV は出力済みです。"
            )
    else:
        progress("LibreOffice で懇談会資料の PDF を作成しています（1〜2分かかることがあります）…")
        if write_pdf(doc, result.xlsx.name, pdf, soffice, result.warnings):
            result.pdf = pdf
    if result.pdf is None and pdf.exists():
        pdf.unlink()  # a half-made PDF is not part of the set (and the old one is not carried over)
    return result
