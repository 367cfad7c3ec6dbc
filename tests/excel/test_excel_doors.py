"""The master as staff meet it in Excel: wrapped text readable, charts in scale order with the shared palette,
every sheet printable on A4, protection of input sheets, the 使い方 sheet and xlwings.conf of the variant built,
and the recalculation flag only where formulas need it. Files are built, refreshed and re-read from disk.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from helpers.workbook import FIXED_NOW, make_master, soffice_convert
from lxml import etree
from openpyxl import load_workbook

from kaikaku_xl import textfit
from kaikaku_xl.app.refresh import refresh
from kaikaku_xl.cli.program import main
from kaikaku_xl.excel.xlsm import create_xlsm
from kaikaku_xl.export import xlsx_sheet as export_sheet
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.builder import layout_of
from kaikaku_xl.master.contract import excel as n
from kaikaku_xl.palette import GRADE_FILL, NOT_GRADED_FILL
from kaikaku_xl.plan import load_plan
from kaikaku_xl.plan.scale import GRADES
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.tablespec import TableSpec

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
EMU_PER_CM = 360000


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_master(tmp_path_factory.mktemp("doors"))


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("doors_xlsm")
    return create_xlsm(load_plan(), folder / "doors.xlsm", sample=True, now=datetime.fromisoformat(FIXED_NOW))


# ---- wrapped text ---------------------------------------------------------------------------------------
WRAPPED_TABLES = (c.ITEMS, c.MEASURES, c.STATUS, c.EVALUATION, c.ITEM_RESULTS, c.PROBLEMS)


def test_every_wrapped_cell_gets_the_height_its_text_needs(master: Path) -> None:
    """取組項目, 指標 備考, 進捗状況 and refresh's output sheets: no long text cut to one line."""
    wb = load_workbook(master)
    checked = 0
    for spec in WRAPPED_TABLES:
        ws = wb[spec.sheet]
        widths = [(col.width, col.wrap) for col in spec.columns]
        for r in range(spec.anchor_row + 1, ws.max_row + 1):
            values = [ws.cell(row=r, column=spec.anchor_col + j).value for j in range(len(spec.columns))]
            needed = textfit.table_row_height(widths, values)
            if needed is None:
                continue
            got = ws.row_dimensions[r].height
            assert got is not None and got >= needed, (spec.sheet, r, got, needed)
            checked += 1
    assert checked > 40  # the plan's long 取組概要/取組内容 and the refreshed 評価結果 rows


def test_header_rows_fit_their_wrapped_headers(master: Path) -> None:
    ws = load_workbook(master)[c.STATUS.sheet]  # 評価（指標なし項目） in a column 12 wide
    assert ws.row_dimensions[c.STATUS.anchor_row].height >= 2 * textfit.LIBREOFFICE.line


def test_one_text_estimate_for_the_master_and_the_council_export() -> None:
    assert export_sheet.line_count is textfit.line_count and export_sheet.text_width is textfit.text_width
    assert textfit.wrapped_lines("あ" * 40, 30) >= 2 and textfit.row_height([("短い", 30)]) is None


# ---- dashboard charts -------------------------------------------------------------------------------------
def charts(path: Path) -> dict[str, etree._Element]:
    """Chart title -> chart XML of the dashboard."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/charts/chart"):
                root = etree.fromstring(zf.read(name))
                title = "".join(root.find(f"{C}chart/{C}title").itertext())
                out[title] = root
    return out


def test_grade_chart_in_scale_order_with_the_shared_palette(master: Path) -> None:
    chart = next(v for k, v in charts(master).items() if "評価" in k)
    series = chart.findall(f".//{C}ser")
    fills = [s.find(f"{C}spPr/{A}solidFill/{A}srgbClr").get("val") for s in series]
    assert fills == [
        *(GRADE_FILL[g] for g in GRADES),
        NOT_GRADED_FILL,
    ]  # S–D as in the council materials, then 未評価
    assert chart.find(f".//{C}catAx/{C}scaling/{C}orientation").get("val") == "maxMin"  # first policy on top
    assert chart.find(f".//{C}valAx/{C}numFmt").get("formatCode") == "0%"


def test_money_chart_is_readable(master: Path) -> None:
    chart = next(v for k, v in charts(master).items() if "財政効果額" in k)
    assert chart.find(f".//{C}barDir").get("val") == "bar"  # long plan names read horizontally
    assert "百万円" in chart.find(f".//{C}valAx/{C}numFmt").get("formatCode")
    with zipfile.ZipFile(master) as zf:
        drawing = zf.read("xl/drawings/drawing1.xml").decode()
    sizes = [(int(cx), int(cy)) for cx, cy in re.findall(r'<ext cx="(\d+)" cy="(\d+)"', drawing)]
    assert all(cy >= 9 * EMU_PER_CM and cx >= 16 * EMU_PER_CM for cx, cy in sizes)


# ---- printing ---------------------------------------------------------------------------------------------
A4_LANDSCAPE_MM = 297.0


def column_mm(width: float) -> float:
    """Excel's printed width of a column (default font Calibri 11: 7 px per unit + 5 px padding, 96 dpi)."""
    return (width * 7 + 5) * 25.4 / 96


