"""A grade scale Excel cannot show or the program cannot compare is refused naming the cell (issue 21, Low):
labels with "," or '"' or a list over 255 characters broke the 評価 dropdown (Excel's literal list), and しきい値
inf / 1e400 / NaN gave exit 3. The plan workbook, the TOML and the master's 評価区分 table read the scale alike."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from helpers.plan_workbook import write_scale

from kaikaku_xl.errors import PlanError, PlanWorkbookError, WorkbookError
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.readers.grade_scale import read_scale
from kaikaku_xl.plan import load_plan, plan_from_dict
from kaikaku_xl.plan_io import read_plan_workbook, write_plan_workbook
from kaikaku_xl.plan_io.contract import PLAN_GRADES
from kaikaku_xl.text import CHOICE_LIST_MAX
from kaikaku_xl.xlsx.engine import RawTable


def _rows(first: Any = "良", threshold: Any = 0.5, last: Any = "不可") -> list[list[Any]]:
    return [[first, None, None, "進捗率", threshold, None], [last, None, None, "それ以外", None, None]]


BUNDLED = Path(__file__).resolve().parents[2] / "src" / "kaikaku_xl" / "data" / "omitama_2026.toml"
LONG = "長" * (CHOICE_LIST_MAX // 2)
CASES = [
    (_rows(first="A,B"), "A4", "「,」や"),
    (_rows(first='優"'), "A4", "「,」や"),
    (_rows(first="Ａ，Ｂ"), "A4", "「,」や"),  # 全角 comma: NFKC reads it as ","
    (_rows(first=LONG, last=LONG + "x"), "A5", f"{CHOICE_LIST_MAX} 文字まで"),
    (_rows(threshold="inf"), "E4", "しきい値が「inf」"),
    (_rows(threshold="1e400"), "E4", "しきい値が「1e400」"),
    (_rows(threshold="NaN"), "E4", "しきい値が「NaN」"),
    (_rows(threshold="-inf"), "E4", "しきい値が「-inf」"),
]


@pytest.mark.parametrize(("rows", "cell", "says"), CASES)
def test_the_plan_workbook_names_the_cell(
    tmp_path: Path, rows: list[list[Any]], cell: str, says: str
) -> None:
    path = write_plan_workbook(tmp_path / "plan.xlsx", load_plan())
    write_scale(path, rows)
    with pytest.raises(PlanWorkbookError) as refused:
        read_plan_workbook(path)
    assert [(s, at) for s, at, message in refused.value.problems if says in message] == [
        (PLAN_GRADES.sheet, cell)
    ]


@pytest.mark.parametrize(("rows", "cell", "says"), CASES)
def test_the_toml_names_the_row(rows: list[list[Any]], cell: str, says: str) -> None:
    raw = tomllib.loads(BUNDLED.read_text(encoding="utf-8"))
    keys = [col.key for col in PLAN_GRADES.columns]
    raw["grades"] = [
        {k: v for k, v in zip(keys[: len(row)], row, strict=True) if v is not None} for row in rows
    ]  # rows without the optional 点数
    with pytest.raises(PlanError) as refused:
        plan_from_dict(raw)
    assert says in str(refused.value)


@pytest.mark.parametrize(("rows", "cell", "says"), CASES)
def test_the_masters_scale_names_the_cell(rows: list[list[Any]], cell: str, says: str) -> None:
    headers = [col.header for col in c.GRADE_SCALE.columns][: len(rows[0])]  # a master before 点数
    table = RawTable(c.GRADE_SCALE.sheet, headers, rows, c.GRADE_SCALE.anchor_row, c.GRADE_SCALE.anchor_col)
    with pytest.raises(WorkbookError) as refused:
        read_scale(table)
    assert f"{c.GRADE_SCALE.sheet}!{cell}: " in str(refused.value) and says in str(refused.value)
