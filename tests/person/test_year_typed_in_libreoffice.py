"""A year typed through LibreOffice by three departments (issue #20, "Done when"): actuals with 全角, 千円/万/億
and % text, statuses, narratives, a ledger row and a value the validation refuses, typed through
`.uno:EnterString` into the distributed files and saved by LibreOffice; collect, refresh and report --json run as
processes. The oracle is the same master with what the person meant written as plain values (openpyxl):
every figure of the report must equal it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers.cycle import col_of, department_file, row_of
from helpers.processes import cli, cli_json
from helpers.typing_uno import skip_reason, type_cells
from openpyxl import load_workbook

pytestmark = [pytest.mark.slow, pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason()))]

YEAR = 2026
NOW = "2026-06-01T10:00:00"
LEDGER = ("効果額台帳", ["No", "年度", "区分", "金額（円）", "内容", "算定根拠"])
# (sheet, row match, column header, what is typed, what the person meant)
Entry = tuple[str, dict[str, Any], str, str, Any]
TYPED: dict[str, list[Entry]] = {
    "人事課": [
        ("実績", {"No": 2, "指標名": "人件費（会計年度任用職員以外）"}, "", "4,012,345千円", 4_012_345_000),
        ("実績", {"No": 3, "指標名": "会計年度任用職員人件費"}, "", "３億８９００万円", 389_000_000),
        ("実績", {"No": 5, "指標名": "時間外勤務総時間"}, "", "38,000", 38_000),
        ("実績", {"No": 5, "指標名": "時間外勤務手当"}, "", "9368万", 93_680_000),
        ("進捗状況", {"No": 1, "年度": YEAR}, "進捗状況", "完了", "完了"),
        (
            "進捗状況",
            {"No": 1, "年度": YEAR},
            "取組実績",
            "採用説明会を3回開催した。",
            "採用説明会を3回開催した。",
        ),
    ],
    "行革デジタル推進課": [
        ("実績", {"No": 12, "指標名": "例規見直し率"}, "", "15%", 15),
        ("実績", {"No": 26, "指標名": "セキュリティ研修受講率"}, "", "９５％", 95),
        ("実績", {"No": 6, "指標名": "BPRによる業務削減時間"}, "", "２，９００", 2_900),
        ("進捗状況", {"No": 6, "年度": YEAR}, "進捗状況", "完了", "完了"),
    ],
    "会計課": [
        ("実績", {"No": 9, "指標名": "対象公金数"}, "", "１２件", 12),
        ("進捗状況", {"No": 9, "年度": YEAR}, "課題", "窓口の周知が不足。", "窓口の周知が不足。"),
    ],
}
LEDGER_ROW = ("人事課", ["3", "2026", "歳出削減", "1,200千円", "配置の見直し", "人件費の差額"])
LEDGER_MEANT = [3, 2026, "歳出削減", 1_200_000, "配置の見直し", "人件費の差額"]


def address(ws: Any, match: dict[str, Any], header: str) -> str:
    column = col_of(ws, header or f"{YEAR}年度")
    return str(ws.cell(row=row_of(ws, **match), column=column).coordinate)


def first_blank(ws: Any, width: int) -> int:
    for row in range(4, ws.max_row + 1):
        if all(ws.cell(row=row, column=j).value is None for j in range(1, width + 1)):
            return row
    raise AssertionError(f"no blank row in {ws.title}")


def keystrokes(path: Path, department: str) -> list[tuple[str, str, str]]:
    wb = load_workbook(path)
    cells = [(s, address(wb[s], m, h), typed) for s, m, h, typed, _ in TYPED[department]]
    if department == "行革デジタル推進課":  # a status the list refuses, before the right one
        status = TYPED[department][3]
        cells.insert(3, (status[0], address(wb[status[0]], status[1], status[2]), "やってない"))
    if department == LEDGER_ROW[0]:
        ws = wb[LEDGER[0]]
        row = first_blank(ws, len(LEDGER[1]))
        cells += [(LEDGER[0], f"{chr(65 + j)}{row}", text) for j, text in enumerate(LEDGER_ROW[1])]
    return cells


def meant_master(master: Path, target: Path) -> Path:
    """The oracle: the master with the meant values written as plain cells."""
    path = Path(shutil.copy2(master, target))
    wb = load_workbook(path)
    for entries in TYPED.values():
        for sheet, match, header, _, meant in entries:
            ws = wb[sheet]
            ws.cell(row=row_of(ws, **match), column=col_of(ws, header or f"{YEAR}年度"), value=meant)
    ws = wb[LEDGER[0]]
    row = first_blank(ws, len(LEDGER[1]))
    for j, value in enumerate(LEDGER_MEANT, start=1):
        ws.cell(row=row, column=j, value=value)
    wb.save(path)
    return path


def figures(report: dict[str, Any]) -> dict[str, Any]:
    year = next(y for y in report["effects"]["by_year"] if y["year"] == YEAR)
    return {
        "measures": {m["id"]: (m["actual"], m["progress"], m["grade"]) for m in report["measures"]},
        "items": {i["no"]: (i["grade"], i["grade_source"]) for i in report["items"]},
        "effects": {k: year[k] for k in ("measures", "ledger", "single_year", "missing")},
        "counts": report["total"]["counts"],
    }


def test_a_year_typed_through_libreoffice_reaches_the_report_as_meant(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    assert cli("init", "--sample", str(master)).returncode == 0
    run = cli("distribute", str(master), "--out", str(tmp_path / "out"), "--now", NOW)
    assert run.returncode == 0, run.stderr[-2000:]
    oracle = figures(cli_json("report", str(meant_master(master, tmp_path / "oracle.xlsx"))))

    files = []
    for department in TYPED:
        path = department_file(tmp_path / "out", department)
        results = type_cells(path, keystrokes(path, department))
        refused = [r for r in results if r.outcome != "written"]
        assert [(r.typed, r.outcome) for r in refused] == (
            [("やってない", "refused")] if department == "行革デジタル推進課" else []
        )
        files.append(str(path))

    collected = cli_json("collect", str(master), *files, "--now", NOW)
    assert not collected["refused"] and not collected["conflicts"]
    assert not [p for p in collected["problems"] if p["severity"] == "エラー"]
    assert cli("refresh", str(master), "--now", NOW).returncode == 0
    got = figures(cli_json("report", str(master)))

    assert got == oracle
    assert got["measures"]["12-1"][0] == 15 and got["measures"]["26-1"][0] == 95
    assert got["measures"]["2-1"][0] == 4_012_345_000 and got["measures"]["3-1"][0] == 389_000_000
    wb = load_workbook(master)
    ws = wb["進捗状況"]
    assert ws.cell(row=row_of(ws, No=6, 年度=YEAR), column=col_of(ws, "進捗状況")).value == "完了"

    # The council materials: every actual on the HTML page is the report's (data-ref is a JSON pointer into
    # `report --json`), and the PDF prints the % measures as typed (15.0 and 95.0 points, not 0.2 and 1.0).
    report = cli_json("report", str(master))
    run = cli("export", str(master), "--out", str(tmp_path / "資料"), "--now", NOW)
    assert run.returncode == 0, run.stderr[-2000:]
    html = next((tmp_path / "資料").glob("*.html")).read_text(encoding="utf-8")
    shown = dict(re.findall(r'data-ref="(/measures/\d+/actual)" data-value="([^"]*)"', html))
    for i, measure in enumerate(report["measures"]):
        if measure["actual"] is not None:
            assert float(shown[f"/measures/{i}/actual"]) == measure["actual"], measure["id"]
    pdf = next((tmp_path / "資料").glob("*.pdf"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for name, typed in (("例規見直し率", "15.0"), ("セキュリティ研修受講率", "95.0")):
        rows = [line.split() for line in text.splitlines() if name in line and "%" in line.split()]
        assert rows and all(typed in row for row in rows[:1]), (name, rows[:2])
