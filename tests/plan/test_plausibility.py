"""Impossible and malformed values are input errors naming the cell: not graded, not summed, never a crash.

A real master with every impossible value of issue 8 typed into 実績 (evaluation year 2026, column E), checked
with `kaikaku validate` and `kaikaku report --json` as processes and `kaikaku refresh` on the file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.plan.plausibility import Bounds, parse_bounds, violation
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.xlsx.typed import NotANumber, parse_number

# 実績 rows: 4 = 2-1 人件費, 5 = 3-1, 9 = 8-1 (件), 10 = 9-1 (件), 11 = 11-1 (件), 15 = 18-1 借地料, 17 = 21-1
# ふるさと寄附金, 18 = 22-1 広告収入, 20 = 25-1 (件), 21 = 26-1 受講率 (%). E = 2026年度, F = 2027年度.
IMPOSSIBLE = {
    "E9": -5,
    "E21": 150,
    "F21": "120%",
    "E15": "△27,000,000",
    "E4": 1e308,
    "E5": "1e309",
    "E10": "1,2,3",
    "E11": "--5",
    "E20": "△-5",
}


@pytest.mark.parametrize("typed", ["1,2,3", "--5", "△-5", "1e309", "12,34", "+-3", "▲△1"])
def test_malformed_numbers_are_refused(typed: str) -> None:
    with pytest.raises(NotANumber):
        parse_number(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,234,567", 1_234_567),
        ("40億2,500万", 4_025_000_000),
        ("△27,000,000", -27_000_000),
        ("-5", -5),
        ("+5", 5),
        ("1e308", 1e308),
    ],
)
def test_well_formed_numbers_are_read(typed: str, expected: float) -> None:
    assert parse_number(typed) == expected


def test_rules_are_data() -> None:
    settings = Settings()
    assert settings.bounds("円") == Bounds(0, None) and settings.bounds("%") == Bounds(0, 100)
    assert settings.bounds("人") == Bounds(0, None) and settings.bounds("倍") == Bounds()
    assert violation(-5, settings.bounds("件"), settings.value_ceiling)
    assert violation(100, settings.bounds("%"), settings.value_ceiling) is None
    assert violation(1e15, Bounds(), settings.value_ceiling)  # the ceiling holds for every unit
    assert violation(150, settings.bounds("%").override(None, float("inf")), settings.value_ceiling) is None
    assert parse_bounds("０〜１００") == Bounds(0, 100) and parse_bounds("なし") == Bounds()
    with pytest.raises(ValueError):
        parse_bounds("100〜0")


@pytest.fixture(scope="module")
def impossible(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = make_master(tmp_path_factory.mktemp("impossible"), sample=False)
    wb = load_workbook(path)
    ws = wb["実績"]
    for cell, value in IMPOSSIBLE.items():
        ws[cell] = value
    ws["E17"] = 800_000_000  # a valid money actual: the only part of 財政効果額
    ws["E18"] = 4_785_000_000  # 1000× the baseline 4,785,000: plausible, but a warning
    wb.save(path)
    return path


def kaikaku(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", *args], capture_output=True, text=True, timeout=240
    )


def test_validate_exits_1_naming_each_cell(impossible: Path) -> None:
    result = kaikaku("validate", str(impossible), "--json")
    assert result.returncode == 1, result.stderr
    problems = json.loads(result.stdout)
    errors = {p["cell"]: p for p in problems if p["severity"] == "エラー" and p["sheet"] == "実績"}
    assert set(IMPOSSIBLE) <= set(errors)
    for cell in IMPOSSIBLE:
        assert errors[cell]["action"] and "合計にも加えていません" in errors[cell]["action"]
    assert "△27,000,000" in errors["E15"]["message"] and "1e309" in errors["E5"]["message"]
    warnings = {p["cell"] for p in problems if p["severity"] == "警告" and p["sheet"] == "実績"}
    assert "E18" in warnings and "E18" not in errors


def test_impossible_values_are_not_graded_nor_summed(impossible: Path) -> None:
    result = kaikaku("report", str(impossible), "--json")
    report = json.loads(result.stdout)
    measures = {m["id"]: m for m in report["measures"]}
    for mid in ("2-1", "3-1", "8-1", "9-1", "11-1", "18-1", "25-1", "26-1"):
        assert measures[mid]["grade"] == "−" and measures[mid]["actual"] is None, mid
        assert measures[mid]["effect"] is None and "入力エラー" in measures[mid]["note"], mid
    # Only the valid money actuals: 21-1 and 22-1 (a warning is not an error); no △27,000,000, no 1e308.
    assert report["effects"]["single_year"] == (800_000_000 - 742_095_000) + (4_785_000_000 - 4_785_000)


def test_refresh_leaves_them_ungraded_with_the_reason(impossible: Path, tmp_path: Path) -> None:
    import shutil

    master = shutil.copy2(impossible, tmp_path / "master.xlsx")
    kaikaku("refresh", str(master))
    wb = load_workbook(master, data_only=True)
    ws = wb["評価結果"]
    headers = [c.value for c in ws[3]]
    rows = {
        r[0]: dict(zip(headers, r, strict=False)) for r in ws.iter_rows(min_row=4, values_only=True) if r[0]
    }
    for mid in ("2-1", "8-1", "18-1", "26-1"):
        assert rows[mid]["評価"] == "−" and rows[mid]["実績"] in (None, "", "−"), mid
        assert "入力エラー" in rows[mid]["備考"], mid
