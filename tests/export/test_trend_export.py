"""The council materials' 年度推移 section: each item's grade per year and each measure's actual against its
planned path, as tables and one small chart per measure, in the xlsx (native line charts), the HTML (SVG) and the
PDF LibreOffice renders from the xlsx (checked by rendering the chart page to PNG)."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers.cycle import NOW
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.export.trend_view import ITEMS_CAPTION
from kaikaku_xl.plan import load_plan

MEASURES = load_plan().measures


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("trend_export")
    master = make_master(folder)
    assert main(["close-year", str(master), "--year", "2026", "--now", NOW]) == 0
    out = folder / "out"
    assert main(["export", str(master), "--out", str(out), "--now", NOW, "-q"]) == 0
    return out


def test_the_xlsx_has_a_trend_sheet_with_a_chart_per_measure(exported: Path) -> None:
    path = next(exported.glob("*_report.xlsx"))
    book = load_workbook(path)
    ws = book["年度推移"]
    texts = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert ITEMS_CAPTION in texts and "未入力" in ITEMS_CAPTION  # − is not 対象外 (issue 20)
    for m in MEASURES:
        assert f"{m.measure_id} {m.name}" in texts
    with zipfile.ZipFile(path) as zf:
        sheet = next(
            n
            for n in zf.namelist()
            if n.startswith("xl/worksheets/sheet") and "年度推移" in _sheet_name(zf, n)
        )
        rels = zf.read(sheet.replace("worksheets/", "worksheets/_rels/") + ".rels").decode()
        drawing = re.search(r'Target="([^"]*drawing\d+\.xml)"', rels).group(1).split("/")[-1]
        charts = len(
            re.findall(r"charts/chart\d+\.xml", zf.read(f"xl/drawings/_rels/{drawing}.rels").decode())
        )
        line_charts = [n for n in zf.namelist() if n.startswith("xl/charts/") and b"lineChart" in zf.read(n)]
    assert charts == len(MEASURES) == len(line_charts)


def _sheet_name(zf: zipfile.ZipFile, part: str) -> str:
    """The sheet name of a worksheet part, through workbook.xml and its rels."""
    book = zf.read("xl/workbook.xml").decode()
    rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    target = part.removeprefix("xl/")
    rid = re.search(rf'Id="(rId\d+)"[^>]*Target="/?(?:xl/)?{re.escape(target)}"', rels) or re.search(
        rf'Target="/?(?:xl/)?{re.escape(target)}"[^>]*Id="(rId\d+)"', rels
    )
    return re.search(rf'name="([^"]+)"[^>]*r:id="{rid.group(1)}"', book).group(1)


def test_the_html_has_the_section_and_an_svg_chart_per_measure(exported: Path) -> None:
    html = next(exported.glob("*_report.html")).read_text(encoding="utf-8")
    section = html[html.index('id="h-trend"') :]
    section = section[: section.index("</section>")]
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', section)
    assert len(images) == len(MEASURES)
    for (data, alt), m in zip(images, MEASURES, strict=True):
        svg = base64.b64decode(data).decode()
        assert "<polyline" in svg and m.name[:10] in alt and "実績" in alt and "計画" in alt


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler not installed (./dev test installs it)")
def test_the_pdf_has_the_trend_pages_and_they_render(exported: Path, tmp_path: Path) -> None:
    pdf = next(exported.glob("*_report.pdf"))
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout,
        ).group(1)
    )
    texts = [
        subprocess.run(
            ["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for p in range(1, pages + 1)
    ]
    grades = next(i for i, t in enumerate(texts, start=1) if "取組項目ごとの評価の推移" in t)
    charts = next(i for i, t in enumerate(texts, start=1) if "指標ごとの実績と計画値のグラフ" in t)
    assert grades <= charts
    assert all(
        any(f"{m.measure_id} " in t for t in texts[charts - 1 :]) for m in MEASURES
    )  # each chart title
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-f",
            str(charts),
            "-l",
            str(charts),
            "-gray",
            "-png",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    image = next(tmp_path.glob("page*.png"))
    from PIL import Image  # noqa: PLC0415 (Pillow comes with openpyxl's image support)

    pixels = Image.open(image).convert("L").tobytes()
    inked = sum(1 for p in pixels if p < 250) / len(pixels)  # a page with only its header and footer: ~0.3%
    assert inked > 0.05, f"the chart page looks blank ({inked:.2%} of the pixels inked)"