@pytest.mark.parametrize("spec", [c.EVALUATION, c.POLICY_SUMMARY, c.DEPARTMENT_SUMMARY], ids=lambda s: s.name)
def test_wide_output_sheets_print_readable_on_a4(master: Path, spec: TableSpec) -> None:
    """評価結果 once printed at about 5 pt: now views of at most one A4 width each, at 90%."""
    ws = load_workbook(master)[spec.sheet]
    scale = ws.page_setup.scale or 100
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and scale >= 85  # about 10 pt, not 5 pt
    breaks = sorted(b.id for b in ws.col_breaks.brk)
    assert breaks, f"{spec.sheet} needs printed views"
    repeated = ws.print_title_cols  # e.g. "$A:$B"
    n_repeat = len(re.findall(r"[A-Z]+", repeated)) and (
        ord(re.findall(r"[A-Z]+", repeated)[-1]) - ord("A") + 1
    )
    titles = [col.width for col in spec.columns[:n_repeat]]
    printable = A4_LANDSCAPE_MM - 25.4 * (ws.page_margins.left + ws.page_margins.right)
    widths = [col.width for col in spec.columns]
    start = 0
    for end in [*breaks, len(widths)]:
        view = widths[start:end] if start == 0 else titles + widths[start:end]
        assert sum(column_mm(w) for w in view) * scale / 100 <= printable, (start, end)
        start = end


@pytest.mark.parametrize("variant", ["xlsx", "xlsm"])
def test_every_visible_sheet_has_a4_print_setup(variant: str, master: Path, xlsm: Path) -> None:
    wb = load_workbook(master if variant == "xlsx" else xlsm)
    sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert variant == "xlsx" or n.SHEET_ACTIONS in [ws.title for ws in sheets]
    for ws in sheets:
        assert int(ws.page_setup.paperSize or 0) == 9, ws.title  # A4
        assert ws.page_setup.orientation in ("landscape", "portrait"), ws.title
        assert "&P" in (ws.oddFooter.center.text or ""), ws.title
        fits = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
        assert fits or ws.col_breaks.brk, ws.title


# ---- protection, --no-protect, 使い方, xlwings.conf --------------------------------------------------------
def test_input_sheets_protected_grey_cells_locked(master: Path) -> None:
    ws = load_workbook(master)[c.MEASURES.sheet]
    keys = [col.key for col in c.MEASURES.columns]
    assert ws.protection.sheet and ws.protection.password
    assert ws.cell(row=4, column=keys.index("target") + 1).protection.locked  # 目標値: reference
    assert not ws.cell(row=4, column=keys.index("effect_kind") + 1).protection.locked


def test_ledger_has_blank_rows_to_type_into(master: Path) -> None:
    """A protected sheet cannot grow a table: the ledger offers blank, unlocked rows inside it."""
    ws = load_workbook(master)[c.LEDGER.sheet]
    ref = ws.tables[c.LEDGER.name].ref
    last = int(re.findall(r"\d+", ref)[-1])
    assert last - c.LEDGER.anchor_row >= 100
    assert not ws.cell(row=last, column=1).protection.locked


@pytest.mark.parametrize("variant", ["xlsx", "xlsm"])
def test_no_protect_is_honoured_for_every_variant(variant: str, tmp_path: Path) -> None:
    path = tmp_path / f"open_book.{variant}"
    args = ["init", str(path), "--no-protect", "--now", FIXED_NOW] + (["--xlsm"] if variant == "xlsm" else [])
    assert main(args) == 0
    wb = load_workbook(path)
    assert [ws.title for ws in wb.worksheets if ws.protection.sheet] == []
    guide = "\n".join(str(cell.value) for cell in wb[c.SHEET_GUIDE]["A"] if cell.value)
    assert "保護されています" not in guide


def guide_text(path: Path) -> str:
    return "\n".join(str(cell.value) for cell in load_workbook(path)[c.SHEET_GUIDE]["A"] if cell.value)


