"""`kaikaku report --json` on a real master file equals hand-worked figures; the sheet shows them rounded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.workbook import edit_cells, make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main


@pytest.fixture(scope="module")
def worked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed master with three 2026 actuals typed in (rows: 4 = 2-1, 9 = 8-1, 17 = 21-1; E = 2026年度)."""
    path = make_master(tmp_path_factory.mktemp("report"), sample=False)
    edit_cells(
        path,
        {
            "実績": {"E4": 4_020_000_000, "E9": 700, "E17": 700_000_000},
            "効果額台帳": {
                "A4": 15,
                "B4": 2026,
                "C4": "歳出削減",
                "D4": 1_000_000,
                "E4": "委託化",
                "F4": "差額",
            },
        },
    )
    assert main(["refresh", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def report(worked: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", "report", str(worked), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def measure(report: dict, measure_id: str) -> dict:
    return next(m for m in report["measures"] if m["id"] == measure_id)


def test_decrease_measure_hand_worked(report: dict) -> None:
    # 人件費 4,031,724,014 -> 4,000,000,000 (減少), actual 4,020,000,000 in 2026.
    m = measure(report, "2-1")
    assert m["progress"] == pytest.approx(11_724_014 / 31_724_014, rel=1e-12)  # 0.36956...
    assert m["attainment"] == pytest.approx(4_000_000_000 / 4_020_000_000, rel=1e-12)
    assert m["planned"] == pytest.approx(4_031_724_014 - 31_724_014 * 2 / 6, rel=1e-12)
    assert m["grade"] == "A"  # 0.3696 >= 2/6
    assert m["effect"] == 11_724_014  # baseline - actual


def test_increase_measure_hand_worked(report: dict) -> None:
    # 市民向けフォーム数 549 -> 1,000 件, actual 700: progress 151/451 = 0.33481 >= 1/3 -> A.
    m = measure(report, "8-1")
    assert m["progress"] == pytest.approx(151 / 451, rel=1e-12)
    assert m["attainment"] == pytest.approx(0.7, rel=1e-12)
    assert m["grade"] == "A"
    assert m["effect"] is None  # not a money measure


def test_worse_than_baseline_is_D_and_a_negative_effect(report: dict) -> None:
    # ふるさと寄附金 742,095,000 -> 1,000,000,000 (歳入増加), actual 700,000,000.
    m = measure(report, "21-1")
    assert m["progress"] == pytest.approx(-42_095_000 / 257_905_000, rel=1e-12)
    assert m["grade"] == "D"
    assert m["effect"] == -42_095_000


def test_missing_actual_is_not_graded(report: dict) -> None:
    m = measure(report, "3-1")
    assert m["actual"] is None and m["progress"] is None and m["grade"] == "−"


def test_effect_totals_hand_worked(report: dict) -> None:
    # counted: 2-1 (11,724,014) + 21-1 (-42,095,000) + ledger 1,000,000 = -29,370,986
    by_year = {e["year"]: e for e in report["effects"]["by_year"]}
    assert by_year[2026]["measures"] == 11_724_014 - 42_095_000
    assert by_year[2026]["ledger"] == 1_000_000
    assert report["effects"]["single_year"] == -29_370_986
    assert report["effects"]["cumulative"] == -29_370_986
    assert by_year[2027]["single_year"] is None  # after the evaluation year: no result yet


def test_policy_rollup_hand_worked(report: dict) -> None:
    policies = {p["policy"]: p for p in report["policies"]}
    # policy 1: item 2 -> A; items 1,3,4,5 not graded (no actual or no measure and no entered grade)
    assert policies[1]["counts"]["A"] == 1 and policies[1]["graded"] == 1 and policies[1]["items"] == 5
    assert policies[1]["shares"]["A"] == 1.0
    assert sum(p["items"] for p in report["policies"]) == 27
    assert report["total"]["counted_measures"] == ["2-1", "3-1", "16-1", "18-1", "19-1", "21-1", "22-1"]


def test_sheet_shows_the_report_rounded_half_away(worked: Path, report: dict) -> None:
    ws = load_workbook(worked)["評価結果"]
    header = [c.value for c in ws[3]]
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    progress = rows["2-1"][header.index("進捗率")]
    assert progress == pytest.approx(0.37)  # 36.956...% shown as 37.0%
    assert rows["8-1"][header.index("進捗率")] == pytest.approx(0.335)  # 33.48...% -> 33.5%
    assert rows["21-1"][header.index("財政効果額")] == -42_095_000
    assert rows["2-1"][header.index("評価")] == measure(report, "2-1")["grade"]
    effects = load_workbook(worked)["財政効果"]
    assert [c.value for c in effects[4]][:6] == [
        2026,
        "令和8年度",
        -30_370_986,
        1_000_000,
        -29_370_986,
        -29_370_986,
    ]


def test_report_text_mode(worked: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(worked)]) == 0
    out = capsys.readouterr().out
    assert "37.0%" in out and "△29,370,986円" in out


def test_the_citys_own_yearly_target_replaces_the_straight_line(tmp_path: Path) -> None:
    from kaikaku_xl.app.report import report_from_file

    path = make_master(tmp_path, sample=False)
    edit_cells(path, {"年度目標": {"E4": "40億2,500万"}, "実績": {"E4": 4_020_000_000}})  # 2-1, 2026
    m = measure(report_from_file(path).to_dict(), "2-1")
    assert m["planned"] == 4_025_000_000
    assert m["planned_progress"] == pytest.approx(6_724_014 / 31_724_014, rel=1e-12)
    assert m["grade"] == "S" if m["progress"] >= 1 else m["grade"] == "A"  # 0.3696 >= 0.2120
