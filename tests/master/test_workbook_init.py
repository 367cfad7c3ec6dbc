"""`kaikaku init`: the master's sheets, tables, styles, validation, protection and print setup (re-opened)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.builder import layout_of
from kaikaku_xl.palette import INPUT_FILL
from kaikaku_xl.plan import load_plan
from kaikaku_xl.xlsx.tablespec import FMT_PCT, FMT_YEN

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "xlsx" / "omitama_master.xlsx"


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_master(tmp_path_factory.mktemp("init"))


@pytest.fixture(scope="module")
def book(master: Path):  # noqa: ANN201
    return load_workbook(master)


def test_every_contract_table_is_on_its_japanese_sheet(book) -> None:  # noqa: ANN001
    layout = layout_of(load_plan())
    found = {name: ws.title for ws in book.worksheets for name in ws.tables}
    for spec in (*layout.inputs, *layout.outputs):
        assert found.get(spec.name) == spec.sheet, spec.name
        header = [cell.value for cell in book[spec.sheet][spec.anchor_row]][spec.anchor_col - 1 :][
            : len(spec.columns)
        ]
        assert header == spec.headers, spec.name
    assert book.sheetnames[:2] == [c.SHEET_GUIDE, c.SHEET_DASHBOARD]


def test_actuals_have_one_row_per_measure_and_a_column_per_year(book) -> None:  # noqa: ANN001
    ws = book["実績"]
    headers = [cell.value for cell in ws[3]]
    assert headers[:3] == ["No", "指標名", "単位"]
    assert headers[3:] == [f"{y}年度" for y in range(2025, 2031)]
    names = [(ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value) for r in range(4, 22)]
    assert len(names) == 18 and (5, "時間外勤務総時間") in names and (5, "時間外勤務手当") in names


def test_input_cells_unlocked_in_one_colour_and_keys_locked(book) -> None:  # noqa: ANN001
    ws = book["実績"]
    year_cell, key_cell = ws["E4"], ws["B4"]
    assert year_cell.protection.locked is False
    assert year_cell.fill.fgColor.rgb.endswith(INPUT_FILL)
    assert key_cell.protection.locked is True
    assert not key_cell.fill.fgColor.rgb.endswith(INPUT_FILL)
    ledger = book["効果額台帳"]
    assert ledger["D4"].protection.locked is False and ledger["D4"].fill.fgColor.rgb.endswith(INPUT_FILL)


def test_dropdowns_and_number_validation(book) -> None:  # noqa: ANN001
    def lists(ws):  # noqa: ANN001, ANN202
        return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}

    ledger = lists(book["効果額台帳"])
    kinds = [dv for dv in ledger.values() if dv.type == "list"]
    assert any("歳出削減,歳入増加" in dv.formula1 for dv in kinds)
    status = lists(book["進捗状況"])
    formulas = " ".join(dv.formula1 or "" for dv in status.values())
    assert "未着手,実施中,完了" in formulas and "S,A,B,C,D" in formulas
    # issue 20: typed text such as 388,500千円 is read, so no decimal rule answers it with 「数値を入力してください」;
    # the message says what is read (before: a decimal check, errorStyle information)
    actuals = list(lists(book["実績"]).values())
    assert actuals and all(dv.type is None and not dv.showErrorMessage for dv in actuals)
    assert all("388,500千円" in dv.prompt and "16.3万" in dv.prompt for dv in actuals)


def test_every_data_sheet_protected_only_yellow_cells_unlocked(book) -> None:  # noqa: ANN001
    """Grey reference cells (基準値, 目標値 …) cannot be overwritten by a slip; yellow input cells can."""
    layout = layout_of(load_plan())
    for sheet in layout.output_sheets:
        assert book[sheet].protection.sheet is True, sheet
    for spec in layout.inputs:
        ws = book[spec.sheet]
        assert ws.protection.sheet is True and ws.protection.password, spec.sheet
        unlocked = [cell for row in ws.iter_rows() for cell in row if not cell.protection.locked]
        if spec.name not in ("PlanInfo", "History", "Items"):  # reference only: nothing to type there
            assert unlocked, spec.sheet
        for cell in unlocked:
            assert cell.fill.fgColor.rgb.endswith(INPUT_FILL), (spec.sheet, cell.coordinate)
    measures = book[c.MEASURES.sheet]
    keys = [col.key for col in c.MEASURES.columns]
    assert measures.cell(row=4, column=keys.index("baseline") + 1).protection.locked
    assert not measures.cell(row=4, column=keys.index("note") + 1).protection.locked


def test_print_setup_freeze_panes_and_formats(book) -> None:  # noqa: ANN001
    for name in ("評価結果", "基本方針別", "財政効果", "実績", "進捗状況", "ダッシュボード"):
        ws = book[name]
        assert int(ws.page_setup.paperSize) == 9, name  # 9 = A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage or ws.col_breaks.brk, name  # fit, or printed views
    assert book["評価結果"].freeze_panes == "A4"
    assert book["実績"].freeze_panes == "D4"
    evaluation = book["評価結果"]
    header = [cell.value for cell in evaluation[3]]
    assert evaluation.cell(row=4, column=header.index("進捗率") + 1).number_format == FMT_PCT
    assert evaluation.cell(row=4, column=header.index("財政効果額") + 1).number_format == FMT_YEN


def test_sample_is_labelled_as_fictional(book) -> None:  # noqa: ANN001
    assert "サンプル" in book["使い方"]["A2"].value
    assert all("サンプル" in (book["効果額台帳"].cell(row=r, column=5).value or "") for r in (4, 5))


def test_init_refuses_to_overwrite(master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = master.read_bytes()
    assert main(["init", str(master)]) == 2
    assert "既にあります" in capsys.readouterr().err
    assert master.read_bytes() == before


def _cells(path: Path) -> dict[str, dict[str, object]]:
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        if ws.title == c.REFRESH_LOG.sheet:
            continue  # time and user of the build differ by nature
        values = {
            cell.coordinate: cell.value for row in ws.iter_rows() for cell in row if cell.value is not None
        }
        if ws.title == c.SHEET_DASHBOARD:
            values.pop("B7", None)  # last-updated stamp
        out[ws.title] = values
    return out


def test_committed_master_equals_a_fresh_build(tmp_path: Path) -> None:
    assert COMMITTED.exists(), (
        "xlsx/omitama_master.xlsx is missing: run `kaikaku init xlsx/omitama_master.xlsx`"
    )
    fresh = make_master(tmp_path, sample=False)
    committed, rebuilt = load_workbook(COMMITTED), load_workbook(fresh)
    assert committed.sheetnames == rebuilt.sheetnames
    for a, b in zip(committed.worksheets, rebuilt.worksheets, strict=True):
        assert dict(a.tables.items()) == dict(b.tables.items()), a.title
    assert _cells(COMMITTED) == _cells(fresh)


def test_no_protect_leaves_outputs_writable_for_office_js(tmp_path: Path) -> None:
    path = tmp_path / "web.xlsx"
    assert main(["init", str(path), "--no-protect"]) == 0
    wb = load_workbook(path)
    for sheet in layout_of(load_plan()).output_sheets:
        assert wb[sheet].protection.sheet is False, sheet
