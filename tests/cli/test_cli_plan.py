"""The plan through the command line, and a master for another city's plan (the plan is data, not code)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kaikaku_xl.cli.program import main

OTHER_CITY = """
schema_version = 1
[plan]
name = "架空町行財政改革プラン"
city = "架空町"
city_code = "999999"
start_year = 2025
end_year = 2027
baseline_year = 2023

[[policies]]
no = 1
name = "効率的な行政"

[[items]]
no = 1
policy = 1
title = "窓口のデジタル化"
lead = "総務課"
departments = ["総務課"]
[[items.measures]]
name = "電子申請件数"
unit = "件"
direction = "増加"
baseline = 100
target = 400
[[items.measures]]
name = "窓口経費"
unit = "円"
direction = "減少"
baseline = 1000000
target = 700000
effect_kind = "歳出削減"

[[items]]
no = 2
policy = 1
title = "職員研修"
lead = "人事課"
"""


def test_plan_json_lists_the_27_items_with_the_seed_numbers() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", "plan", "--json"], capture_output=True, text=True, check=True
    ).stdout
    plan = json.loads(out)
    assert [i["no"] for i in plan["items"]] == list(range(1, 28))
    item5 = plan["items"][4]
    assert item5["lead"] == "人事課" and "行革デジタル推進課" in item5["departments"]
    assert [
        (m["name"], m["unit"], m["direction"], m["baseline"], m["target"], m["effect_kind"])
        for m in item5["measures"]
    ] == [
        ("時間外勤務総時間", "時間", "減少", 39757, 32000, "参考"),
        ("時間外勤務手当", "円", "減少", 94603965, 76160000, "歳出削減"),
    ]
    assert plan["city_code"] == "082368" and plan["period"] == [2026, 2030]


def test_a_broken_plan_file_is_refused_with_the_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(OTHER_CITY.replace('direction = "減少"', 'direction = "下がる"'), encoding="utf-8")
    assert main(["plan", "--plan", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "No.1" in err and "下がる" in err


def test_another_citys_master_from_its_own_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "other.toml"
    plan.write_text(OTHER_CITY, encoding="utf-8")
    master = tmp_path / "other.xlsx"
    assert main(["init", str(master), "--plan", str(plan)]) == 0
    from openpyxl import load_workbook

    wb = load_workbook(master)
    ws = wb["実績"]
    assert [c.value for c in ws[3]] == [
        "No",
        "指標名",
        "単位",
        "2024年度",
        "2025年度",
        "2026年度",
        "2027年度",
    ]
    ws["E5"] = 850000  # 窓口経費 2025: progress 150,000 / 300,000 = 0.5, p = 2/4 -> A; effect 150,000
    wb.save(master)
    assert main(["refresh", str(master)]) == 0
    capsys.readouterr()
    assert main(["report", str(master), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["plan"]["name"] == "架空町行財政改革プラン" and report["plan"]["evaluation_year"] == 2025
    cost = next(m for m in report["measures"] if m["name"] == "窓口経費")
    assert cost["progress"] == 0.5 and cost["grade"] == "A" and cost["effect"] == 150000
    assert report["effects"]["cumulative"] == 150000
    assert [i["grade"] for i in report["items"]] == ["−", "−"]  # item 1 by its primary measure (no actual)
