"""Signs in the 効果額台帳 and what a 効果額計画 counts (issue 22), in plans shaped here like 相馬's (reductions printed as
negative numbers) and いわき's (a plan of each year's new improvements), typed as a clerk would.

Plan: baseline 2024, plan 2025–2027; items 1 and 2, no measures (their 財政効果額 is the ledger's).
- Ledger typed (2025): No.1 歳出削減 「△1,500,000」 (相馬's print), No.2 歳入増加 -300,000, No.2 歳出削減 100,000.
  削減額の符号 正 (default): the two negatives are warnings naming their cells and read as typed:
  単年度効果額 −1,500,000 − 300,000 + 100,000 = −1,700,000.
  削減額の符号 負: the negatives are effects (1,500,000 + 300,000) and the positive one is the warning, read as
  −100,000: 単年度効果額 1,700,000.
- 効果額計画 typed in 百万円 (the header says 計画効果額（百万円）): No.1 2025 950, 2026 1,030 (いわき's 単年度 column).
  新規分: 2026's plan in force is 950 + 1,030 = 1,980, 計画累計 950 + 1,980 = 2,930 百万円.
  各年度の効果額: 計画累計 950 + 1,030 = 1,980 百万円.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.plan_workbook import fill_plan, run
from openpyxl import load_workbook

from kaikaku_xl.cycle.merge import returned_problems
from kaikaku_xl.errors import PlanError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import load
from kaikaku_xl.metrics.effect_plan import comparable_plan
from kaikaku_xl.plan import plan_from_dict
from kaikaku_xl.plan_io.contract import PLAN_EFFECTS, PLAN_SHEET
from kaikaku_xl.plan_io.reader import read_plan_workbook
from kaikaku_xl.plan_io.template import write_plan_workbook
from kaikaku_xl.problems import WARNING
from kaikaku_xl.xlsx.file_engine import FileEngine

HEAD = {
    "name": "架空市行財政改革大綱",
    "city": "架空市",
    "baseline_year": 2024,
    "start_year": 2025,
    "end_year": 2027,
}
ITEMS = [
    {"no": 1, "policy": 1, "title": "事務事業の見直し", "lead": "財政課"},
    {"no": 2, "policy": 1, "title": "使用料の見直し", "lead": "税務課"},
]
LEDGER = [
    (1, 2025, "歳出削減", "△1,500,000", "補助金の見直し", "交付要綱の改正"),
    (2, 2025, "歳入増加", -300_000, "使用料の改定", "条例改正"),
    (2, 2025, "歳出削減", 100_000, "委託の見直し", "契約額の比較"),
]


def _master(tmp_path: Path, head: dict, plans: list[dict] | None = None, unit: str = "百万円") -> Path:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    fill_plan(
        plan,
        head,
        {
            "PlanPolicies": [{"no": 1, "name": "行財政運営"}],
            "PlanItems": ITEMS,
            "PlanEffects": plans or [],
        },
    )
    wb = load_workbook(plan)  # the clerk states the plan's unit in the amount column's header
    ws = wb[PLAN_EFFECTS.sheet]
    cell = next(x for x in ws[PLAN_EFFECTS.anchor_row] if str(x.value).startswith("計画効果額"))
    assert cell.value == "計画効果額（円）"
    cell.value = f"計画効果額（{unit}）"
    wb.save(plan)
    master = tmp_path / "master.xlsx"
    result = run("init", str(master), "--plan", str(plan))
    assert result.returncode == 0, result.stdout + result.stderr
    return master


def _type_ledger(master: Path) -> None:
    wb = load_workbook(master)
    ledger = wb[c.LEDGER.sheet]
    for i, values in enumerate(LEDGER):
        for col, value in enumerate(values, start=1):
            ledger.cell(row=c.LEDGER.anchor_row + 1 + i, column=col, value=value)
    row = next(r for r in wb[c.SETTINGS.sheet].iter_rows(min_row=4) if r[0].value == "evaluation_year")
    row[2].value = 2025
    wb.save(master)


def _setting(master: Path, key: str) -> str:
    wb = load_workbook(master)
    return next(r for r in wb[c.SETTINGS.sheet].iter_rows(min_row=4) if r[0].value == key)[2].value


def _single_year(master: Path) -> float:
    result = run("report", str(master), "--json")
    assert result.returncode == 0, result.stderr
    return {y["year"]: y for y in json.loads(result.stdout)["effects"]["by_year"]}[2025]["single_year"]


def test_negative_ledger_amounts_are_warned_and_read_as_typed(tmp_path: Path) -> None:
    master = _master(tmp_path, HEAD)
    assert _setting(master, "reduction_sign") == "正"
    _type_ledger(master)
    loaded = load(FileEngine(master))
    assert loaded.ledger["amount"].tolist() == [-1_500_000, -300_000, 100_000]
    warned = {p.cell: p for p in loaded.problems if p.sheet == c.LEDGER.sheet and p.severity == WARNING}
    assert set(warned) == {"D4", "D5"}  # the two negative amounts, by cell
    assert "△1,500,000円 が負の数" in warned["D4"].message
    assert "入力のとおり 効果額 △1,500,000円（マイナスの効果）として集計" in warned["D4"].action
    assert "削減額の符号" in warned["D4"].action  # and how to declare the other convention
    assert _single_year(master) == -1_700_000


def test_a_plan_printing_reductions_negative_declares_it_once(tmp_path: Path) -> None:
    master = _master(tmp_path, {**HEAD, "reduction_sign": "負"})  # the 計画 sheet's 「削減額の符号」 row
    assert _setting(master, "reduction_sign") == "負"  # copied to the master's 設定 at init
    _type_ledger(master)
    loaded = load(FileEngine(master))
    assert loaded.ledger["amount"].tolist() == [1_500_000, 300_000, -100_000]
    warned = [p for p in loaded.problems if p.sheet == c.LEDGER.sheet and p.severity == WARNING]
    assert [p.cell for p in warned] == ["D6"]  # only the positive one, against the declared convention
    assert "正の数" in warned[0].message and "△100,000円" in warned[0].action
    engine = FileEngine(master)  # a department file's ledger is checked by the same convention when collected
    returned = returned_problems(load(engine), {c.LEDGER.name: engine.read_table(c.LEDGER)})
    assert [p.cell for p in returned if p.severity == WARNING] == ["D6"]
    assert _single_year(master) == 1_700_000


@pytest.mark.parametrize(
    ("counting", "cumulative"),
    [("新規分", 2_930_000_000), ("各年度の効果額", 1_980_000_000), (None, 1_980_000_000)],
)
def test_an_effect_plan_of_new_effects_counts_those_continuing(
    tmp_path: Path, counting: str | None, cumulative: int
) -> None:
    head = {**HEAD, **({"effect_plan_counting": counting} if counting else {})}
    plans = [{"item": 1, "year": 2025, "amount": 950}, {"item": 1, "year": 2026, "amount": 1030}]
    master = _master(tmp_path, head, plans)
    assert _setting(master, "effect_plan_counting") == (counting or "各年度の効果額")
    wb = load_workbook(master)  # the master keeps the plan as typed, in 円
    rows = [[cell.value for cell in r[2:4]] for r in wb["効果額計画"].iter_rows(min_row=4) if r[0].value == 1]
    assert rows == [[950_000_000, 1_030_000_000]]
    result = run("report", str(master), "--json")
    assert result.returncode == 0, result.stderr
    years = {y["year"]: y for y in json.loads(result.stdout)["effects"]["by_year"]}
    assert years[2026]["effect_plan_cumulative"] == cumulative
    in_force = 1_980_000_000 if counting == "新規分" else 1_030_000_000
    assert years[2026]["effect_plan"] == in_force


def test_comparable_plan_follows_the_effect_mode() -> None:
    import pandas as pd

    typed = pd.DataFrame({"item": [1, 1, 2], "year": [2025, 2026, 2026], "planned": [950.0, 1030.0, 5.0]})
    same = comparable_plan(typed, "各年度の効果額", "継続")
    assert same["planned"].tolist() == [950, 1030, 5]
    assert comparable_plan(typed, "新規分", "継続")["planned"].tolist() == [950, 1980, 5]
    assert comparable_plan(typed, "新規分", "初年度のみ")["planned"].tolist() == [950, 1030, 5]
    assert comparable_plan(typed, "各年度の効果額", "初年度のみ")["planned"].tolist() == [950, 80, 5]


def test_toml_plan_declares_the_same_settings_and_unit(tmp_path: Path) -> None:
    raw = {
        "plan": {
            **HEAD,
            "reduction_sign": "負",
            "effect_plan_counting": "新規分",
            "effect_plan_unit": "百万 円",
        },
        "policies": [{"no": 1, "name": "行財政運営"}],
        "items": [{**ITEMS[0], "effect_plan": {"2025": 950, "2026": 1030.5}}],
    }
    plan = plan_from_dict(raw)
    assert plan.settings == {"reduction_sign": "負", "effect_plan_counting": "新規分"}
    assert plan.items[0].effect_plan == ((2025, 950_000_000), (2026, 1_030_500_000))  # exactly, in 円
    book = write_plan_workbook(tmp_path / "round.xlsx", plan)  # the plan workbook holds the same declarations
    again = read_plan_workbook(book)
    assert again.settings == plan.settings and again.items[0].effect_plan == plan.items[0].effect_plan
    with pytest.raises(PlanError, match="削減額の符号"):
        plan_from_dict({**raw, "plan": {**raw["plan"], "reduction_sign": "マイナス"}})
    with pytest.raises(PlanError, match="effect_plan_unit"):
        plan_from_dict({**raw, "plan": {**raw["plan"], "effect_plan_unit": "件"}})


def test_plan_sheet_offers_the_settings(tmp_path: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    ws = load_workbook(plan)[PLAN_SHEET.sheet]
    labels = [r[0].value for r in ws.iter_rows(min_row=PLAN_SHEET.anchor_row + 1)]
    assert "削減額の符号" in labels and "効果額計画の数え方" in labels


def test_a_plan_sheet_setting_not_one_of_its_choices_names_its_cell(tmp_path: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    fill_plan(
        plan,
        {**HEAD, "reduction_sign": "マイナス"},
        {"PlanPolicies": [{"no": 1, "name": "行財政運営"}], "PlanItems": ITEMS},
    )
    ws = load_workbook(plan)[PLAN_SHEET.sheet]
    cell = next(r[1] for r in ws.iter_rows(min_row=PLAN_SHEET.anchor_row + 1) if r[0].value == "削減額の符号")
    result = run("plan", "--plan", str(plan), "--json")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"計画!{cell.coordinate}" in result.stdout + result.stderr
    assert "削減額の符号「マイナス」は使えません" in result.stdout + result.stderr
