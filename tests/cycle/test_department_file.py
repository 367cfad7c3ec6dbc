"""The department file as a clerk sees it (issue 20): the plan's values to check 実績 against, the grade cell
closed where the measures grade, what every grade and 進捗状況 choice means (the plan's own scale), the 記入者 /
課長確認 fields, input messages that agree with the guide, and a 記入方法 sheet LibreOffice shows and prints whole.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers.cycle import NOW, col_of, department_file, row_of
from helpers.plan_workbook import fill_plan, run, write_scale
from helpers.workbook import edit_cells, make_master, soffice_convert
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.cycle.clerk_guide import GUIDE_WIDTH, must_sentence
from kaikaku_xl.master import contract as c
from kaikaku_xl.palette import INPUT_FILL, REFERENCE_FILL
from kaikaku_xl.plan import load_plan
from kaikaku_xl.plan.scale import GradeScale

DEPT, YEAR = "人事課", 2026
ANCHOR = c.actuals_spec([YEAR]).anchor_row  # the header row of the 実績 table
TYPED = ["388,500千円", "16.3万", "4億9,800万円"]


def _distribute(master: Path, out: Path) -> None:
    assert main(["distribute", str(master), "--out", str(out), "--due", "2027-05-31", "--now", NOW]) == 0


def _guide_text(path: Path) -> str:
    ws = load_workbook(path)[c.SHEET_DEPARTMENT_GUIDE]
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)


def _beside(ws: Any, row: int, header: str) -> Any:
    return ws.cell(row=row, column=col_of(ws, header)).value


def test_plan_values_beside_actuals_follow_revisions_and_own_targets(tmp_path: Path) -> None:
    master = make_master(tmp_path, sample=False)
    # a revised target (in force from 2026) for No.3, and the city's own 2026 target for No.5's hours
    assert (
        main(
            ["revise", str(master), "--measure", "3-1", "--target", "380000000", "--from-year", "2026"]
            + ["--reason", "決算の確定", "--date", "2026-05-01", "--now", NOW]
        )
        == 0
    )
    targets = load_workbook(master)["年度目標"]
    hours = row_of(targets, No=5, 指標名="時間外勤務総時間")
    edit_cells(
        master, {"年度目標": {targets.cell(row=hours, column=col_of(targets, "2026年度")).coordinate: 35000}}
    )
    out = tmp_path / "配布"
    _distribute(master, out)
    ws = load_workbook(department_file(out, DEPT))["実績"]
    head = [cell.value for cell in ws[ANCHOR]]
    assert head[-4:] == ["基準値", "目標値", f"計画値（{YEAR}年度）", "備考"]
    plan = load_workbook(master, data_only=True)["指標"]

    def planned(no: int, name: str) -> tuple[float, float]:
        r = row_of(plan, No=no, 指標名=name)
        return plan.cell(row=r, column=col_of(plan, "基準値")).value, plan.cell(
            row=r, column=col_of(plan, "目標値")
        ).value

    staff = row_of(ws, No=3, 指標名="会計年度任用職員人件費")
    base3, _old_target = planned(3, "会計年度任用職員人件費")
    assert _beside(ws, staff, "目標値") == 380_000_000  # the target in force in 2026, not the plan's first
    # the straight line from the baseline (2024) to the revised target (2030), at 2026: two sixths of the way
    assert _beside(ws, staff, f"計画値（{YEAR}年度）") == pytest.approx(base3 + (380_000_000 - base3) * 2 / 6)
    assert "2026年度からの見直し" in _beside(ws, staff, "備考")
    hours_row = row_of(ws, No=5, 指標名="時間外勤務総時間")
    assert _beside(ws, hours_row, f"計画値（{YEAR}年度）") == 35000 and "年度目標" in _beside(
        ws, hours_row, "備考"
    )
    base5, target5 = planned(5, "時間外勤務総時間")
    assert (_beside(ws, hours_row, "基準値"), _beside(ws, hours_row, "目標値")) == (base5, target5)
    for column in ("基準値", "目標値", f"計画値（{YEAR}年度）"):  # grey and locked: to check against
        cell = ws.cell(row=hours_row, column=col_of(ws, column))
        assert cell.protection.locked and cell.fill.fgColor.rgb.endswith(REFERENCE_FILL)
    # later years have nothing to show yet: hidden, still in the table a return is read by
    assert ws.column_dimensions[ws.cell(row=3, column=col_of(ws, "2027年度")).column_letter].hidden
    guide = _guide_text(department_file(out, DEPT))
    assert "基準値・目標値" in guide and "計画値" in guide  # the guide's grey values are there


def test_grade_cell_closed_where_measures_grade(tmp_path: Path) -> None:
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    _distribute(master, out)
    measured = {m.item for m in load_plan().measures}
    for path in sorted(out.glob("*.xlsx")):
        ws = load_workbook(path)[c.STATUS.sheet]
        grade, status = col_of(ws, c.STATUS.column("grade").header), col_of(ws, "進捗状況")
        for r in range(c.STATUS.anchor_row + 1, ws.max_row + 1):
            item, year = ws.cell(row=r, column=1).value, ws.cell(row=r, column=col_of(ws, "年度")).value
            if year != YEAR:
                continue
            cell = ws.cell(row=r, column=grade)
            assert ws.cell(row=r, column=status).protection.locked is False
            if item in measured:
                assert cell.protection.locked and cell.fill.fgColor.rgb.endswith(REFERENCE_FILL), (path, item)
            else:
                assert not cell.protection.locked and cell.fill.fgColor.rgb.endswith(INPUT_FILL), (path, item)


def test_input_messages_agree_with_the_guide(tmp_path: Path) -> None:
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    _distribute(master, out)
    wb = load_workbook(department_file(out, DEPT))
    for sheet in ("実績", c.LEDGER.sheet):
        for dv in wb[sheet].data_validations.dataValidation:
            assert dv.type != "decimal" and "数値を入力してください" not in (dv.error or "")
    [actual] = [dv for dv in wb["実績"].data_validations.dataValidation]
    assert dv_covers(actual, wb["実績"], col_of(wb["実績"], f"{YEAR}年度"))
    assert all(text in actual.prompt for text in TYPED) and not actual.showErrorMessage
    status = wb[c.STATUS.sheet].data_validations.dataValidation
    [choices] = [dv for dv in status if "未着手" in (dv.formula1 or "")]
    offered = choices.formula1.strip('"').split(",")
    assert "対象外" in offered and all(choice in choices.prompt for choice in offered)
    [grades] = [dv for dv in status if '"S,' in (dv.formula1 or "")]
    assert all(choice in grades.prompt for choice in grades.formula1.strip('"').split(","))
    # the master says the same: no 数値 error for typed text in 実績, 年度目標 or the ledger's 金額
    book = load_workbook(master)
    for sheet in ("実績", "年度目標", c.LEDGER.sheet):
        assert not [dv for dv in book[sheet].data_validations.dataValidation if dv.type == "decimal"], sheet


def dv_covers(dv: Any, ws: Any, column: int) -> bool:
    letter = ws.cell(row=1, column=column).column_letter
    return str(dv.sqref).startswith(f"{letter}{ANCHOR + 1}:")


def test_guide_defines_the_default_grades_and_choices_and_has_signature_fields(tmp_path: Path) -> None:
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    _distribute(master, out)
    path = department_file(out, DEPT)
    ws = load_workbook(path)[c.SHEET_DEPARTMENT_GUIDE]
    pairs = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)}
    scale = GradeScale()
    for grade in scale.grades:
        assert grade.name in pairs[grade.label], grade.label
    assert "100%" in pairs["S"] and "60%" in pairs["B"]
    for choice in ("未着手", "実施中", "完了", "対象外"):
        assert pairs[choice], choice
    assert must_sentence(scale) in pairs.values() or any(
        must_sentence(scale) == ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)
    )
    assert ws.protection.sheet
    for label in ("記入者（所属・氏名）", "課長確認（氏名・日付）"):
        r = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == label)
        assert ws.cell(row=r, column=2).protection.locked is False  # the clerk types here
    assert pairs["提出期限"] == "令和9年5月31日（月）"
    assert "2027-05-31" not in _guide_text(path)


def test_a_typed_scale_of_its_own_is_defined_and_every_grade_open(tmp_path: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    head = {
        "name": "架空郷プラン",
        "city": "架空郷",
        "baseline_year": 2025,
        "start_year": 2026,
        "end_year": 2028,
    }
    fill_plan(
        plan,
        head,
        {
            "PlanPolicies": [{"no": 1, "name": "事務の見直し"}],
            "PlanItems": [{"no": n, "policy": 1, "title": f"取組{n}", "lead": "企画課"} for n in (1, 2)],
            "PlanMeasures": [
                {
                    "item": 1,
                    "name": "電子申請件数",
                    "unit": "件",
                    "direction": "増加",
                    "baseline": 100,
                    "target": 400,
                }
            ],
        },
    )
    write_scale(
        plan,
        [
            ["計画以上", "計画を上回って進んでいる", "1F6F4A", "入力", None, "いいえ"],
            ["計画どおり", None, "8FC1A9", "入力", None, "いいえ"],
            ["やや遅れている", None, "E8A33D", "入力", None, "はい"],
            ["ほとんど進んでいない", None, "B03A2E", "入力", None, "はい"],
        ],
    )
    master = tmp_path / "master.xlsx"
    assert run("init", str(master), "--plan", str(plan)).returncode == 0
    out = tmp_path / "配布"
    _distribute(master, out)
    path = department_file(out, "企画課")
    ws = load_workbook(path)[c.SHEET_DEPARTMENT_GUIDE]
    labels = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    assert {"計画以上", "計画どおり", "やや遅れている", "ほとんど進んでいない"} <= set(labels)
    assert not {"S", "A", "B", "C", "D"} & set(labels)  # no S–D for a city with its own scale
    text = _guide_text(path)
    assert "計画を上回って進んでいる" in text and "評価が やや遅れている・ほとんど進んでいない の項目" in text
    status = load_workbook(path)[c.STATUS.sheet]
    # a typed scale: every item is graded there, headed 評価 as in the master (issue 22)
    grade = col_of(status, "評価")
    rows = [
        r
        for r in range(4, status.max_row + 1)
        if status.cell(row=r, column=col_of(status, "年度")).value == 2026
    ]
    assert rows and all(status.cell(row=r, column=grade).protection.locked is False for r in rows)


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("soffice", "pdftotext", "pdfinfo")),
    reason="needs LibreOffice and poppler-utils",
)
def test_the_guide_as_libreoffice_prints_it(tmp_path: Path) -> None:
    """What a person sees: LibreOffice's PDF of the 記入方法 sheet is portrait A4 at full size, and the sentence
    that narratives are required is there whole, its last line above the next row's text (a row too low for its
    lines would draw them over the next row, or not at all)."""
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    _distribute(master, out)
    path = department_file(out, DEPT)
    ws = load_workbook(path)[c.SHEET_DEPARTMENT_GUIDE]
    widths = sum(ws.column_dimensions[letter].width for letter in ("A", "B"))
    assert widths == GUIDE_WIDTH and ws.max_column == 2
    # 1 width unit ≈ 7 px at 96 dpi: the columns fit the page inside its margins, at 100%
    page_mm = 210 - 2 * 25.4 * ws.page_margins.left
    assert widths * 7 / 96 * 25.4 < page_mm and ws.page_setup.orientation == "portrait"
    pdf = soffice_convert(path, "pdf", tmp_path / "pdf", tmp_path / "profile")
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "1", str(pdf)], capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page\s+1 size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points
    words = _words(pdf)
    assert words[0][0].startswith("記入方法")  # page 1 is the guide (its header)
    text = "".join(w for w, *_ in words)
    sentence = must_sentence(GradeScale()).replace(" ", "")  # pdftotext splits words at spaces
    start = text.find(sentence)
    assert start >= 0, "the sentence is not printed whole"
    at, last, following = 0, None, None
    for word, _x, y_min, y_max in words:
        if at < start + len(sentence):
            last = (y_min, y_max)
        elif following is None:
            following = (y_min, y_max)
        at += len(word)
    assert last is not None and following is not None
    assert last[1] <= following[0] + 0.5, "the sentence's last line runs into the next row"
    # nothing of the guide is scaled down: its text is printed at the body size (11 pt lines, not ~7 pt)
    body = [y_max - y_min for word, _x, y_min, y_max in words if sentence[:6] in word]
    assert body and body[0] > 9


def _words(pdf: Path) -> list[tuple[str, float, float, float]]:
    """Page 1's words in reading order: (text, x, y top, y bottom), from pdftotext's bounding boxes."""
    html = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html
    )
    return [(_unescape(w), float(x), float(y0), float(y1)) for x, y0, y1, w in found]


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def test_guide_text_starting_with_equals_stays_text(tmp_path: Path) -> None:
    """A plan name or contact that starts with = is shown, never run (issue 21.6, for the 記入方法 sheet)."""
    import zipfile

    from openpyxl import Workbook

    from kaikaku_xl.cycle.clerk_guide import GuideRow, write_guide

    wb = Workbook()
    evil = '=HYPERLINK("http://example.invalid","開く")'
    write_guide(
        wb.active, [GuideRow("title", evil), GuideRow("pair", evil, "+1"), GuideRow("text", "@SUM(1)")]
    )
    path = tmp_path / "guide.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")
    ws = load_workbook(path).active
    assert (ws["A1"].value, ws["B2"].value) == (evil, evil)
