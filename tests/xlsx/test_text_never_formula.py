"""Text is written as text in every file the product writes (issue 21, finding 6 and 7): plan text, a narrative
typed into the master and a narrative a department returned, each starting like a formula (=, +, -, @), go
through init --plan, refresh, distribute (after a collect), export and the .xlsm, and no written part holds them
as a formula: each is an inline or shared string, never an <f> element. LibreOffice shows one as typed."""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from helpers.cycle import col_of, department_file, row_of
from helpers.workbook import soffice_convert
from lxml import etree
from openpyxl import Workbook, load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c
from kaikaku_xl.xlsx.textcell import put_value, starts_like_formula, typed_value

NOW = "2026-06-01T10:00:00"
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"
PLUS, MINUS, AT = "+1+2", "-2+3", "@SUM(A1)"
TEXTS = (HYPERLINK, DDE, PLUS, MINUS, AT)
NARRATIVE = '=HYPERLINK("http://evil","クリック")'  # typed into the master
RETURNED = "=cmd|' /C notepad'!A0"  # returned by a department
BUNDLED = Path(__file__).resolve().parents[2] / "src" / "kaikaku_xl" / "data" / "omitama_2026.toml"


def formula_plan(folder: Path) -> Path:
    """The bundled plan with the titles of items 1–5 and the plan's name starting like formulas."""
    text = BUNDLED.read_text(encoding="utf-8")
    text = text.replace('name = "小美玉市行革・DX推進計画"', f"name = {json.dumps(AT + '計画')}", 1)
    for no, title in enumerate(TEXTS, start=1):
        text = re.sub(
            rf"(\[\[items\]\]\nno = {no}\npolicy = \d+\ntitle = )\"[^\"]*\"",
            lambda m, t=title: m.group(1) + json.dumps(t, ensure_ascii=False),
            text,
            count=1,
        )
    path = folder / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def text_cells(path: Path, texts: tuple[str, ...]) -> dict[str, str]:
    """Every cell of every sheet part holding one of `texts` (as text or as a formula): part!ref -> how it is held
    ("text", or "formula" where the cell has an <f>, or its t attribute otherwise)."""
    found: dict[str, str] = {}
    with zipfile.ZipFile(path) as zf:
        strings = []
        if "xl/sharedStrings.xml" in zf.namelist():
            root = etree.fromstring(zf.read("xl/sharedStrings.xml"))
            strings = ["".join(si.itertext()) for si in root.iter(f"{NS}si")]
        for name in zf.namelist():
            if not re.match(r"xl/worksheets/sheet\d+\.xml$", name):
                continue
            for cell in etree.fromstring(zf.read(name)).iter(f"{NS}c"):
                formula = cell.find(f"{NS}f")
                kind = cell.get("t")
                if formula is not None:
                    shown = "=" + (formula.text or "")
                elif kind == "s":
                    v = cell.find(f"{NS}v")
                    shown = strings[int(v.text)] if v is not None and v.text else ""
                else:
                    shown = "".join(t.text or "" for t in cell.iter(f"{NS}t"))
                hits = [t for t in texts if t in shown or t.lstrip("=") == shown.lstrip("=")]
                if hits and shown:
                    held = (
                        "formula" if formula is not None else ("text" if kind in ("s", "inlineStr") else kind)
                    )
                    found[f"{name}!{cell.get('r')}"] = f"{held}:{shown[:40]}"
    return found


