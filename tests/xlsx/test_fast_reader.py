"""The fast reader (calamine) gives the same inputs and problems as openpyxl, cell for cell, on every test workbook.

openpyxl's read-only reader is the reference: FileEngine(reader="openpyxl"). The workbooks: the bundled master,
the sample master, a master with awkward inputs typed through openpyxl (error values, dates, times, booleans,
text in number cells, blank rows inside tables), the same file after LibreOffice recalculated and saved it
(formulas with cached values, error results), and the macro-enabled master.
"""

from __future__ import annotations

import math
import shutil
from datetime import date, datetime, time
from pathlib import Path

import pytest
from helpers.workbook import make_master, soffice_convert
from openpyxl import load_workbook

from kaikaku_xl.app.validate import validate
from kaikaku_xl.plan import load_plan
from kaikaku_xl.xlsx.fastread import error_cells, openpyxl_value
from kaikaku_xl.xlsx.file_engine import FileEngine

REPO = Path(__file__).resolve().parents[2]


def awkward_inputs(path: Path, formulas: bool = True) -> None:
    wb = load_workbook(path)
    actuals = wb["実績"]
    actuals["D4"] = "#N/A"  # openpyxl writes these as error cells (t="e")
    actuals["E4"] = "#DIV/0!"
    actuals["D5"] = datetime(2026, 4, 1)
    actuals["E5"] = date(2026, 5, 2)
    actuals["F5"] = datetime(2026, 4, 1, 12, 30)
    actuals["D6"] = time(10, 5)
    actuals["E6"] = True
    actuals["F6"] = "未集計"
    actuals["D7"] = "３，０００"
    actuals["E7"] = 2.5
    actuals["F7"] = 3.0
    actuals["G7"] = -0.0
    if formulas:  # no cached value here (refused as uncalculated); LibreOffice adds one
        actuals["D8"] = "=1/0"
        actuals["E8"] = "=NA()"
        actuals["F8"] = "=2*3"
        actuals["G8"] = '=IF(1=1,"","x")'  # empty text from a formula
        wb["設定"]["C5"] = "=1+1"
    actuals["D9"] = 12345678901234567890  # beyond 1e16: stays a float
    actuals["E9"] = 0.1 + 0.2
    actuals["F9"] = "  空白つき  "
    for col in "ABCDEFGHI":  # a blank row inside the table
        actuals[f"{col}10"] = None
    status = wb["進捗状況"]
    status["E5"] = "#VALUE!"
    status["F5"] = datetime(2026, 6, 30)
    wb.save(path)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("readers")
    books = {"bundled": shutil.copy(REPO / "xlsx" / "omitama_master.xlsx", folder / "bundled.xlsx")}
    books["sample"] = make_master(folder, "sample.xlsx")
    awkward = make_master(folder, "awkward.xlsx")
    awkward_inputs(
        awkward, formulas=False
    )  # formulas openpyxl saved have no result: refused (test_uncalculated_formulas.py)
    books["awkward"] = awkward
    if shutil.which("soffice"):
        with_formulas = make_master(folder, "awkward_formulas.xlsx")
        awkward_inputs(with_formulas)
        converted = soffice_convert(with_formulas, "xlsx", folder / "lo", folder / "profile")
        books["awkward, saved by LibreOffice"] = converted
    from kaikaku_xl.excel.xlsm import create_xlsm

    books["xlsm"] = create_xlsm(load_plan(), folder / "macro.xlsm", sample=True)
    return {name: Path(p) for name, p in books.items()}


def typed(value: object) -> tuple[str, object]:
    """A value with its type, so 3 (int) and 3.0 (float) or a date and a datetime count as different."""
    if isinstance(value, float) and math.isnan(value):
        return ("nan", None)
    return (type(value).__name__, value)


