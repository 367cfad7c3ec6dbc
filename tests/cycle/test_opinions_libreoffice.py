"""懇談会意見 typed as a person types it, through LibreOffice (tests/helpers/typing_uno.py): the coordinator's opinion
in the master, the department's answer in its file; each book saved by LibreOffice and still read, checked and
merged. And the sheet kept by a save through openpyxl."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cycle import NOW, department_file, run_json
from helpers.typing_uno import skip_reason, type_cells
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master.contract.inputs import OPINIONS
from kaikaku_xl.master.load import load
from kaikaku_xl.xlsx.file_engine import FileEngine

SHEET = OPINIONS.sheet
OPINION = "会計年度任用職員の人件費の見通しを示されたい。"


def _loaded_opinions(path: Path) -> list[dict]:
    engine = FileEngine(path)
    try:
        loaded = load(engine)
    finally:
        engine.close()
    return loaded.opinions.drop(columns=["cells", "key"]).to_dict("records")


def _schema(path: Path) -> tuple[str, list[str], set[str]]:
    ws = load_workbook(path)[SHEET]
    table = ws.tables[OPINIONS.name]
    headers = [c.value for c in ws[OPINIONS.anchor_row]]
    return table.ref, headers, {str(dv.sqref) for dv in ws.data_validations.dataValidation}


def test_the_sheet_survives_a_save_by_openpyxl(tmp_path: Path) -> None:
    path = make_master(tmp_path, sample=False)
    before = _schema(path)
    wb = load_workbook(path)
    wb[SHEET]["A4"] = 2026
    wb[SHEET]["C4"] = "全体"
    wb[SHEET]["D4"] = OPINION
    wb.save(path)
    assert _schema(path) == before
    assert [(o["year"], o["item"], o["state"]) for o in _loaded_opinions(path)] == [(2026, "全体", "未対応")]


@pytest.mark.slow
@pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason()))
def test_opinion_and_answer_typed_through_libreoffice(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    master = make_master(tmp_path)
    before = _schema(master)
    typed = type_cells(
        master,
        [(SHEET, "A4", "2026"), (SHEET, "B4", "2027-08-20"), (SHEET, "C4", "3"), (SHEET, "D4", OPINION)],
    )
    assert [t.outcome for t in typed] == ["written"] * 4
    ref, headers, rules = _schema(master)  # saved by LibreOffice: the table, its headers and checks kept
    assert (ref, headers) == before[:2] and before[2] <= rules
    assert _loaded_opinions(master) == [
        {
            "year": 2026,
            "date": "2027-08-20",  # LibreOffice made it a date cell: read as the day
            "item": 3,
            "opinion": OPINION,
            "department": "人事課",
            "response": "",
            "state": "未対応",
        }
    ]
    assert main(["refresh", str(master), "-q"]) == 0
    assert load_workbook(master)[SHEET]["E4"].value == "人事課"
    out = tmp_path / "out"
    assert main(["distribute", str(master), "--out", str(out), "--now", NOW, "-q"]) == 0
    returned = department_file(out, "人事課")
    typed = type_cells(
        returned,
        [(SHEET, "F4", "見通しを公表します。"), (SHEET, "G4", "対応中"), (SHEET, "D4", "書き換え")],
    )
    assert [t.outcome for t in typed] == ["written", "written", "locked"]  # the opinion itself is locked
    code, report = run_json(capsys, "collect", str(master), str(returned), "--now", NOW)
    assert code == 0, report
    assert {(a["cell"], a["new_text"]) for a in report["applied"]} == {
        ("F4", "見通しを公表します。"),
        ("G4", "対応中"),
    }
    assert [(o["response"], o["state"]) for o in _loaded_opinions(master)] == [
        ("見通しを公表します。", "対応中")
    ]
