"""The UDFs (udfs/kaikaku_udfs) give the numbers of `kaikaku report --json` for the same workbook.

The workbook is a real master with sample inputs, edited the way staff type (text, an Excel error, an empty cell,
"1.2万"), refreshed and reported by the `kaikaku` command in a subprocess. The UDFs get the table columns as Excel
hands them over: openpyxl's values stand for what the cells hold; classic Excel (COM) sends every number as a
float and, with err_to_str, an error cell as its text ("#N/A"). Excel itself is not available here; in this plain
process xlwings' decorators are no-ops, so the functions are called directly (the decorated ones are tested
through xlwings Server in tests/excel/xlwings_book).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers.workbook import edit_cells, make_master
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c
from kaikaku_xl.metrics.rollups import WHOLE_PLAN
from kaikaku_xl.udfs.cells import EMPTY, ERROR_PREFIX

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "udfs"))  # before `pip install -e .` picks up udfs/ (see the report)
import kaikaku_udfs as udf  # noqa: E402

YEAR = 2026


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


def table(path: Path, name: str) -> dict[str, list[Any]]:
    """A table's columns as Excel passes them to a UDF (one list per column, header -> values)."""
    wb = load_workbook(path, data_only=True)
    for ws in wb.worksheets:
        if name in ws.tables:
            rows = [[cell.value for cell in row] for row in ws[ws.tables[name].ref]]
            return {h: [r[j] for r in rows[1:]] for j, h in enumerate(rows[0])}
    raise KeyError(name)


def col(values: list[Any]) -> list[list[Any]]:
    """A column as a 2-D range (what ndim=2 gives the UDF)."""
    return [[v] for v in values]


def flat(result: Any) -> list[Any]:
    return [row[0] for row in result]


def as_com(values: list[Any]) -> list[Any]:
    """Classic Excel: every number is a double."""
    return [float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in values]


def expected(values: list[Any]) -> list[Any]:
    return [EMPTY if v is None else v for v in values]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = make_master(tmp_path_factory.mktemp("udf"))
    actuals = table(path, "Actuals")
    year_col = chr(ord("A") + list(actuals).index(f"{YEAR}年度"))
    first = c.actuals_spec([YEAR]).anchor_row + 1
    edit_cells(
        path,
        {
            "実績": {
                f"{year_col}{first}": "未定",
                f"{year_col}{first + 1}": "#N/A",
                f"{year_col}{first + 2}": None,
                f"{year_col}{first + 3}": "1.2万",
            }
        },
    )
    run_cli("refresh", str(path), "--now", "2026-04-01T09:00:00")
    report = json.loads(run_cli("report", str(path), "--json").stdout)
    measures, actuals = table(path, c.MEASURES.name), table(path, "Actuals")
    assert [(m, n) for m, n in zip(measures["No"], measures["指標名"], strict=True)] == [
        (m, n) for m, n in zip(actuals["No"], actuals["指標名"], strict=True)
    ]
    return {
        "path": path,
        "report": report,
        "measures": measures,
        "actual": actuals[f"{YEAR}年度"],
        "settings": table(path, c.SETTINGS.name),
        "items": table(path, c.ITEM_RESULTS.name),
    }


def report_column(book: dict[str, Any], key: str) -> list[Any]:
    return expected([m[key] for m in book["report"]["measures"]])


def settings_range(book: dict[str, Any]) -> list[list[Any]]:
    s = book["settings"]
    return [list(row) for row in zip(*(s[h] for h in c.SETTINGS.headers), strict=True)]


def test_edits_reach_the_report(book: dict[str, Any]) -> None:
    """The typed text, the error and the empty cell are 評価対象外 in the report; 1.2万 is 12,000."""
    grades = report_column(book, "grade")
    assert grades[:3] == [EMPTY, EMPTY, EMPTY]
    assert book["report"]["measures"][3]["actual"] == 12000


@pytest.mark.parametrize("door", ["file", "com"])
def test_progress_attainment_planned_equal_the_report(book: dict[str, Any], door: str) -> None:
    convert = as_com if door == "com" else list
    m = book["measures"]
    actual, baseline, target = (col(convert(v)) for v in (book["actual"], m["基準値"], m["目標値"]))
    assert flat(udf.kk_progress(actual, baseline, target)) == report_column(book, "progress")
    assert flat(udf.kk_attainment(actual, target, col(m["方向"]))) == report_column(book, "attainment")
    assert flat(udf.kk_planned(baseline, target, YEAR)) == report_column(book, "planned")
    assert flat(udf.kk_planned(baseline, target, f"{YEAR}年度", 2024, 2030)) == report_column(book, "planned")


