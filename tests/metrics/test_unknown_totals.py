"""A total with no known part is −/null everywhere, never 0; a total over some known parts says how many were missing.

Real master files through the `kaikaku` command as processes: report --json, refresh (the sheets, re-opened with
openpyxl) and export (the HTML page and the open-data CSV), for an empty evaluation year, the pre-plan year 2025
and a year with one known money measure.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c
from kaikaku_xl.plan import load_plan

COUNTED = [
    m.measure_id
    for m in load_plan().measures
    if m.include_in_effect and m.effect_kind in ("歳出削減", "歳入増加")
]


def kaikaku(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_master(tmp_path_factory.mktemp("unknown"), sample=False)


def report(path: Path, year: int) -> dict:
    """report --json with the evaluation year typed on the 設定 sheet (C4 = 評価年度), on a copy."""
    copy = path.with_name(f"{path.stem}_{year}.xlsx")
    wb = load_workbook(path)
    wb["設定"]["C4"] = year
    wb.save(copy)
    result = kaikaku("report", str(copy), "--json")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def every_total(rep: dict) -> list[tuple[str, object]]:
    rows = (
        [("total", rep["total"])]
        + [(f"policy {r['policy']}", r) for r in rep["policies"]]
        + [(f"lead {r['lead']}", r) for r in rep["departments"]]
    )
    return [
        (f"{where} {key}", row[key]) for where, row in rows for key in ("effect_year", "effect_cumulative")
    ]


@pytest.mark.parametrize("year", [2025, 2026])
def test_nothing_known_is_null_in_every_total(empty: Path, year: int) -> None:
    rep = report(empty, year)
    assert all(value is None for _, value in every_total(rep)), every_total(rep)
    assert rep["effects"]["single_year"] is None and rep["effects"]["cumulative"] is None
    for e in rep["effects"]["by_year"]:
        assert e["single_year"] is None and e["cumulative"] is None and e["ledger"] is None
    if year == 2026:  # every counted measure is missing
        assert rep["total"]["effect_year_missing"] == len(COUNTED) == rep["effects"]["by_year"][0]["missing"]
    else:  # 2025 is before the plan: no plan year to miss, and no total contradicts the plan's null
        assert rep["total"]["effect_year_missing"] == 0


@pytest.fixture(scope="module")
def one_known(empty: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = shutil.copy2(empty, tmp_path_factory.mktemp("one") / "master.xlsx")
    wb = load_workbook(path)
    wb["実績"]["E17"] = 800_000_000  # 21-1 ふるさと寄附金 (歳入増加), 2026
    wb.save(path)
    return path


def test_a_total_over_some_parts_says_how_many_were_missing(one_known: Path) -> None:
    rep = report(one_known, 2026)
    assert rep["total"]["effect_year"] == 800_000_000 - 742_095_000
    assert rep["total"]["effect_year_missing"] == len(COUNTED) - 1
    lead = next(r for r in rep["departments"] if "21-1" in r["counted_measures"])
    assert lead["effect_year"] == 800_000_000 - 742_095_000
    others = [r for r in rep["policies"] if "21-1" not in r["counted_measures"]]
    assert others and all(r["effect_year"] is None for r in others)


def test_sheets_and_exports_show_no_0_for_unknown(empty: Path, tmp_path: Path) -> None:
    master = shutil.copy2(empty, tmp_path / "master.xlsx")
    assert kaikaku("refresh", str(master)).returncode in (0, 1)
    wb = load_workbook(master, data_only=True)
    for spec in (c.POLICY_SUMMARY, c.DEPARTMENT_SUMMARY):
        ws = wb[spec.sheet]
        cols = {h: i for i, h in enumerate(spec.headers)}
        body = [r for r in ws.iter_rows(min_row=spec.anchor_row + 1, values_only=True) if r[0] is not None]
        assert body
        for r in body:
            assert r[cols["単年度効果額"]] is None and r[cols["累計効果額"]] is None, r
            assert r[cols["未入力の指標数"]] is not None
    effects = [
        r for r in wb[c.EFFECTS.sheet].iter_rows(min_row=c.EFFECTS.anchor_row + 1, values_only=True) if r[0]
    ]
    single = c.EFFECTS.headers.index("単年度効果額")
    assert all(r[single] is None for r in effects)
    out = tmp_path / "out"
    assert kaikaku("export", str(master), "--out", str(out), "--now", "2026-04-01T09:00:00").returncode == 0
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    cells = re.findall(
        r'data-ref="/(?:policies/\d+|departments/\d+|total)/effect_(?:year|cumulative)">([^<]*)<', html
    )
    assert cells and all(text.strip() == "−" for text in cells), cells