def test_every_table_reads_the_same_cell_for_cell(workbooks: dict[str, Path]) -> None:
    for name, path in workbooks.items():
        fast, reference = FileEngine(path), FileEngine(path, reader="openpyxl")
        try:
            assert fast.package.tables, name
            for table in fast.package.tables.values():
                from kaikaku_xl.xlsx.tablespec import TableSpec

                spec = TableSpec(table.name, table.sheet, ())
                a, b = fast.read_table(spec), reference.read_table(spec)
                assert (a.sheet, a.headers, a.header_row, a.first_col, a.offsets) == (
                    b.sheet,
                    b.headers,
                    b.header_row,
                    b.first_col,
                    b.offsets,
                ), (name, table.name)
                assert [[typed(v) for v in r] for r in a.rows] == [[typed(v) for v in r] for r in b.rows], (
                    name,
                    table.name,
                )
        finally:
            fast.close()
            reference.close()


def test_the_awkward_cells_are_really_there(workbooks: dict[str, Path]) -> None:
    """The comparison above means something: the odd values reach the reader (checked on the fast one)."""
    from kaikaku_xl.master import contract as c

    engine = FileEngine(workbooks["awkward"])
    layout_years = list(range(2025, 2031))
    table = engine.read_table(c.actuals_spec(layout_years))
    cells = {table.address(i, j): v for i, row in enumerate(table.rows) for j, v in enumerate(row)}
    assert cells["D4"] == "#N/A" and cells["E4"] == "#DIV/0!"
    assert cells["D5"] == datetime(2026, 4, 1) and cells["E5"] == datetime(2026, 5, 2)
    assert cells["D6"] == time(10, 5) and cells["E6"] is True
    assert typed(cells["F7"]) == ("int", 3) and typed(cells["E7"]) == ("float", 2.5)
    assert "D10" not in cells  # the blank row is dropped, the rows below keep their addresses
    engine.close()
    if "awkward, saved by LibreOffice" in workbooks:
        engine = FileEngine(workbooks["awkward, saved by LibreOffice"])
        table = engine.read_table(c.actuals_spec(layout_years))
        cells = {table.address(i, j): v for i, row in enumerate(table.rows) for j, v in enumerate(row)}
        assert (
            cells["D8"] == "#DIV/0!"
            and cells["E8"] == "#N/A"
            and cells["F8"] == 6
            and cells.get("G8") is None
        )
        engine.close()


def test_same_problems_and_fingerprint_as_the_reference(workbooks: dict[str, Path]) -> None:
    for name, path in workbooks.items():
        fast, reference = FileEngine(path), FileEngine(path, reader="openpyxl")
        (loaded_a, problems_a), (loaded_b, problems_b) = validate(fast), validate(reference)
        fast.close()
        reference.close()
        assert problems_a == problems_b, name
        assert loaded_a.fingerprint == loaded_b.fingerprint, name
        if name.startswith("awkward"):
            assert any(p.cell == "D4" for p in problems_a)  # the #N/A cell is reported, not taken as blank


def test_error_cells_are_found_in_the_sheet_xml() -> None:
    xml = (
        b'<sheetData><row r="3"><c r="B3" s="2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C3" t="e"/>'
        b'<c r="D3"><v>1</v></c><x:c r="AA12" t="e"><x:v>#N/A</x:v></x:c></row></sheetData>'
    )
    assert error_cells(xml) == {(3, 2): "#DIV/0!", (12, 27): "#N/A"}
    assert error_cells(b'<c r="A1"><v>1</v></c>') == {}


@pytest.mark.parametrize(
    ("calamine", "openpyxl"),
    [
        (3.0, 3),
        (-0.0, 0),
        (2.5, 2.5),
        (1.2345678901234567e17, 1.2345678901234567e17),
        ("", None),
        ("x", "x"),
        (date(2026, 4, 1), datetime(2026, 4, 1)),
        (True, True),
        (time(9, 30), time(9, 30)),
    ],
)
def test_calamine_values_as_openpyxl_gives_them(calamine: object, openpyxl: object) -> None:
    assert typed(openpyxl_value(calamine)) == typed(openpyxl)
