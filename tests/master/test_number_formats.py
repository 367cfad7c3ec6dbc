"""Number formats as Excel shows them: every format of every workbook the product writes, read back from the file.

Excel prints a format's decimal point whenever the section has one (Office support, "Number format codes": `#`
shows only significant digits), so `#,##0.##` shows 1023 as `1,023.`. LibreOffice hides that dot, which is why
renders never caught it: these tests check the format codes themselves.
"""

from __future__ import annotations

import re
import tomllib
import zipfile
from datetime import datetime
from importlib import resources
from pathlib import Path

import pytest
from helpers.workbook import FIXED_NOW, make_master
from openpyxl import load_workbook

from kaikaku_xl.app.export import export_from_engine
from kaikaku_xl.app.init import create_master
from kaikaku_xl.excel.xlsm import create_xlsm
from kaikaku_xl.master import contract as c
from kaikaku_xl.plan import load_plan, plan_from_dict
from kaikaku_xl.plan.numformat import (
    default_decimals,
    input_format,
    number_format,
    shows_trailing_dot,
)
from kaikaku_xl.plan_io import write_plan_workbook
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.tablespec import FMT_YEN


@pytest.mark.parametrize(
    ("fmt", "dot"),
    [
        ("#,##0.##", True),
        ("0.#", True),
        ("#.", True),
        ("#,##0.00;[Red]-#,##0.#", True),
        ("0.##E+00", True),
        ("#,##0", False),
        ("#,##0.0", False),
        ("0.0%", False),
        ("0.0#", False),
        ("General", False),
        ("@", False),
        ('#,##0"円";[Red]"△"#,##0"円"', False),
        ('#,##0;"△"#,##0', False),
        ('0"."', False),
        ("yyyy/m/d", False),
    ],
)
def test_trailing_dot_rule(fmt: str, dot: bool) -> None:
    assert shows_trailing_dot(fmt) is dot


def test_decimals_from_the_unit_or_the_plan() -> None:
    assert [default_decimals(u) for u in ("円", "件", "枚", "時間", "㎡", "%")] == [0, 0, 0, 0, 0, 1]
    assert default_decimals("回/人", 2.5, 10) == 1 and default_decimals("指数", 1.25) == 2
    assert [number_format(d) for d in (0, 1, 2)] == ["#,##0", "#,##0.0", "#,##0.00"]


def generated_workbooks(folder: Path) -> list[Path]:
    """Every workbook the product writes: the refreshed .xlsx and .xlsm masters and the council export."""
    now = datetime.fromisoformat(FIXED_NOW)
    master = make_master(folder)
    xlsm = create_xlsm(load_plan(), folder / "macro.xlsm", sample=True, now=now)
    engine = FileEngine(master)
    try:  # the PDF is LibreOffice's print of this same xlsx; not needed to read formats
        export_from_engine(engine, folder / "export", now=now, pdf_renderer=lambda xlsx, pdf: None)
    finally:
        engine.close()
    write_plan_workbook(folder / "plan_template.xlsx")  # `kaikaku plan template`: another city's plan
    found = sorted({master, xlsm, *folder.rglob("*.xlsx"), *folder.rglob("*.xlsm")})
    assert len(found) >= 4
    return found


def all_format_codes(path: Path) -> dict[str, str]:
    """Where -> format code, for every cell (openpyxl), every style in styles.xml and every chart's numFmt."""
    codes: dict[str, str] = {}
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                codes[f"{path.name}!{ws.title}!{cell.coordinate}"] = cell.number_format
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name == "xl/styles.xml" or name.startswith("xl/charts/"):
                text = zf.read(name).decode("utf-8")
                for i, code in enumerate(re.findall(r'formatCode="([^"]*)"', text)):
                    codes[f"{path.name}:{name}#{i}"] = code.replace("&quot;", '"').replace("&amp;", "&")
    return codes


def test_no_generated_workbook_shows_a_trailing_dot(tmp_path: Path) -> None:
    checked = 0
    for path in generated_workbooks(tmp_path):
        codes = all_format_codes(path)
        bad = {where: code for where, code in codes.items() if shows_trailing_dot(code)}
        assert not bad, f"formats Excel shows with a trailing dot: {dict(list(bad.items())[:5])}"
        checked += len(codes)
    assert checked > 1000


def test_each_measure_row_has_its_decimals(tmp_path: Path) -> None:
    """% shows one decimal, 円/件/時間 none, in the input sheets and in refresh's 評価結果."""
    wb = load_workbook(make_master(tmp_path))
    plan = load_plan()
    expected = [number_format(m.shown_decimals) for m in plan.measures]
    assert "#,##0.0" in expected and "#,##0" in expected
    ev, top = wb[c.EVALUATION.sheet], c.EVALUATION.anchor_row
    for j, col in enumerate(c.EVALUATION.columns, start=1):
        if col.per_row_format:
            got = [ev.cell(row=top + i, column=j).number_format for i in range(1, len(expected) + 1)]
            assert got == expected, col.header
    # input cells: a % measure's are General (typed 95 and 95% both read as 95 points; docs/decisions.md)
    inputs = [input_format(m.unit, m.shown_decimals) for m in plan.measures]
    assert "General" in inputs and "#,##0" in inputs
    assert all(f == "General" for f, m in zip(inputs, plan.measures, strict=True) if m.unit == "%")
    actuals = wb["実績"]
    assert [actuals.cell(row=4 + i, column=4).number_format for i in range(len(expected))] == inputs
    ms = wb[c.MEASURES.sheet]
    base_col = 1 + [col.key for col in c.MEASURES.columns].index("baseline")
    assert [ms.cell(row=4 + i, column=base_col).number_format for i in range(len(expected))] == inputs


def test_a_plans_own_decimals_reach_master_refresh_and_export(tmp_path: Path) -> None:
    raw = tomllib.loads((resources.files("kaikaku_xl") / "data" / "omitama_2026.toml").read_text("utf-8"))
    first = next(it for it in raw["items"] if it.get("measures"))["measures"][0]
    first["decimals"] = 2
    plan = plan_from_dict(raw)
    assert plan.measures[0].shown_decimals == 2
    path = tmp_path / "m.xlsx"
    create_master(plan, path, sample=True, now=datetime.fromisoformat(FIXED_NOW))
    wb = load_workbook(path)
    col = 1 + [k.key for k in c.EVALUATION.columns].index("baseline")
    assert (
        wb[c.EVALUATION.sheet].cell(row=c.EVALUATION.anchor_row + 1, column=col).number_format == "#,##0.00"
    )
    assert wb[c.EVALUATION.sheet].cell(row=c.EVALUATION.anchor_row + 2, column=col).number_format == "#,##0"
    dec_col = 1 + [k.key for k in c.MEASURES.columns].index("decimals")
    assert wb[c.MEASURES.sheet].cell(row=c.MEASURES.anchor_row + 1, column=dec_col).value == 2


def test_dashboard_figures_are_formatted(tmp_path: Path) -> None:
    ws = load_workbook(make_master(tmp_path))[c.SHEET_DASHBOARD]
    assert isinstance(ws["B6"].value, int | float)  # 計画期間累計
    assert ws["B5"].number_format == ws["B6"].number_format == FMT_YEN
    for row in ws.iter_rows(min_row=c.DASHBOARD_GRADES.anchor_row + 1):
        for cell in row:
            if isinstance(cell.value, int | float):
                assert cell.number_format != "General", cell.coordinate