@pytest.mark.parametrize("door", ["file", "com"])
def test_grade_and_effect_equal_the_report(book: dict[str, Any], door: str) -> None:
    convert = as_com if door == "com" else list
    m = book["measures"]
    args = [col(convert(v)) for v in (book["actual"], m["基準値"], m["目標値"])]
    grades = udf.kk_grade(
        *args, col(m["方向"]), float(YEAR) if door == "com" else YEAR, settings=settings_range(book)
    )
    assert flat(grades) == report_column(book, "grade")
    effects = udf.kk_effect(
        args[0], args[1], col(m["効果区分"]), col(m["単位"]), col(m["方向"]), settings_range(book)
    )
    assert flat(effects) == report_column(book, "effect")
    assert any(isinstance(v, float) for v in flat(effects))  # the comparison is not all "−"


def rollup_rows(frame: Any) -> dict[Any, list[Any]]:
    return {row[0]: list(row[1:]) for row in frame.itertuples(index=False)}


def report_rows(groups: list[dict[str, Any]], key: str) -> dict[Any, list[Any]]:
    out = {}
    for g in groups:
        out[g[key]] = [
            g["items"],
            g["graded"],
            *g["counts"].values(),
            *g["shares"].values(),
            g["mean_progress"],
            g["effect_year"],
        ]
    return {k: expected(v) for k, v in out.items()}


@pytest.mark.parametrize(
    ("column", "key", "part"), [("基本方針", "policy", "policies"), ("主要担当課", "lead", "departments")]
)
def test_rollup_spills_the_reports_rollup(book: dict[str, Any], column: str, key: str, part: str) -> None:
    items, m = book["items"], book["measures"]
    progress = udf.kk_progress(col(book["actual"]), col(m["基準値"]), col(m["目標値"]))
    frame = udf.kk_rollup(
        col(items[column]),
        col(items["評価"]),
        col(items["単年度効果額"]),
        col(items["No"]),
        col(m["No"]),
        progress,
    )
    assert list(frame.columns[:4]) == ["区分", "項目数", "評価対象", "S"]
    rows = rollup_rows(frame)
    report = book["report"]
    want = report_rows(report[part], key)
    want[WHOLE_PLAN] = report_rows([{**report["total"], key: WHOLE_PLAN}], key)[WHOLE_PLAN]
    assert rows == want


def test_not_computable_is_a_dash_never_zero() -> None:
    cells = [[None], [""], ["未定"], ["#N/A"], ["#DIV/0!"], [True], [150]]
    assert flat(udf.kk_progress(cells, 100, 200)) == [EMPTY] * 6 + [0.5]
    assert udf.kk_progress(150, 100, 100) == EMPTY  # target = baseline: 進捗率 undefined
    assert udf.kk_attainment(0, 100, "減少") == EMPTY  # division by zero
    assert udf.kk_attainment(90, 100, "上昇") == EMPTY  # not a direction
    assert udf.kk_grade(None, 100, 200, "増加", YEAR) == EMPTY
    assert udf.kk_effect(90, 100, "") == EMPTY


def test_single_cells_rows_and_columns_keep_their_shape() -> None:
    assert udf.kk_progress(150, 100, 200) == 0.5
    assert udf.kk_progress([[150, 200]], 100, 200) == [[0.5, 1.0]]
    assert udf.kk_progress([[150], [200]], [[100], [100]], 200) == [[0.5], [1.0]]
    assert udf.kk_grade([[300], [101]], 100, 200, "増加", [[YEAR], [f"{YEAR}年度"]]) == [["S"], ["C"]]


def test_formula_mistakes_give_one_clear_message() -> None:
    mismatch = udf.kk_progress([[1], [2], [3]], [[1], [2]], 5)
    assert isinstance(mismatch, str) and mismatch.startswith(ERROR_PREFIX) and "行" in mismatch
    bad_settings = udf.kk_grade(150, 100, 200, "増加", YEAR, settings=[["grade_b_ratio", "とても"]])
    assert bad_settings.startswith(ERROR_PREFIX) and "B（概ね順調）の比率" in bad_settings
    assert udf.kk_planned(100, 200, YEAR, 2030, 2024).startswith(ERROR_PREFIX)
    assert isinstance(udf.kk_rollup([[1], [2]], [["S"]]), str)


def test_settings_thresholds_change_the_grade() -> None:
    """The 設定 table passed in is read like refresh reads it: a stricter B threshold turns B into C."""
    default = udf.kk_grade(125, 100, 200, "増加", YEAR)  # 25% vs planned 33.3%: B at the default 0.6
    strict = udf.kk_grade(125, 100, 200, "増加", YEAR, settings=[["キー", "値"], ["grade_b_ratio", 0.9]])
    assert (default, strict) == ("B", "C")


def test_docstrings_are_short_japanese_help() -> None:
    for name in udf.__all__:
        doc = getattr(udf, name).__doc__
        assert doc and len(doc) <= 255 and any("\u3040" <= ch <= "\u9fff" for ch in doc), name
