"""The % reading rule cell by cell (master/readers/percent.py), with the formats LibreOffice 7.4 and Excel leave
after a person types (measured with tests/helpers/typing_uno.py; docs/decisions.md, "A % measure's value")."""

from __future__ import annotations

from typing import Any

import pytest

from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.master.readers.percent import as_points, as_stored, read_percent
from kaikaku_xl.plan.numformat import input_format
from kaikaku_xl.plan.plausibility import jump_hint
from kaikaku_xl.problems import WARNING
from kaikaku_xl.xlsx.engine import RawTable


def one_cell(value: Any, fmt: str | None) -> RawTable:
    formats = None if fmt is None else [[fmt]]
    return RawTable("実績", ["2026年度"], [[value]], 3, 5, number_formats=formats)


def read(value: Any, fmt: str | None, expected: tuple[float | None, ...] = ()) -> tuple[float, list[Any]]:
    log = ProblemLog()
    points = read_percent(log, one_cell(value, fmt), 0, 0, value, float(value), "No.26", expected=expected)
    return points, log.problems


@pytest.mark.parametrize(
    ("value", "fmt", "points"),
    [
        (95, "General", 95),  # `95` typed into the General cell: Excel and LibreOffice
        (0.95, "0.00%", 95),  # `95%` typed into a General cell: LibreOffice's 0.00%
        (0.95, "0%", 95),  # Excel's 0%
        (0.15, "0.0%", 15),
        (95.5, "General", 95.5),
        (0, "General", 0),
    ],
)
def test_both_habits_read_as_points_without_a_warning(value: float, fmt: str, points: float) -> None:
    got, problems = read(value, fmt)
    assert got == points and not problems


def test_a_fraction_in_a_plain_cell_is_read_as_typed_and_warned_with_the_likely_reading() -> None:
    # `15%` typed into a `#,##0.0` cell (a file distributed before this rule) or `0.15` typed
    got, problems = read(0.15, "#,##0.0")
    assert got == 0.15
    (p,) = problems
    assert (p.severity, p.sheet, p.cell) == (WARNING, "実績", "E4")
    assert "0.15%" in p.message and "15% の意味" in p.message


def test_a_small_value_is_no_surprise_where_the_plan_itself_is_small() -> None:
    assert read(0.3, "General", expected=(0.5,)) == (0.3, [])
    assert read(0.3, "General", expected=(None, 0.0))[1]  # a baseline of 0 says nothing


def test_a_percent_cell_over_100_percent_is_warned_with_the_points_meant() -> None:
    # LibreOffice has no automatic percent entry: `95` typed into a percent cell is 9500%
    got, problems = read(95, "0.00%")
    assert got == 9500
    (p,) = problems
    assert p.cell == "E4" and "9,500%" in p.message and "95%" in p.action
    assert read(1.2, "0%", expected=(150.0,)) == (120, [])  # a measure planned over 100%


def test_formats_unknown_keep_the_old_warning() -> None:
    got, problems = read(0.5, None)
    assert got == 0.5 and "表示形式を確認できません" in problems[0].message


def test_as_points_and_as_stored_agree() -> None:
    percent, plain = one_cell(0.95, "0.00%"), one_cell(95, "General")
    assert as_points(percent, 0, 0, "%", 0.95) == 95 and as_points(plain, 0, 0, "%", 95) == 95
    assert as_points(percent, 0, 0, "円", 0.95) == 0.95  # only % measures
    assert as_stored(percent, 0, 0, "%", 90) == 0.9 and as_stored(plain, 0, 0, "%", 90) == 90
    assert as_points(percent, 0, 0, "%", as_stored(percent, 0, 0, "%", 33.3)) == 33.3
    assert as_points(percent, None, 0, "%", 0.95) == 0.95


def test_input_cells_of_a_percent_measure_are_general() -> None:
    assert input_format("%", 1) == "General" and input_format("％", 1) == "General"
    assert input_format("円", 0) == "#,##0" and input_format("ポイント", 1) == "#,##0.0"


@pytest.mark.parametrize(
    ("unit", "says", "never"),
    [("%", "95%", "円"), ("円", "千円", "95%"), ("件", "件", "円"), ("", "桁", "円")],
)
def test_the_jump_hint_speaks_of_the_measures_unit(unit: str, says: str, never: str) -> None:
    hint = jump_hint(unit)
    assert says in hint and never not in hint
