"""Rows built from the contract: values ordered by a TableSpec's columns and rounded the way each column shows them."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from kaikaku_xl.app.refresh import RefreshSummary
from kaikaku_xl.master import contract as c
from kaikaku_xl.xlsx.rows import stored_value, table_row
from kaikaku_xl.xlsx.tablespec import FMT_YEN


def test_a_row_follows_the_columns_not_the_records_order() -> None:
    record = {p: f"<{p}>" for p in ("action", "message", "cell", "sheet", "severity")}
    assert table_row(c.PROBLEMS, record) == ["<severity>", "<sheet>", "<cell>", "<message>", "<action>"]


def test_a_missing_value_is_a_bug_not_an_empty_cell() -> None:
    with pytest.raises(KeyError):
        table_row(c.PROBLEMS, {"severity": "エラー"})


def test_each_column_rounds_by_its_format_half_away_from_zero() -> None:
    pct, yen = c.EVALUATION.column("progress"), c.EVALUATION.column("effect")
    planned, actual = c.EVALUATION.column("planned"), c.EVALUATION.column("actual")
    assert stored_value(pct, 0.12345) == pytest.approx(0.123, abs=1e-15)
    assert stored_value(pct, 0.5445) == pytest.approx(0.545, abs=1e-15)  # 54.45 points -> 54.5, half away
    assert stored_value(yen, 2.5) == 3.0 and stored_value(yen, -2.5) == -3.0  # not Python's banker's rounding
    assert stored_value(planned, 1.005) == 1.01  # digits=2, the decimal value, not the binary 1.00499…
    assert stored_value(actual, 123.456789) == 123.456789  # what staff typed is echoed as typed
    assert stored_value(yen, np.float64(1.5)) == 2.0 and type(stored_value(actual, np.int64(7))) is int


def test_not_computable_is_an_empty_cell_never_zero() -> None:
    for key in ("progress", "effect", "planned", "actual", "reason"):
        assert stored_value(c.EVALUATION.column(key), math.nan) is None
        assert stored_value(c.EVALUATION.column(key), None) is None


def test_refresh_summary_is_the_log_tables_row() -> None:
    assert [f.name for f in dataclasses.fields(RefreshSummary)] == [col.key for col in c.REFRESH_LOG.columns]
    summary = RefreshSummary(
        time="2027-04-01 09:00:00",
        user="staff",
        door="cli",
        evaluation_year=2026,
        graded=27,
        single_year=136484309.4,
        cumulative=None,
        errors=0,
        warnings=2,
        fingerprint="abc",
    )
    assert summary.as_row() == [
        "2027-04-01 09:00:00",
        "staff",
        "cli",
        2026,
        27,
        136484309.0,
        None,
        0,
        2,
        "abc",
    ]


def test_dashboard_figures_are_named_cells() -> None:
    cells = [k.cell for k in c.DASHBOARD_KPIS]
    assert len(set(cells)) == len(cells) and all(k.label_cell != k.cell for k in c.DASHBOARD_KPIS)
    assert {k.key for k in c.DASHBOARD_KPIS if k.fmt == FMT_YEN} == {"single_year", "cumulative"}