def test_guide_is_written_for_the_variant_built(master: Path, xlsm: Path) -> None:
    xlsx_guide, xlsm_guide = guide_text(master), guide_text(xlsm)
    assert f"「{n.SHEET_ACTIONS}」シート" in xlsm_guide and "ボタン" in xlsm_guide
    assert f"「{n.SHEET_ACTIONS}」シート" not in xlsx_guide and "kaikaku refresh" in xlsx_guide
    assert "保護されています" in xlsx_guide and c.PASSWORD_NOTE in xlsx_guide


def test_every_list_of_the_actions_is_the_contracts(xlsm: Path) -> None:
    """The guide line, the 操作 sheet's dropdown and the `<name>.py` beside the workbook name the same actions,
    in the contract's order (ACTIONS is the one list; the macros' DOERS is tested against it too)."""
    listed = "・".join(n.ACTIONS)
    assert f"処理（{listed}）を選び" in guide_text(xlsm)
    validations = load_workbook(xlsm)[n.SHEET_ACTIONS].data_validations.dataValidation
    [choice] = [dv for dv in validations if n.ACTION_CELLS.action in str(dv.sqref)]  # (課名 has its own)
    assert choice.formula1 == '"' + ",".join(n.ACTIONS) + '"'
    assert f"({' / '.join(n.ACTIONS)})" in xlsm.with_suffix(".py").read_text(encoding="utf-8")
    # the 操作 sheet explains every action under its dropdown, in the same order
    assert set(n.ACTION_HELP) == set(n.ACTIONS)
    sheet = load_workbook(xlsm)[n.SHEET_ACTIONS]
    explained = [c.value for row in sheet.iter_rows() for c in row if str(c.value or "").startswith("・「")]
    assert [line.split("」", 1)[0][2:] for line in explained if "」：" in line] == list(n.ACTIONS)


def test_xlwings_conf_has_rows_only_for_values_set(xlsm: Path) -> None:
    ws = load_workbook(xlsm)[n.CONF_SHEET]
    keys = []
    row = 1
    while ws.cell(row=row, column=1).value:
        keys.append(ws.cell(row=row, column=1).value)
        assert ws.cell(row=row, column=2).value not in (None, ""), ws.cell(row=row, column=1).value
        row += 1
    assert "PYTHONPATH" not in keys and keys == ["UDF Modules"]


# ---- recalculation on open ----------------------------------------------------------------------------------
def calc_flag(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
    match = re.search(r"<calcPr\b[^>]*>", workbook)
    return bool(match and re.search(r'fullCalcOnLoad="(1|true)"', match.group(0)))


def test_full_recalc_on_open_only_when_formulas_use_the_outputs(tmp_path: Path) -> None:
    """Without formulas Excel would recalculate for nothing and ask to save on every close."""
    path = make_master(tmp_path)
    assert not calc_flag(path)
    wb = load_workbook(path)  # staff add a sheet of their own with a formula over an output sheet
    wb.create_sheet("集計メモ")["A1"] = f"=SUM('{c.EVALUATION.sheet}'!R4:R30)"
    wb.save(path)
    refresh(FileEngine(path, backups=0))
    assert calc_flag(path)
    wb = load_workbook(path)
    del wb["集計メモ"]
    wb.save(path)
    refresh(FileEngine(path, backups=0))
    assert not calc_flag(path)


def test_refresh_keeps_working_with_protected_inputs_and_leaves_them_untouched(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    layout = layout_of(load_plan())
    with zipfile.ZipFile(path) as zf:
        package = FileEngine(path).package
        before = {s: zf.read(package.sheets[s]) for s in {spec.sheet for spec in layout.inputs}}
    refresh(FileEngine(path, backups=0))
    with zipfile.ZipFile(path) as zf:
        after = {s: zf.read(package.sheets[s]) for s in before}
    assert after == before
    assert all(load_workbook(path)[s].protection.sheet for s in before)


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice/poppler not installed (./dev test installs them)",
)
def test_long_texts_are_whole_in_a_libreoffice_render(master: Path, tmp_path: Path) -> None:
    """LibreOffice clips a wrapped cell to its row: without the heights, the end of every long 取組概要 was
    missing from the printed master."""
    pdf = soffice_convert(master, "pdf", tmp_path / "pdf", tmp_path / "profile")
    text = re.sub(
        r"\s+",
        "",
        subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout,
    )
    plan = load_plan()
    tails = [re.sub(r"\s+", "", it.summary)[-10:] for it in plan.items if len(it.summary) > 60]
    assert len(tails) > 10
    missing = [t for t in tails if t not in text]
    assert not missing, missing