def assert_text_only(path: Path, texts: tuple[str, ...], must_hold: tuple[str, ...]) -> None:
    found = text_cells(path, texts)
    assert found, f"{path.name}: none of the texts was written"
    bad = {ref: how for ref, how in found.items() if not how.startswith("text:")}
    assert bad == {}, f"{path.name}: text written as formula"
    for text in must_hold:
        assert any(how == f"text:{text}"[: len("text:") + 40] for how in found.values()), (path.name, text)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """init --plan, a narrative typed into the master, refresh, distribute, a return, collect, distribute again,
    export: every file the product writes on the way."""
    tmp = tmp_path_factory.mktemp("formula_text")
    plan = formula_plan(tmp)
    master = tmp / "master.xlsx"
    assert main(["init", str(master), "--plan", str(plan), "--now", NOW, "-q"]) == 0
    files = {"init": shutil.copy2(master, tmp / "after_init.xlsx")}
    wb = load_workbook(master)
    ws = wb[c.STATUS.sheet]
    put_value(ws.cell(row=row_of(ws, No=1), column=col_of(ws, "取組実績")), NARRATIVE)  # as staff type it
    wb.save(master)
    assert main(["refresh", str(master), "--now", NOW, "-q"]) == 0
    files["refresh"] = shutil.copy2(master, tmp / "after_refresh.xlsx")
    out = tmp / "out"
    assert main(["distribute", str(master), "--out", str(out), "--now", NOW, "-q"]) == 0
    files["department"] = department_file(out, "人事課")
    returned = load_workbook(files["department"])
    ws = returned[c.STATUS.sheet]
    put_value(ws.cell(row=row_of(ws, No=1), column=col_of(ws, "課題")), RETURNED)
    back = tmp / "back"
    back.mkdir()
    returned.save(back / files["department"].name)
    assert main(["collect", str(master), str(back), "--now", NOW, "-q"]) in (0, 1)
    files["collect"] = shutil.copy2(master, tmp / "after_collect.xlsx")
    again = tmp / "again"
    assert main(["distribute", str(master), "--out", str(again), "--now", NOW, "-q", "--force"]) == 0
    files["department_again"] = department_file(again, "人事課")
    export = tmp / "export"
    assert main(["export", str(master), "--out", str(export), "--now", NOW, "-q"]) == 0
    files["export"] = next(export.glob("*.xlsx"))
    return files


ALL = (*TEXTS, NARRATIVE, RETURNED)


def test_init_writes_plan_text_as_text(cycle: dict[str, Path]) -> None:
    assert_text_only(cycle["init"], ALL, TEXTS)


def test_refresh_keeps_a_typed_narrative_as_text(cycle: dict[str, Path]) -> None:
    assert_text_only(cycle["refresh"], ALL, (*TEXTS, NARRATIVE))
    # the item titles reach the output sheets refresh rewrites (its XML writers), as text there too
    assert len({ref.split("!")[0] for ref in text_cells(cycle["refresh"], TEXTS)}) >= 5


def test_department_files_hold_text_not_formulas(cycle: dict[str, Path]) -> None:
    assert_text_only(cycle["department"], ALL, (HYPERLINK, DDE, PLUS, MINUS, NARRATIVE))


def test_a_returned_narrative_comes_back_as_text(cycle: dict[str, Path]) -> None:
    assert_text_only(cycle["collect"], ALL, (RETURNED,))
    assert_text_only(cycle["department_again"], ALL, (RETURNED, HYPERLINK, DDE))


def test_the_council_export_writes_text(cycle: dict[str, Path]) -> None:
    assert_text_only(cycle["export"], ALL, (HYPERLINK,))


def test_the_xlsm_writes_plan_text_as_text(tmp_path: Path) -> None:
    plan = formula_plan(tmp_path)
    xlsm = tmp_path / "formula_master.xlsm"
    assert main(["init", str(xlsm), "--plan", str(plan), "--xlsm", "--now", NOW, "-q"]) == 0
    assert_text_only(xlsm, ALL, TEXTS)


def test_libreoffice_shows_the_text_as_typed(cycle: dict[str, Path], tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    wb = load_workbook(cycle["department_again"])
    keep = wb[c.STATUS.sheet]
    for ws in list(wb.worksheets):
        if ws is not keep:
            wb.remove(ws)
    single = tmp_path / "status.xlsx"
    wb.save(single)  # openpyxl keeps the cells' types: the one sheet LibreOffice converts to csv
    shown = soffice_convert(
        single, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path, tmp_path / "profile"
    )
    cells = {v for row in csv.reader(shown.read_text(encoding="utf-8").splitlines()) for v in row}
    assert {HYPERLINK, DDE, PLUS, MINUS, RETURNED} <= cells


def test_one_helper_decides_what_is_text() -> None:
    cell = Workbook().active.cell(row=1, column=1)  # type: ignore[union-attr]
    for text in (*TEXTS, "#N/A"):
        put_value(cell, text)
        assert cell.data_type == "s" and cell.value == text
        assert cell.quotePrefix == starts_like_formula(text)
    put_value(cell, 12)
    assert cell.data_type == "n"
    assert typed_value(HYPERLINK) == "'" + HYPERLINK and typed_value("'quoted") == "''quoted"
    assert typed_value("ふつう") == "ふつう" and typed_value(3) == 3


def test_the_plan_workbook_writes_plan_text_as_text(tmp_path: Path) -> None:
    from kaikaku_xl.plan import load_plan
    from kaikaku_xl.plan_io.template import build_plan_workbook

    path = tmp_path / "plan.xlsx"
    build_plan_workbook(load_plan(formula_plan(tmp_path))).save(path)
    assert_text_only(path, ALL, TEXTS)
