"""The 総括 check shared by the 前年度比較 tests and the two-year walk: every number of a drafted paragraph is one
of the figures it cites, and every figure is the value `report --json` holds at the figure's pointer."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from kaikaku_xl.rounding import percent_points, round_half_away

NUMBER = re.compile(r"[+△]?\d[\d,]*(?:\.\d+)?")


def at(doc: Any, pointer: str) -> Any:
    """The value at a JSON pointer; `/opinions#count` is the list's length, `…#count?state=対応済` of those
    entries (app/summary_draft.opinion_tally)."""
    pointer, _, count = pointer.partition("#count")
    if _:
        entries = at(doc, pointer)
        key, _eq, value = count.removeprefix("?").partition("=")
        return sum(1 for e in entries if not key or e.get(key) == value)
    for part in pointer.strip("/").split("/"):
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def number(text: str) -> float:
    return float(text.replace(",", "").replace("+", "").replace("△", "-"))


def assert_summary_figures(report: dict[str, Any]) -> None:
    """Every number in every 総括 draft is a cited figure, printed as the sheets print it, and every cited figure
    equals the report's value at its pointer."""
    for p in report["summary"]:
        cited = [f["text"] for f in p["figures"]]
        assert Counter(NUMBER.findall(p["draft"])) == Counter(n for t in cited for n in NUMBER.findall(t)), p
        for f in p["figures"]:
            assert at(report, f["pointer"]) == f["value"], f
            shown = number(NUMBER.findall(f["text"])[0])
            if f["text"].endswith("%"):
                assert shown == float(percent_points(f["value"])), f
            elif f["text"].endswith("円"):
                assert shown == round_half_away(float(f["value"]), 0), f
            else:
                assert shown == f["value"], f
