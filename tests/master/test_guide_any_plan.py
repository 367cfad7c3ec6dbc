"""The 使い方 sheet and the table notes speak of the plan in the workbook, not of Omitama's (issue 9, any city's
plan): its baseline year and span, its measures left out of the totals, and no S〜D where the plan has its own."""

from __future__ import annotations

from pathlib import Path

from helpers import item, measure, plan_dict
from openpyxl import load_workbook

from kaikaku_xl.app.init import create_master
from kaikaku_xl.master import contract as c
from kaikaku_xl.plan import load_plan, plan_from_dict


def _texts(path: Path) -> dict[str, str]:
    """Every text of every sheet, one string per sheet (as staff read them)."""
    wb = load_workbook(path)
    return {
        ws.title: "\n".join(
            str(v) for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)
        )
        for ws in wb.worksheets
    }


def test_another_citys_plan_gets_its_own_years_and_measures(tmp_path: Path) -> None:
    raw = plan_dict(
        [
            item(
                1,
                measure("委託料", "円", "減少", 1_000_000, 600_000, "歳出削減"),
                measure("重複する手当", "円", "減少", 500_000, 300_000, "歳出削減", include_in_effect=False),
            ),
            item(2, measure("電子申請件数", "件", "増加", 100, 400)),
        ]
    )
    raw["plan"].update(baseline_year=2021, start_year=2022, end_year=2029)
    master = tmp_path / "master.xlsx"
    create_master(plan_from_dict(raw), master, now=None)
    texts = _texts(master)
    guide = texts[c.SHEET_GUIDE]
    assert "(評価年度 − 2021) ÷ 8" in guide and "（2021年度比）" in guide
    assert "項目1の重複する手当は表示のみで、財政効果額の合計には算入しません" in guide
    assert "委託料は表示のみ" not in guide  # counted measures are not listed
    assert "2024" not in guide and "2030" not in guide
    everything = "\n".join(
        texts.values()
    )  # the year columns may say 2024年度 (a year of this plan), nothing else
    for omitama in (
        "基準年度（2024）",
        "（2024年度）",
        "（2030年度）",
        "時間外勤務手当",
        "行革・DX推進計画",
        "S〜D",
    ):
        assert omitama not in everything, omitama


def test_the_bundled_plan_keeps_its_explanations(tmp_path: Path) -> None:
    master = tmp_path / "master.xlsx"
    create_master(load_plan(), master, now=None)
    guide = _texts(master)[c.SHEET_GUIDE]
    assert "(評価年度 − 2024) ÷ 6" in guide and "（2024年度比）" in guide
    assert "項目5の時間外勤務手当：項目2の人件費と重複するため財政効果額には算入しない（表示のみ）。" in guide
