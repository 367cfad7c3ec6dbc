"""Inputs as staff type them: accepted where the meaning is clear, reported with sheet and cell where not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.workbook import edit_cells, make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.xlsx.typed import NotANumber, parse_number

# Actuals sheet layout: row 4 = measure 2-1 (円), row 5 = 3-1, row 6 = 5-1 (時間) ...; E = 2026年度.


@pytest.mark.parametrize(
    ("typed", "unit", "expected"),
    [
        ("３，０００", "件", 3000.0),
        ("3,000件", "件", 3000.0),
        ("1.2万", "円", 12000.0),
        ("1.15万", "円", 11500.0),
        ("40億2,500万", "円", 4_025_000_000.0),
        ("3千円", "円", 3000.0),
        ("1.2万円", "円", 12000.0),
        ("4,000,000,000円", "円", 4_000_000_000.0),
        ("△1,234", "円", -1234.0),
        ("-1.2万", "円", -12000.0),
        ("16.5万㎡", "㎡", 165000.0),
        ("95%", "%", 95.0),
        (" 42 ", "件", 42.0),
        (7, "件", 7.0),
        ("", "件", None),
        (None, "件", None),
    ],
)
def test_numbers_as_typed(typed: object, unit: str, expected: float | None) -> None:
    assert parse_number(typed, unit) == expected


@pytest.mark.parametrize(
    ("typed", "unit", "why"),
    [
        ("未集計", "円", "数値として読めません"),
        ("120時間", "円", "単位が違います"),
        ("3万件", "円", "単位が違います"),
        ("万", "円", "数値として読めません"),
        ("1.2万円", "時間", "単位が違います"),
        ("#N/A", "件", "エラー値"),
        (True, "件", "数値ではありません"),
    ],
)
def test_unclear_values_are_refused_with_a_reason(typed: object, unit: str, why: str) -> None:
    with pytest.raises(NotANumber, match=why):
        parse_number(typed, unit)


@pytest.fixture()
def messy(tmp_path: Path) -> Path:
    path = make_master(tmp_path, sample=False)
    wb = load_workbook(path)
    ws = wb["実績"]
    ws["E4"] = "4,020,000,000円"  # clear: accepted
    ws["E5"] = "３８９，０００，０００"  # 全角: accepted
    ws["E6"] = "3.8万"  # 38,000 時間: accepted
    ws["E7"] = "未集計"  # text: error at 実績!E7
    ws["E8"] = "120万円"  # 円 in a 時間 measure (row 8 = 6-1): error
    ws["I3"] = "2031年度"  # a year outside the plan
    ws["B9"] = "市民向けフォーム数（旧）"  # unknown measure -> also 8-1 missing
    # a duplicate of the first measure row, added at the end of the table
    last = ws.max_row + 1
    for col in range(1, 10):
        ws.cell(row=last, column=col, value=ws.cell(row=4, column=col).value)
    ws.tables["Actuals"].ref = f"A3:I{last}"
    for col, value in enumerate([99, 2026, "歳出削減", "1,000円", "テスト", "根拠"], start=1):
        wb["効果額台帳"].cell(row=5, column=col, value=value)  # a blank yellow row of the table
    wb["進捗状況"]["E4"] = "A+"  # item 1, 2026: not a grade
    wb.save(path)
    return path


def test_validate_lists_every_problem_with_sheet_and_cell(
    messy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(messy), "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    where = {(p["sheet"], p["cell"]) for p in problems if p["severity"] == "エラー"}
    assert ("実績", "E7") in where  # text
    assert ("実績", "E8") in where  # wrong unit
    assert ("実績", "I3") in where  # header of a year outside the plan
    assert ("実績", "B9") in where  # unknown measure
    assert ("実績", "B22") in where  # duplicate row
    assert ("効果額台帳", "A5") in where  # item 99 not in the plan
    assert ("進捗状況", "E4") in where  # not a grade
    assert any(
        p["sheet"] == "実績" and "市民向けフォーム数" in p["message"] and p["cell"] == "" for p in problems
    )
    accepted = {("実績", "E4"), ("実績", "E5"), ("実績", "E6")}
    assert not accepted & {(p["sheet"], p["cell"]) for p in problems}
    assert all(p["action"] for p in problems)


def test_validate_text_output_and_clean_exit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = make_master(tmp_path)
    assert main(["validate", str(clean)]) == 0
    assert "問題は見つかりませんでした" in capsys.readouterr().out


def test_refresh_writes_the_same_problems_and_still_computes(
    messy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(messy), "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert main(["refresh", str(messy)]) == 0
    wb = load_workbook(messy)
    table = [r for r in wb["問題点"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert sorted(tuple(v or "" for v in r) for r in table) == sorted(
        (p["severity"], p["sheet"], p["cell"], p["message"], p["action"]) for p in problems
    )
    # "未集計" typed is an input error, not 未入力: the reason of its − says so (issue 8).
    assert any(
        r[0] == "警告" and "5-2" not in r[3] and "時間外勤務手当" in r[3] and "入力エラー" in r[3]
        for r in table
    )
    evaluation = {r[0]: r for r in wb["評価結果"].iter_rows(min_row=4, values_only=True)}
    header = [c.value for c in wb["評価結果"][3]]
    actual, grade = header.index("実績"), header.index("評価")
    assert evaluation["2-1"][actual] == 4_020_000_000  # accepted despite the 円
    assert evaluation["3-1"][actual] == 389_000_000  # 全角
    assert evaluation["5-1"][actual] == 38_000  # 3.8万
    assert evaluation["5-2"][grade] == "−"  # the text value became 評価対象外, not 0


def test_bad_setting_is_reported_and_default_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_master(tmp_path)
    edit_cells(path, {"設定": {"C4": "来年"}})  # 評価年度
    assert main(["validate", str(path), "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert any(p["sheet"] == "設定" and p["cell"] == "C4" for p in problems)
