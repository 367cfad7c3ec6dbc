"""kaikaku_xl.export: the real files, opened the way their readers open them.

The workbook is re-opened by openpyxl, the CSV read by pandas, the web page parsed by html.parser, and the PDF
(when LibreOffice is installed; CI installs it) read by poppler's pdftotext, pdffonts and pdfinfo.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from helpers.export import GENERATED, HAS_SOFFICE, NO_SOFFICE, make_inputs, needs_soffice, run_export
from openpyxl import load_workbook

from kaikaku_xl.app.report import build_report
from kaikaku_xl.export import ExportResult, ItemStatus
from kaikaku_xl.export.cells import date_label, fiscal_year_label
from kaikaku_xl.export.opendata import COLUMNS
from kaikaku_xl.export.report import Report
from kaikaku_xl.metrics.evaluate import evaluate
from kaikaku_xl.metrics.frames import Inputs, items_frame, measures_frame
from kaikaku_xl.plan import Plan
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.progress import Progress
from kaikaku_xl.rounding import format_amount, format_number, format_percent, percent_points, round_half_away

PERCENT_KEYS = {"progress", "attainment", "mean_progress", "attainment_cumulative", "S", "A", "B", "C", "D"}
AMOUNT_KEYS = {
    "effect",
    "effect_year",
    "effect_cumulative",
    "single_year",
    "planned",
    "cumulative",
    "planned_cumulative",
    "reference",
    "effect_yen",
}


@pytest.fixture(scope="module")
def inputs() -> tuple[Plan, Report, list[ItemStatus]]:
    return make_inputs()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[ExportResult, list[str]]:
    stream = io.StringIO()  # the phase lines, as stderr shows them
    result = run_export(tmp_path_factory.mktemp("export"), soffice=None, progress=Progress(stream))
    return result, stream.getvalue().splitlines()


def resolve(report: dict[str, Any], pointer: str) -> Any:
    node: Any = report
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def expected_text(report: dict[str, Any], pointer: str, value: Any, unit: str) -> str:
    parts = pointer.strip("/").split("/")
    key = parts[-1]
    if parts[0] == "measures" and key in {"baseline", "target", "actual"}:
        measure = report["measures"][int(parts[1])]
        if measure["unit"] == "円":
            return format_amount(value, unit)
        return format_number(value, measure["decimals"]) if value is not None else "−"
    if parts[-2] == "counts" or key in {"items", "graded"}:
        return format_number(value)
    if key in PERCENT_KEYS:
        return format_percent(value)
    if key in AMOUNT_KEYS:
        return format_amount(value, unit)
    return format_number(value)


# ── the run itself ───────────────────────────────────────────────────────────────────────────────────────────


def test_every_file_is_written_with_the_year_prefix(exported: tuple[ExportResult, list[str]]) -> None:
    result, messages = exported
    names = {p.name for p in result.paths}
    assert {"kaikaku_2026_report.xlsx", "kaikaku_2026_report.html", "kaikaku_2026_opendata.csv"} <= names
    assert all(p.exists() and p.stat().st_size > 0 for p in result.paths)
    if HAS_SOFFICE:
        assert result.pdf is not None and result.pdf.name == "kaikaku_2026_report.pdf"
        assert result.warnings == []
    assert messages and all(re.search(r"[ぁ-んァ-ン一-龥]", m) for m in messages)


def test_missing_libreoffice_gives_a_japanese_warning_and_the_other_files(tmp_path: Path) -> None:
    result = run_export(tmp_path, soffice=NO_SOFFICE)
    assert result.pdf is None
    assert not list(tmp_path.glob("*.pdf"))
    assert len(result.warnings) == 1 and "LibreOffice" in result.warnings[0] and "PDF" in result.warnings[0]
    assert result.xlsx and result.html and result.csv
    assert all(p.exists() for p in (result.xlsx, result.html, result.csv))


def _fake_soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake_soffice"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_a_failing_libreoffice_gives_a_warning(tmp_path: Path) -> None:
    result = run_export(tmp_path / "out", soffice=_fake_soffice(tmp_path, "echo broken >&2; exit 3"))
    assert result.pdf is None and result.xlsx and result.xlsx.exists()
    assert any("失敗" in w and "3" in w for w in result.warnings)


def test_a_hanging_libreoffice_is_stopped_after_the_timeout(tmp_path: Path, inputs) -> None:
    from kaikaku_xl.export.pdf import write_pdf
    from kaikaku_xl.export.view import build_document

    plan, report, statuses = inputs
    doc = build_document(plan, report, statuses, display_unit="円", generated=GENERATED)
    warnings: list[str] = []
    ok = write_pdf(
        doc, "x.xlsx", tmp_path / "x.pdf", _fake_soffice(tmp_path, "sleep 60"), warnings, timeout=1
    )
    assert not ok and not (tmp_path / "x.pdf").exists()
    assert any("秒" in w for w in warnings)


def test_an_unknown_display_unit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="表示単位"):
        run_export(tmp_path, display_unit="億円")


def test_status_problems_become_warnings_not_errors(tmp_path: Path, inputs) -> None:
    _plan, _report, statuses = inputs
    odd = [
        *statuses,
        ItemStatus(no=99, year=2026, status="完了", grade="A"),
        ItemStatus(no=1, year=2026, status="検討中", grade="A"),
        ItemStatus(no=None, year=2026, status="完了"),
    ]
    result = run_export(tmp_path, statuses=odd)
    joined = "\n".join(result.warnings)
    assert "No.99" in joined and "検討中" in joined and "複数" in joined
    assert "番号または年度のない行" in joined


def test_no_statuses_still_lists_the_qualitative_items(tmp_path: Path, inputs) -> None:
    plan, _report, _statuses = inputs
    result = run_export(tmp_path, statuses=[])
    ws = load_workbook(result.xlsx)["定性評価"]
    values = [c.value for row in ws.iter_rows() for c in row]
    for item in plan.items:
        if not item.measures:
            assert item.title in values
    assert "未入力" in values


def test_a_year_without_any_actual_exports_dashes_not_errors(tmp_path: Path, inputs) -> None:
    plan, _report, _statuses = inputs
    m = measures_frame(plan)
    bare = Inputs(measures=m, items=items_frame(plan), baseline_year=2024, start_year=2026, end_year=2030)
    report = build_report(plan, evaluate(bare, Settings(evaluation_year=2026)))
    result = run_export(tmp_path, report=report, statuses=[])
    parser = PageParser()
    parser.feed(result.html.read_text(encoding="utf-8"))
    progress = [t for a, t in parser.numbers if a["data-ref"].endswith("/progress")]
    assert progress and set(progress) == {"−"}
    frame = pd.read_csv(result.csv, encoding="utf-8-sig", dtype={"全国地方公共団体コード": str})
    # No grade is an empty field for machine readers, never the documents' − (U+2212) (issue 20)
    assert frame["進捗率"].isna().all() and frame["評価"].isna().all()
    assert "\u2212" not in result.csv.read_text(encoding="utf-8-sig")


def test_japanese_years_and_dates() -> None:
    assert fiscal_year_label(2026) == "2026年度（令和8年度）"
    assert fiscal_year_label(2019) == "2019年度（令和元年度）"
    assert fiscal_year_label(2018) == "2018年度（平成30年度）"
    assert date_label(datetime.date(2026, 6, 1)) == "2026年6月1日（令和8年6月1日）"
    assert date_label(datetime.date(2019, 4, 30)) == "2019年4月30日（平成31年4月30日）"


# ── workbook ─────────────────────────────────────────────────────────────────────────────────────────────────


def test_xlsx_has_values_only_and_no_macros(exported) -> None:
    result, _ = exported
    with zipfile.ZipFile(result.xlsx) as z:
        names = z.namelist()
    assert not any("vbaProject" in n for n in names)
    assert sum(n.startswith("xl/charts/chart") for n in names) == 3
    wb = load_workbook(result.xlsx)
    assert {"表紙", "概要", "取組一覧", "定性評価", "財政効果額"} <= set(wb.sheetnames)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}"
                assert not (isinstance(cell.value, str) and cell.value.startswith("=")), (
                    f"{ws.title}!{cell.coordinate}"
                )


def test_xlsx_is_print_ready_on_a4(exported) -> None:
    result, _ = exported
    wb = load_workbook(result.xlsx)
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize in (9, "9"), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert int(ws.page_setup.fitToWidth) == 1, ws.title
        assert ws.print_area, ws.title
        if ws.title != "表紙":
            assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    for name in ("取組一覧", "定性評価"):
        assert wb[name].print_title_rows, name
    cover = [c.value for row in wb["表紙"].iter_rows() for c in row if c.value]
    assert any("小美玉市行革・DX推進計画" == v for v in cover)
    assert any("2026年度（令和8年度）" in str(v) for v in cover)
    assert any("2026年6月1日" in str(v) for v in cover)


def _item_rows(ws) -> dict[str, list[Any]]:
    """取組一覧 rows keyed by 指標 name."""
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "No")
    rows = {}
    for r in ws.iter_rows(values_only=True):
        if isinstance(r[0], str) and r[0].isdigit() and r[3]:
            rows[r[3]] = dict(zip(header, r, strict=False))
    return rows


def test_xlsx_figures_are_the_report_rounded(exported, inputs) -> None:
    result, _ = exported
    _plan, report, _ = inputs
    wb = load_workbook(result.xlsx)
    rows = _item_rows(wb["取組一覧"])
    for m in report.measures:
        row = rows[m.name]
        for rate, column in ((m.progress, "進捗率"), (m.attainment, "達成率")):
            if rate is None:
                assert row[column] == "−"
            else:
                assert row[column] == pytest.approx(percent_points(rate) / 100, abs=1e-12)
        if m.unit == "円":
            assert row["基準値（2024年度）"] == round_half_away(m.baseline, 0)
        assert row["評価"] == m.grade
    ws = wb["財政効果額"]
    values = {c.value for row in ws.iter_rows() for c in row}
    assert round_half_away(report.effects.cumulative, 0) in values
    for cell in (c for row in ws.iter_rows() for c in row if isinstance(c.value, float | int)):
        assert cell.number_format in ('#,##0;"△"#,##0', "0.0%", "#,##0", "#,##0.0"), cell.coordinate


def test_xlsx_amounts_follow_the_display_unit(tmp_path: Path, inputs) -> None:
    _plan, report, _ = inputs
    result = run_export(tmp_path, display_unit="千円")
    ws = load_workbook(result.xlsx)["財政効果額"]
    values = {c.value for row in ws.iter_rows() for c in row}
    assert round_half_away(report.effects.cumulative / 1000, 0) in values
    assert any(isinstance(v, str) and "千円" in v for v in values)


# ── open-data CSV ────────────────────────────────────────────────────────────────────────────────────────────


def test_csv_round_trips_through_pandas(exported, inputs) -> None:
    result, _ = exported
    plan, report, _ = inputs
    raw = result.csv.read_bytes()
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    frame = pd.read_csv(result.csv, encoding="utf-8-sig", dtype={"全国地方公共団体コード": str})
    assert list(frame.columns) == COLUMNS
    assert list(frame.columns[:3]) == ["全国地方公共団体コード", "ID", "地方公共団体名"]
    no_measure = sum(1 for it in plan.items if not it.measures)
    assert len(frame) == len(report.measures) + no_measure
    assert set(frame["全国地方公共団体コード"]) == {"082368"}
    assert frame["ID"].is_unique
    assert set(frame["公開日"]) == {"2026-06-01"}
    for col in ("年度", "取組項目No", "基準値", "目標値", "実績値", "進捗率", "達成率", "財政効果額"):
        assert pd.api.types.is_numeric_dtype(frame[col]), col
    first = frame[frame["ID"] == "2026-2-1"].iloc[0]
    m = report.measures[0]
    assert first["進捗率"] == percent_points(m.progress)
    assert first["財政効果額"] == round_half_away(m.effect, 0)
    assert first["基準値"] == m.baseline


def _hostile_report(report: Report) -> Report:
    items, measures = list(report.items), list(report.measures)
    items[1] = replace(items[1], title='=HYPERLINK("http://example.invalid","x")', lead="@SUM(A1)")
    measures[0] = replace(
        measures[0], name="+cmd|' /C calc'!A0", effect=-1234.5
    )  # a number stays a number, sign and all
    measures[1] = replace(measures[1], name="-2+3")
    return replace(report, items=tuple(items), measures=tuple(measures))


def test_csv_neutralises_formula_injection(tmp_path: Path, inputs) -> None:
    _plan, report, _ = inputs
    result = run_export(tmp_path, report=_hostile_report(report))
    frame = pd.read_csv(result.csv, encoding="utf-8-sig", dtype={"全国地方公共団体コード": str})
    row = frame[frame["ID"] == "2026-2-1"].iloc[0]
    assert row["取組項目"] == '\'=HYPERLINK("http://example.invalid","x")'
    assert row["主要担当課"] == "'@SUM(A1)"
    assert row["指標名"] == "'+cmd|' /C calc'!A0"
    assert frame[frame["ID"] == "2026-3-1"].iloc[0]["指標名"] == "'-2+3"
    assert row["財政効果額"] == -1235  # 四捨五入, half away from zero
    assert pd.api.types.is_numeric_dtype(frame["財政効果額"])
    # the workbook stores the same text as text, never as a formula
    wb = load_workbook(result.xlsx)
    cells = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")
    ]
    assert cells and all(c.data_type == "s" for c in cells)


# ── web page ─────────────────────────────────────────────────────────────────────────────────────────────────


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.numbers: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag not in ("meta", "img", "br", "link"):
            self.stack.append(tag)
        if tag in ("td", "th") and "data-ref" in a:
            self._open, self._text = a, []

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        if tag in ("td", "th") and self._open is not None:
            self.numbers.append((self._open, "".join(self._text)))
            self._open = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._open is not None:
            self._text.append(data)


@pytest.fixture(scope="module")
def page(exported) -> PageParser:
    result, _ = exported
    parser = PageParser()
    parser.feed(result.html.read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_html_is_japanese_self_contained_and_semantic(page: PageParser) -> None:
    html = next(a for t, a in page.tags if t == "html")
    assert html.get("lang") == "ja"
    assert any(t == "meta" and (a.get("charset") or "").lower() == "utf-8" for t, a in page.tags)
    assert not any(t in ("script", "link", "iframe") for t, _ in page.tags)
    for tag, attrs in page.tags:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert "http://" not in value and "https://" not in value, (tag, value[:80])
    tags = [t for t, _ in page.tags]
    assert tags.count("table") >= 6
    assert tags.count("table") == tags.count("caption") == tags.count("thead")
    assert all(a.get("scope") in ("col", "row", "rowgroup") for t, a in page.tags if t == "th")
    images = [a for t, a in page.tags if t == "img"]
    assert len(images) == 3
    for img in images:
        assert (img.get("src") or "").startswith("data:image/svg+xml;base64,")
        assert len(img.get("alt") or "") > 20
    assert page.stack == []  # every element closed


def test_html_numbers_equal_the_report(page: PageParser, inputs, exported) -> None:
    _plan, typed, _ = inputs
    report = typed.to_dict()  # data-ref is a JSON pointer into `kaikaku report --json`
    assert len(page.numbers) > 5 * len(report["measures"])
    for attrs, shown in page.numbers:
        ref = attrs["data-ref"]
        value = resolve(report, ref)
        if value is None:
            assert "data-value" not in attrs, ref
            assert shown == "−", ref
            continue
        assert float(attrs["data-value"]) == value, ref  # full precision, exactly
        assert shown == expected_text(report, ref, value, "円"), ref
    text = "".join(page.text)
    for item in report["items"]:
        assert item["title"] in text


# ── determinism ──────────────────────────────────────────────────────────────────────────────────────────────


def test_same_inputs_and_date_give_identical_bytes(tmp_path: Path) -> None:
    first = run_export(tmp_path / "a")
    second = run_export(tmp_path / "b")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from helpers.export import subprocess_main; "
        "subprocess_main(sys.argv[2])"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parents[1]), str(tmp_path / "c")],
        check=True,
        env=env,
        timeout=300,
    )
    for name in ("kaikaku_2026_report.xlsx", "kaikaku_2026_report.html", "kaikaku_2026_opendata.csv"):
        data = (tmp_path / "a" / name).read_bytes()
        assert data == (tmp_path / "b" / name).read_bytes(), name
        assert data == (tmp_path / "c" / name).read_bytes(), name
    assert first.paths and second.paths


def test_xlsx_carries_the_generated_date(exported) -> None:
    result, _ = exported
    with zipfile.ZipFile(result.xlsx) as z:
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time[:3] for i in z.infolist()} == {(2026, 6, 1)}
    assert core.count("2026-06-01T00:00:00Z") == 2


# ── council PDF (LibreOffice) ────────────────────────────────────────────────────────────────────────────────


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _squash(value: str) -> str:
    return "".join(value.split())


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@needs_soffice
def test_pdf_holds_the_plan_every_item_and_the_cumulative_effect(exported, inputs) -> None:
    result, _ = exported
    _plan, report, _ = inputs
    assert result.pdf is not None and result.pdf.exists()
    text = _squash(_pdf_text(result.pdf))
    assert _squash(report.plan.name) in text
    assert "取組状況報告書" in text and "2026年度（令和8年度）" in text and "2026年6月1日" in text
    for item in report.items:
        assert _squash(item.title) in text, item.title
    assert format_amount(report.effects.cumulative, "円") in text
    assert f"2/{_pages(result.pdf)}" in text  # footer page numbers


@needs_soffice
def test_pdf_is_a4_with_every_font_embedded(exported) -> None:
    result, _ = exported
    info = subprocess.run(["pdfinfo", str(result.pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    fonts = subprocess.run(["pdffonts", str(result.pdf)], capture_output=True, text=True, check=True).stdout
    lines = fonts.splitlines()[2:]
    assert lines, fonts
    header = fonts.splitlines()[0]
    emb = header.index("emb")
    for line in lines:
        assert line[emb : emb + 3] == "yes", line
    assert any("CJK" in line or "Gothic" in line or "Goth" in line for line in lines), fonts


@needs_soffice
def test_pdf_page_count_is_stable(exported, tmp_path: Path) -> None:
    result, _ = exported
    again = run_export(tmp_path, soffice=None)
    assert again.pdf is not None
    assert _pages(again.pdf) == _pages(result.pdf) >= 5
