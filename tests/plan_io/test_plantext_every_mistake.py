"""Every plan mistake at once (issue 22): a row of the plan workbook with two or three mistakes reports all of them
in one `init --plan` (the process, as a clerk runs it), each naming its sheet and cell; nothing is created."""

from __future__ import annotations

from pathlib import Path

from helpers.plan_workbook import fill_plan, run
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.plan_io.contract import PLAN_ITEMS, PLAN_MEASURES

HEAD = {
    "name": "架空市改革プラン",
    "city": "架空市",
    "baseline_year": 2023,
    "start_year": 2024,
    "end_year": 2027,
}
POLICIES = [{"no": 1, "name": "行政の効率化"}, {"no": 2, "name": "財政の健全化"}]
GOOD_ITEMS = [
    {"no": 1, "policy": 1, "title": "窓口の見直し", "lead": "市民課"},
    {"no": 2, "policy": 2, "title": "歳入の確保", "lead": "財政課"},
]
GOOD_MEASURE = {
    "item": 1,
    "name": "待ち時間",
    "unit": "時間",
    "direction": "減少",
    "baseline": 100,
    "target": 80,
}
MEASURES = [
    GOOD_MEASURE,
    # two mistakes: a 累計 row with a 基準値 and a 方向 (the case of the issue)
    {
        "item": 2,
        "name": "電子申請の件数",
        "unit": "件",
        "direction": "減少",
        "baseline": 120,
        "target": 900,
        "aggregation": "累計",
    },
    # three: 累計 with a 基準値, 方向 維持 (not 増加) and a 目標値 that is not the 基準値 (維持)
    {
        "item": 2,
        "name": "ふるさと納税額",
        "unit": "円",
        "direction": "維持",
        "baseline": 5000,
        "target": 8000,
        "aggregation": "累計",
    },
    # two: an item not on the 取組項目 sheet and a 累計 基準値; its twin below: that item again and its name again
    {
        "item": 9,
        "name": "委託件数",
        "unit": "件",
        "direction": "増加",
        "baseline": 3,
        "target": 10,
        "aggregation": "累計",
    },
    {"item": 9, "name": "委託件数", "unit": "件", "direction": "増加", "baseline": 0, "target": 10},
]
# three mistakes in one 取組項目 row: 終了年度 before 開始年度, 開始年度 outside the period, an unknown 基本方針
BAD_ITEM = {
    "no": 3,
    "policy": 7,
    "title": "施設の統合",
    "lead": "管財課",
    "start_year": 2029,
    "end_year": 2025,
}


def _cells(path: Path, sheet: str, headers: list[str]) -> list[dict[str, str]]:
    """The cell of each header on each data row below the template's example (as the clerk's rows were typed)."""
    ws = load_workbook(path)[sheet]
    at = {cell.value.rstrip("*"): cell.column_letter for cell in ws[3] if isinstance(cell.value, str)}
    rows = [r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=1).value not in (None, "")]
    rows = [r for r in rows if not str(ws.cell(row=r, column=1).value).startswith("例")]
    return [{h: f"{at[h]}{r}" for h in headers} for r in rows]


def test_every_mistake_of_a_row_in_one_pass(tmp_path: Path) -> None:
    plan = tmp_path / "計画.xlsx"
    assert main(["plan", "template", str(plan)]) == 0
    fill_plan(
        plan,
        HEAD,
        {
            "PlanPolicies": POLICIES,
            "PlanItems": [*GOOD_ITEMS, BAD_ITEM],
            "PlanMeasures": MEASURES,
        },
    )
    master = tmp_path / "マスター.xlsx"
    done = run("init", str(master), "--plan", str(plan))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    said = done.stderr + done.stdout
    m = PLAN_MEASURES.sheet
    rows = _cells(plan, m, ["No", "指標名", "方向", "基準値", "目標値"])
    two, three, orphan, twin = rows[1], rows[2], rows[3], rows[4]
    expected = [
        f"{m}!{two['基準値']}: 累計の指標の基準値は 0",
        f"{m}!{two['方向']}: 累計の指標の方向は「増加」",
        f"{m}!{three['基準値']}: 累計の指標の基準値は 0",
        f"{m}!{three['方向']}: 累計の指標の方向は「増加」",
        f"{m}!{three['目標値']}: 方向が維持なのに基準値と目標値が異なります",
        f"{m}!{orphan['No']}: 取組項目 No.9 は取組項目シートにありません",
        f"{m}!{orphan['基準値']}: 累計の指標の基準値は 0",
        f"{m}!{twin['No']}: 取組項目 No.9 は取組項目シートにありません",
        f"{m}!{twin['指標名']}: No.9 の指標「委託件数」が重複しています",
    ]
    i = PLAN_ITEMS.sheet
    bad_item = _cells(plan, i, ["No", "基本方針", "開始年度", "終了年度"])[2]
    expected += [
        f"{i}!{bad_item['終了年度']}: 終了年度が開始年度より前です",
        f"{i}!{bad_item['開始年度']}: 2029年度は推進期間（2024〜2027年度）の外です",
        f"{i}!{bad_item['基本方針']}: 基本方針「7」は基本方針シートにありません",
    ]
    missing = [e for e in expected if e not in said]
    assert not missing, said
    assert f"{len(expected)} 件の問題" in said  # nothing else, and each once
    assert not master.exists()


def test_a_row_fixed_of_its_mistakes_is_read(tmp_path: Path) -> None:
    """The same rows corrected read cleanly: the checks that now all run find nothing where nothing is wrong."""
    plan = tmp_path / "計画.xlsx"
    assert main(["plan", "template", str(plan)]) == 0
    fixed = [
        GOOD_MEASURE,
        {**MEASURES[1], "direction": "増加", "baseline": 0},
        {**MEASURES[2], "direction": "増加", "baseline": None},
    ]
    fill_plan(
        plan,
        HEAD,
        {
            "PlanPolicies": POLICIES,
            "PlanItems": [*GOOD_ITEMS, {**BAD_ITEM, "policy": 1, "start_year": 2025, "end_year": 2026}],
            "PlanMeasures": fixed,
        },
    )
    done = run("plan", "--plan", str(plan), "--json")
    assert done.returncode == 0, done.stderr
