"""The UDFs' numeric fast path converts a column exactly as the cell-by-cell lenient reading does."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kaikaku_xl.udfs.cells import grid, number, numbers, text, texts, year, years

AWKWARD = [
    1,
    2.5,
    -0.0,
    True,
    False,
    None,
    "",
    " ",
    "1.2万",
    "３，０００円",
    "△500",
    "#N/A",
    "未定",
    math.nan,
    math.inf,
    -math.inf,
    np.float64(3.5),
    np.int64(7),
    datetime(2026, 4, 1),
    date(2026, 4, 1),
    "2026年度",
    "２０２６",
    2026,
    2026.0,
    2026.5,
    10**20,
    "1e3",
    [1],
    {"type": "Error"},
]
cells = st.one_of(
    st.sampled_from(AWKWARD),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**18), 10**18),
    st.text(max_size=6),
)


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@given(st.lists(cells, max_size=30))
def test_numbers_and_years_match_the_cell_by_cell_reading(column: list[object]) -> None:
    g = grid([[v] for v in column]) if column else grid([])
    fast_numbers, fast_years, fast_texts = numbers(g).ravel(), years(g).ravel(), texts(g).ravel()
    for i, v in enumerate(column):
        assert same(fast_numbers[i], number(v)), v
        assert same(fast_years[i], year(v)), v
        assert fast_texts[i] == text(v), v


def test_the_awkward_cells_in_one_column() -> None:
    g = grid([[v] for v in AWKWARD])
    assert [same(a, number(v)) for a, v in zip(numbers(g).ravel(), AWKWARD, strict=True)] == [True] * len(
        AWKWARD
    )
    assert numbers(grid([[1], [2.5], ["1.2万"], [None]])).ravel().tolist()[:3] == [1.0, 2.5, 12000.0]
