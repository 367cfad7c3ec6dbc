"""Which units a counted measure may have (issue 22): money (円, 千円, 万円, 百万円, 億円, however a clerk spells
them) converts to 円; 時間 and 枚 convert through the 参考換算 prices; any other unit (件, ㎡ …) with a 効果区分 is an
error naming the measure (TOML), the cell (plan workbook) or the master's cell, never a sum of 件 as 円."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers.plan_workbook import fill_plan, run
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.errors import PlanError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import load
from kaikaku_xl.metrics.effects import effect_amounts, unit_prices
from kaikaku_xl.plan import plan_from_dict
from kaikaku_xl.plan.money import money_unit, normal_unit, yen_factor
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.problems import ERROR
from kaikaku_xl.udfs.cells import EMPTY
from kaikaku_xl.xlsx.file_engine import FileEngine

HEAD = {
    "name": "架空町改革計画",
    "city": "架空町",
    "baseline_year": 2024,
    "start_year": 2025,
    "end_year": 2027,
}


@pytest.mark.parametrize(
    ("typed", "unit", "factor"),
    [
        ("円", "円", 1),
        ("千円", "千円", 1_000),
        ("万円", "万円", 10_000),
        ("百万円", "百万円", 1_000_000),
        ("百万 円", "百万円", 1_000_000),
        ("百万　円", "百万円", 1_000_000),  # an ideographic space
        ("（百万円）", "百万円", 1_000_000),
        ("単位：億円", "億円", 100_000_000),
        ("萬円", "万円", 10_000),
    ],
)
def test_money_units_as_typed(typed: str, unit: str, factor: int) -> None:
    assert money_unit(typed) == unit and normal_unit(typed) == unit and yen_factor(typed) == factor


@pytest.mark.parametrize("typed", ["件", "時間", "枚", "㎡", "%", "百万", ""])
def test_other_units_are_not_money(typed: str) -> None:
    assert money_unit(typed) is None and yen_factor(typed) is None
    assert normal_unit(f" {typed} ") == typed  # kept as typed (trimmed)


def test_effects_convert_exactly_and_never_count_an_unconvertible_unit() -> None:
    units = np.array(["百万円", "千円", "円", "件", "時間"], dtype=object)
    prices = unit_prices(units, Settings(hourly_cost=2380))
    kinds = np.array(["歳出削減", "歳入増加", "歳出削減", "歳出削減", "歳出削減"], dtype=object)
    out = effect_amounts(
        [2273.3, 4800.3, 900, 5, 10], [3297.1, 5000.5, 1000, 8, 12], kinds, np.array(["減少"] * 5), prices
    )
    # 3,297.1 − 2,273.3 = 1,023.8 百万円; 4,800.3 − 5,000.5 = −200.2 千円 (a 歳入増加 that fell); hours at 2,380 円
    assert out[0] == 1_023_800_000 and out[1] == -200_200 and out[2] == 100
    assert np.isnan(out[3])  # 件: no 円 (and an error where the plan is read)
    assert out[4] == 2 * 2380
    reference = effect_amounts([4800.3], [5000.5], np.array(["参考"]), np.array(["減少"]), np.array([1000.0]))
    assert reference[0] == 200_200  # a 参考 measure kept in 千円 improves by 200.2 千円, exactly


def test_a_toml_measure_with_a_count_and_a_kind_is_refused() -> None:
    measure = {"name": "削減件数", "unit": "件", "direction": "増加", "baseline": 0, "target": 10}
    raw = {
        "plan": HEAD,
        "policies": [{"no": 1, "name": "方針"}],
        "items": [{"no": 1, "policy": 1, "title": "項目", "lead": "課", "measures": [measure]}],
    }
    assert plan_from_dict(raw).measures[0].unit == "件"  # without a 効果区分: fine
    counted = {**measure, "effect_kind": "歳出削減"}
    with pytest.raises(PlanError, match=r"No\.1 の指標「削減件数」.*単位「件」は金額（円）に換算できません"):
        plan_from_dict({**raw, "items": [{**raw["items"][0], "measures": [counted]}]})
    money = {**counted, "unit": "百万 円"}
    plan = plan_from_dict({**raw, "items": [{**raw["items"][0], "measures": [money]}]})
    assert plan.measures[0].unit == "百万円"


def test_a_plan_workbook_measure_with_a_count_and_a_kind_names_its_cell(tmp_path: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    assert run("plan", "template", str(plan)).returncode == 0
    measures = [
        {"item": 1, "name": "削減面積", "unit": "㎡", "direction": "増加", "baseline": 0, "target": 10}
        | {"effect_kind": "歳出削減"},
        {"item": 1, "name": "削減額", "unit": "千円", "direction": "減少", "baseline": 900, "target": 800}
        | {"effect_kind": "歳出削減"},
    ]
    fill_plan(
        plan,
        HEAD,
        {
            "PlanPolicies": [{"no": 1, "name": "方針"}],
            "PlanItems": [{"no": 1, "policy": 1, "title": "項目", "lead": "課"}],
            "PlanMeasures": measures,
        },
    )
    result = run("plan", "--plan", str(plan), "--json")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    text = result.stdout + result.stderr
    assert "指標!C5" in text and "単位「㎡」は金額（円）に換算できません" in text  # the 千円 row is fine
    assert "千円」は" not in text


def test_a_master_unit_changed_to_a_count_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    master = make_master(tmp_path, sample=False)
    wb = load_workbook(master)
    ws = wb[c.MEASURES.sheet]
    header = [cell.value for cell in ws[c.MEASURES.anchor_row]]
    row = next(r for r in ws.iter_rows(min_row=c.MEASURES.anchor_row + 1) if r[7].value == "歳出削減")
    row[header.index("単位")].value = "件"
    wb.save(master)
    loaded = load(FileEngine(master))
    errors = [p for p in loaded.problems if p.severity == ERROR and p.sheet == c.MEASURES.sheet]
    assert [p.cell for p in errors] == [row[header.index("単位")].coordinate]
    assert "金額（円）に換算できません" in errors[0].message


def test_the_ledger_says_its_unit_and_an_old_master_headed_kingaku_still_reads(tmp_path: Path) -> None:
    from kaikaku_xl.master.locate import positions

    master = make_master(tmp_path, sample=False)
    wb = load_workbook(master)
    ws = wb[c.LEDGER.sheet]
    header = [cell.value for cell in ws[c.LEDGER.anchor_row]]
    assert header[3] == "金額（円）"  # a new master's ledger says its unit
    ws.cell(row=c.LEDGER.anchor_row, column=4).value = "金額"  # as masters of earlier releases head it
    for col, value in enumerate((2, 2026, "歳出削減", "1,200,000円", "委託の見直し", "契約額の差"), start=1):
        ws.cell(row=c.LEDGER.anchor_row + 1, column=col, value=value)
    wb.save(master)
    engine = FileEngine(master)
    loaded = load(engine)
    assert loaded.ledger["amount"].tolist() == [1_200_000]
    assert not [p for p in loaded.problems if p.sheet == c.LEDGER.sheet]
    assert (
        positions(engine.read_table(c.LEDGER), c.LEDGER)["amount"] == 3
    )  # distribute and collect find it too


def test_kk_effect_converts_the_unit_and_reads_no_unit_as_yen() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "udfs"))
    import kaikaku_udfs as udf  # plain Python functions: Excel itself cannot run here

    assert udf.kk_effect(90, 100, "歳出削減") == 10  # the unit is optional for money: 円
    assert udf.kk_effect(90, 100, "歳出削減", "百万円") == 10_000_000
    assert udf.kk_effect(4800.3, 5000.5, "歳入増加", "千円") == -200_200
    assert udf.kk_effect(90, 100, "歳出削減", "件") == EMPTY  # not money: no amount


def test_a_value_typed_with_its_own_money_unit_is_read() -> None:
    from kaikaku_xl.xlsx.typed import NotANumber, parse_number

    assert parse_number("1,092百万円", "百万円") == 1092
    assert parse_number("388,500千円", "千円") == 388_500
    assert parse_number("388,500千円", "円") == 388_500_000  # in a 円 cell, 千 multiplies
    with pytest.raises(NotANumber):
        parse_number("12時間", "百万円")
