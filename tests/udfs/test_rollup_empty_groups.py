"""KK_ROLLUP over a 区分 column with no value answers with a Japanese message in its cell (issue 21, Low), not a
KeyError raised out of the function."""

from __future__ import annotations

from typing import Any

import pytest

from kaikaku_xl.udfs.cells import ERROR_PREFIX
from kaikaku_xl.udfs.rollup import kk_rollup


@pytest.mark.parametrize("groups", [[[None], [None], [None]], [[""], ["  "], [None]]])
def test_an_empty_group_column_is_a_message(groups: list[list[Any]]) -> None:
    shown = kk_rollup(groups, [["S"], ["A"], ["B"]])
    assert isinstance(shown, str) and shown.startswith(ERROR_PREFIX) and "区分の列に値がありません" in shown


def test_a_group_column_with_values_still_rolls_up() -> None:
    table = kk_rollup([[None], [1], [1]], [["S"], ["A"], ["B"]])
    assert list(table.iloc[:, 0]) == [1, "全体"] and list(table["項目数"]) == [2, 2]
