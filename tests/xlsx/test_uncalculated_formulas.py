"""A formula written by a script (openpyxl saves no result) in an input cell is refused by name, not read as
未入力: every reader gives such a cell as blank. Exit 2, the master untouched; a calculated formula is fine."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.workbook import edit_cells, make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.xlsx.fastread import uncalculated_cells


@pytest.mark.parametrize("command", ["refresh", "validate", "report"])
@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_an_uncalculated_formula_is_named_not_taken_for_blank(
    tmp_path: Path,
    command: str,
    reader: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if reader == "openpyxl":  # the reference reader, as FileEngine(reader="openpyxl") uses it
        from kaikaku_xl.xlsx import file_engine as headless

        original = headless.FileEngine.__init__
        monkeypatch.setattr(
            headless.FileEngine,
            "__init__",
            lambda self, path, backups=None, reader="calamine": original(self, path, backups, "openpyxl"),
        )
    path = make_master(tmp_path)
    edit_cells(path, {"実績": {"E4": "=1000+234"}})  # a script's formula: openpyxl stores no result
    before = path.read_bytes()
    capsys.readouterr()
    assert main([command, str(path)]) == 2
    err = capsys.readouterr().err
    assert (
        "シート「実績」のセル E4 は数式の計算結果が保存されていません" in err and "Excel で開いて保存" in err
    )
    assert path.read_bytes() == before


def test_formulas_with_results_and_outside_tables_are_not_refused(tmp_path: Path) -> None:
    xml = (
        b'<sheetData><row r="4"><c r="E4"><f>1+1</f><v>2</v></c><c r="F4" t="str"><f>""</f><v></v></c>'
        b'<c r="G4"><f>A1</f></c><c r="H4" s="3"><f t="shared" si="0"/></c></row></sheetData>'
    )
    assert uncalculated_cells(xml) == [(4, 7), (4, 8)]
    path = make_master(tmp_path)
    wb = load_workbook(path)
    wb["実績"]["Z1"] = "=1+1"  # staff's own note beside the table, outside it
    wb.save(path)
    assert main(["refresh", str(path)]) == 0


def test_a_plan_workbook_with_an_uncalculated_formula_is_refused_by_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "計画.xlsx"
    from kaikaku_xl.plan import load_plan
    from kaikaku_xl.plan_io import write_plan_workbook

    write_plan_workbook(plan, load_plan())  # the bundled plan, as a workbook
    wb = load_workbook(plan)
    ws = wb.worksheets[0]
    ws["B2"] = "=1+1"  # a script's formula: no result saved
    wb.save(plan)
    capsys.readouterr()
    assert main(["plan", "--plan", str(plan)]) == 2
    err = capsys.readouterr().err
    assert f"{ws.title}!B2: 数式の計算結果が保存されていません" in err and "Traceback" not in err
