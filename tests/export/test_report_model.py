"""The typed report: frozen records whose to_dict() is the JSON of `kaikaku report --json` (pinned elsewhere)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from helpers.export import make_inputs

from kaikaku_xl.export.report import Report


@pytest.fixture(scope="module")
def report() -> Report:
    return make_inputs()[1]


def test_records_are_frozen(report: Report) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.measures[0].grade = "S"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.plan.evaluation_year = 2030  # type: ignore[misc]


def test_to_dict_is_plain_json_with_the_attributes_values(report: Report) -> None:
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert list(data) == [
        "plan",
        "measures",
        "items",
        "policies",
        "departments",
        "total",
        "effects",
        "problems",
        "decision",  # the 推進本部's verification (issue 23): keys only added, at the end
        "provisional",
        "closed",
    ]
    assert (data["decision"], data["provisional"], data["closed"]) == (None, True, False)
    assert data["plan"]["period"] == list(report.plan.period)
    for i, m in enumerate(report.measures):
        assert data["measures"][i] == {f.name: getattr(m, f.name) for f in dataclasses.fields(m)}
    assert [p["policy"] for p in data["policies"]] == [p.group for p in report.policies]
    assert [d["lead"] for d in data["departments"]] == [d.group for d in report.departments]
    assert data["total"]["group"] == report.total.group
    assert data["effects"]["cumulative"] == report.effects.cumulative


def test_measures_by_item_keeps_the_json_index(report: Report) -> None:
    data = report.to_dict()
    for no, measures in report.measures_by_item().items():
        for i, m in measures:
            assert data["measures"][i]["id"] == m.id and m.item == no
