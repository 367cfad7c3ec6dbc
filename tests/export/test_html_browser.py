"""The exported web page in a real browser: Debian's headless Chromium, driven by Playwright (never its own
browser download: `executable_path` is the system Chromium that `./dev test` installs).

Rendered at 1280 px (a desktop) and 375 px (a phone): no horizontal overflow of the page, every chart image
loaded, every table present with its rows, and on the phone every table cell wide enough to read (a wide table
squeezed into 375 px printed one character per line). Screenshots are kept in out/test-artifacts/browser/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from helpers.workbook import FIXED_NOW, make_master

from kaikaku_xl.app.export import export_from_engine
from kaikaku_xl.plan import load_plan
from kaikaku_xl.xlsx.file_engine import FileEngine

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is in the test extra (pip install -e .[test])"
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium not installed (./dev test installs it)"
)

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "out" / "test-artifacts" / "browser"  # out/ is gitignored
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"desktop": 1280, "phone": 375}


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    engine = FileEngine(make_master(folder))
    try:  # the PDF is not looked at here
        result = export_from_engine(
            engine,
            folder / "export",
            now=datetime.fromisoformat(FIXED_NOW),
            pdf_renderer=lambda xlsx, pdf: None,
        )
    finally:
        engine.close()
    return result.html


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh user-data-dir every run
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS
        )
        try:
            yield context
        finally:
            context.close()


MEASURE = """() => {
  const vw = window.innerWidth;
  const tables = [...document.querySelectorAll('table')];
  const cells = [...document.querySelectorAll('table td, table tbody th')].filter(c => c.textContent.trim());
  const narrow = cells.map(c => {
    const r = c.getBoundingClientRect();
    const size = parseFloat(getComputedStyle(c).fontSize);
    return {text: c.textContent.trim().slice(0, 20), width: r.width, size, right: r.right};
  });
  return {
    viewport: vw,
    scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    images: [...document.images].map(i => ({ok: i.complete && i.naturalWidth > 0, alt: i.alt})),
    tables: tables.map(t => ({id: t.id, rows: t.querySelectorAll('tbody tr').length,
                              display: getComputedStyle(t).display})),
    cells: narrow,
    fontSize: parseFloat(getComputedStyle(document.body).fontSize),
  };
}"""


def render(browser: Any, path: Path, name: str, width: int) -> dict[str, Any]:
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"report_{name}_{width}px.png"), full_page=True)
        return page.evaluate(MEASURE)
    finally:
        page.close()


@pytest.mark.parametrize("name", list(WIDTHS))
def test_page_fits_the_screen_with_every_chart_and_table(browser: Any, page_path: Path, name: str) -> None:
    got = render(browser, page_path, name, WIDTHS[name])
    assert got["scrollWidth"] <= got["viewport"], f"horizontal overflow at {WIDTHS[name]} px"
    trend = [
        i for i in got["images"] if "実績と計画値の折れ線グラフ" in i["alt"]
    ]  # 年度推移: one per measure
    assert len(got["images"]) - len(trend) == 3 and all(i["ok"] for i in got["images"]), got["images"]
    assert len(trend) == len(load_plan().measures)
    ids = {t["id"] for t in got["tables"]}
    assert {"items", "qualitative"} <= ids and len(ids) >= 5
    assert all(t["rows"] > 0 for t in got["tables"]), got["tables"]
    assert all(c["right"] <= got["viewport"] + 1 for c in got["cells"] if name == "phone")
    assert (ARTIFACTS / f"report_{name}_{WIDTHS[name]}px.png").stat().st_size > 10_000


def test_tables_are_tables_on_a_desktop(browser: Any, page_path: Path) -> None:
    got = render(browser, page_path, "desktop", WIDTHS["desktop"])
    assert {t["display"] for t in got["tables"]} == {"table"}


def test_phone_shows_readable_cells_not_one_character_per_line(browser: Any, page_path: Path) -> None:
    got = render(browser, page_path, "phone", WIDTHS["phone"])
    assert got["fontSize"] >= 14
    assert got["cells"], "no table cells rendered"
    # every cell at least 8 characters wide (its label beside it in the small-screen layout): no column is
    # squeezed until its text runs one character per line
    too_narrow = [c for c in got["cells"] if c["width"] < 8 * c["size"]]
    assert not too_narrow, too_narrow[:5]


READ_TABLES = """() => Object.fromEntries([...document.querySelectorAll('table')].map(t => [t.id, {
  columns: [...t.querySelectorAll('thead th')].map(h => h.innerText.trim()),
  rows: [...t.querySelectorAll('tbody tr')].filter(r => !r.querySelector('th[scope=rowgroup]'))
        .map(r => [...r.children].map(c => c.innerText.trim())),
}]))"""


def test_what_the_reader_sees_agrees_between_tables(browser: Any, page_path: Path) -> None:
    """Issue 20, read from the rendered page (innerText as Chromium lays it out): each item's grade in the
    定性評価 table is among its grades in the item table, with its basis; every 効果額達成率 is the ratio of
    the printed うち指標分 and 計画効果額 beside it."""
    page = browser.new_page()
    try:
        page.goto(page_path.as_uri())
        tables = page.evaluate(READ_TABLES)
    finally:
        page.close()
    items, qualitative = tables["items"], tables["qualitative"]
    grade_col = items["columns"].index("評価")
    in_items: dict[str, set[str]] = {}
    for row in items["rows"]:
        in_items.setdefault(row[0], set()).add(row[grade_col])
    q_grade, q_basis = qualitative["columns"].index("評価"), qualitative["columns"].index("評価の根拠")
    assert qualitative["rows"]
    for row in qualitative["rows"]:
        assert row[q_grade] in in_items[row[0]], row
        assert row[q_basis], row  # the basis is always said
        if row[q_grade] == "−":
            assert "：" in row[q_basis], row  # why there is no grade (未入力, 評価対象外)
    by_year = tables["effects_by_year"]
    cols = by_year["columns"]
    from kaikaku_xl.rounding import format_percent

    def number(text: str) -> float | None:
        return None if text in ("", "−") else float(text.replace("△", "-").replace(",", ""))

    checked = 0
    for row in by_year["rows"]:
        num, den = number(row[cols.index("うち指標分")]), number(row[cols.index("計画効果額（指標分）")])
        rate = row[cols.index("効果額達成率（指標分÷計画）")]
        if num is not None and den:
            assert rate.removesuffix("（暫定）") == format_percent(num / den)
            checked += 1
    assert checked
