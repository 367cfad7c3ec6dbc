"""The drafted 総括 (issue 23): deterministic Japanese paragraphs from the figures (である調; no language model, no
network), each with the figures it cites as JSON pointers into `report --json`.

Refresh writes the drafts into the 総括 sheet's 下書き cells; the report prints 採用文 where staff typed one. The
pointers follow the report's order (items, roll-ups, years of 財政効果額 in the order of the results frames, which
is the order app/report.py builds them in): tests/app/test_summary_draft.py reads each back from the JSON and checks
that every number in the text is one of them. No export import here: refresh uses it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kaikaku_xl.app.previous import NOT_ENTERED_STATUS, PreviousYear, status_counts
from kaikaku_xl.master.contract.inputs import SUMMARY_PARAGRAPHS
from kaikaku_xl.metrics.frames import Results
from kaikaku_xl.metrics.items import ExclusionProposal
from kaikaku_xl.plan import ItemNo, item_no
from kaikaku_xl.plan.scale import EXCLUDED, NOT_GRADED, GradeScale
from kaikaku_xl.rounding import format_percent, format_yen

TOP_CONTRIBUTORS = 3  # the largest contributors the 財政効果額 paragraph names
OPINIONS_DONE = "対応済"


@dataclass(frozen=True)
class Cited:
    pointer: str  # JSON pointer into `report --json`
    value: Any  # the value there (full precision)
    text: str  # as the draft prints it


@dataclass(frozen=True)
class Draft:
    key: str
    heading: str
    text: str
    figures: tuple[Cited, ...]


@dataclass(frozen=True)
class OpinionTally:
    """懇談会の意見: how many, and how many answered (対応済), with where `report --json` holds each count."""

    total: int
    answered: int
    total_pointer: str
    answered_pointer: str


@dataclass(frozen=True)
class Facts:
    """What the drafts are made of (refresh and the report pass the same)."""

    results: Results
    previous: PreviousYear | None
    status: pd.DataFrame  # 進捗状況 (item, year, status …)
    revisions: pd.DataFrame  # 計画の見直し (kind, measure_id, item, year …)
    proposals: Sequence[ExclusionProposal]
    scale: GradeScale
    start_year: int
    opinions: OpinionTally | None = None


class _Writer:
    """A paragraph being written: every figure put in the text is cited."""

    def __init__(self) -> None:
        self.cited: list[Cited] = []

    def put(self, pointer: str, value: Any, text: str) -> str:
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            value = int(value)  # as `report --json` holds it
        self.cited.append(Cited(pointer, value, text))
        return text

    def count(self, pointer: str, value: int) -> str:
        return self.put(pointer, int(value), f"{int(value):,}")

    def year(self, pointer: str, value: int) -> str:
        return self.put(pointer, int(value), str(int(value)))

    def change(self, pointer: str, value: int) -> str:
        """A change as the tables print it: +1, △2, 0."""
        shown = f"+{value:,}" if value > 0 else f"△{-value:,}" if value < 0 else "0"
        return self.put(pointer, int(value), shown)

    def yen(self, pointer: str, value: float) -> str:
        return self.put(pointer, value, format_yen(value))

    def percent(self, pointer: str, value: float) -> str:
        return self.put(pointer, value, format_percent(value))

    def no(self, pointer: str, value: ItemNo) -> str:
        return "No." + self.put(pointer, value, str(value))


def _known(x: Any) -> bool:
    return x is not None and not (isinstance(x, float) and (math.isnan(x) or math.isinf(x)))


def _item_index(results: Results) -> dict[ItemNo, int]:
    return {item_no(r["item"]) or str(r["item"]): i for i, r in enumerate(results.items.to_dict("records"))}


def _grades_paragraph(f: Facts, w: _Writer) -> str:
    total = f.results.total.iloc[0]
    year = w.year("/plan/evaluation_year", f.results.evaluation_year)
    labels = f.scale.labels
    parts = [f"{g} {w.count(f'/total/counts/{g}', int(total[f'n_{g}']))}項目" for g in labels]
    text = (
        f"{year}年度は、取組項目{w.count('/total/items', int(total['items']))}項目のうち"
        f"{w.count('/total/graded', int(total['graded']))}項目を評価した。評価の内訳は、{'、'.join(parts)}である。"
    )
    for label, what in ((NOT_GRADED, "評価できなかった項目（−）"), (EXCLUDED, "対象外とした項目")):
        n = int(total[f"n_{label}"])
        if n:
            text += f"{what}は{w.count(f'/total/counts/{label}', n)}項目である。"
    if f.previous is not None:
        before = f.previous.results.total.iloc[0]
        changes = [
            f"{g} {w.change(f'/previous/total/change/{g}', int(total[f'n_{g}']) - int(before[f'n_{g}']))}"
            for g in labels
        ]
        text += (
            f"前年度（{w.year('/previous/year', f.previous.year)}年度）からの項目数の増減は、"
            f"{'、'.join(changes)}である。"
        )
    return text


def _moves(f: Facts) -> list[tuple[int, ItemNo, int, int]]:
    """(row index, item, policy, +1 up / −1 down) of each item whose grade moved against the previous year."""
    if f.previous is None:
        return []
    rank = {g: k for k, g in enumerate(f.scale.labels)}
    before: dict[ItemNo | None, str] = {
        item_no(r["item"]): str(r["grade"]) for r in f.previous.results.items.to_dict("records")
    }
    out = []
    for i, r in enumerate(f.results.items.to_dict("records")):
        no = item_no(r["item"]) or str(r["item"])
        now, then = rank.get(str(r["grade"])), rank.get(before.get(no, ""))
        if now is not None and then is not None and now != then:
            out.append((i, no, int(r["policy"]), 1 if now < then else -1))
    return out


def _policy_moves(f: Facts, moves: list[tuple[int, ItemNo, int, int]], w: _Writer) -> str:
    index = {int(g): i for i, g in enumerate(f.results.policies["group"].tolist())}
    net: dict[int, int] = {}
    for _i, _no, policy, step in moves:
        net[policy] = net.get(policy, 0) + step
    ups = [p for p in sorted(net) if net[p] > 0 and p in index]
    downs = [p for p in sorted(net) if net[p] < 0 and p in index]
    name = lambda p: "基本方針" + w.count(f"/policies/{index[p]}/policy", p)  # noqa: E731
    text = ""
    if ups:
        text += f"上がった項目が下がった項目より多い基本方針は{'、'.join(name(p) for p in ups)}"
        text += "、" if downs else "である。"
    if downs:
        text += f"下がった項目が上がった項目より多い基本方針は{'、'.join(name(p) for p in downs)}である。"
    return text


def _changes_paragraph(f: Facts, w: _Writer) -> str:
    if f.previous is None:
        year = w.year("/plan/evaluation_year", f.results.evaluation_year)
        return f"{year}年度は計画期間の初年度のため、前年度との比較はない。"
    moves = _moves(f)
    up = [w.no(f"/items/{i}/no", no) for i, no, _p, step in moves if step > 0]
    down = [w.no(f"/items/{i}/no", no) for i, no, _p, step in moves if step < 0]
    year = w.year("/previous/year", f.previous.year)
    if not up and not down:
        return f"前年度（{year}年度）と比べて評価が変わった取組項目はない。"
    text = f"前年度（{year}年度）と比べて、"
    text += f"評価が上がった取組項目は{'、'.join(up)}" if up else "評価が上がった取組項目はなく"
    text += f"、下がった取組項目は{'、'.join(down)}である。" if down else "、下がった取組項目はない。"
    return text + _policy_moves(f, moves, w)


def _attention_labels(scale: GradeScale) -> tuple[str, ...]:
    """The grades that need attention: the two lowest of a scale of four or more (C・D of S–D), else the lowest."""
    labels = scale.labels
    return labels[-2:] if len(labels) >= 4 else labels[-1:]


def _attention_paragraph(f: Facts, w: _Writer) -> str:
    low = _attention_labels(f.scale)
    rows = list(enumerate(f.results.items.to_dict("records")))
    no = lambda i, r: w.no(f"/items/{i}/no", item_no(r["item"]) or str(r["item"]))  # noqa: E731
    late = [f"{no(i, r)}（{r['grade']}）" for i, r in rows if r["grade"] in low]
    ungraded = [no(i, r) for i, r in rows if r["grade"] == NOT_GRADED]
    proposed = [
        w.no(f"/exclusion_proposals/{k}/no", item_no(p.item) or str(p.item))
        for k, p in enumerate(f.proposals)
    ]
    parts = []
    if late:
        parts.append(f"評価が{'・'.join(low)}の取組項目は{'、'.join(late)}である。")
    if ungraded:
        parts.append(f"実績や評価が未入力などのため評価できなかった取組項目は{'、'.join(ungraded)}である。")
    if proposed:
        parts.append(
            f"担当課から対象外の申出があり、推進本部の判断を待っている取組項目は{'、'.join(proposed)}である。"
        )
    return "".join(parts) or "評価が低い取組項目、評価できなかった取組項目、対象外の申出はない。"


def _missing_paragraph(f: Facts, w: _Writer) -> str:
    total = f.results.total.iloc[0]
    missing = int(total["effect_year_missing"])
    ungraded = int(total[f"n_{NOT_GRADED}"])
    blank = status_counts(f.status, f.results.items, f.results.evaluation_year)["全体"][NOT_ENTERED_STATUS]
    parts = []
    if missing:
        parts.append(
            f"財政効果額に計上する指標のうち実績が未入力のものが{w.count('/total/effect_year_missing', missing)}件"
            "あり、その分は財政効果額に含まれていない。"
        )
    if blank:
        pointer = f"/status_counts/total/statuses/{NOT_ENTERED_STATUS}"
        parts.append(f"進捗状況の「状況」が未入力の取組項目は{w.count(pointer, blank)}項目である。")
    if ungraded:
        parts.append(
            f"評価できなかった取組項目は{w.count(f'/total/counts/{NOT_GRADED}', ungraded)}項目である。"
        )
    return "".join(parts) or "未入力の項目はない。"


def _effect_year_row(f: Facts) -> tuple[int, dict[str, Any]] | None:
    for k, r in enumerate(f.results.effects.to_dict("records")):
        if int(r["year"]) == f.results.evaluation_year:
            return k, {str(key): value for key, value in r.items()}
    return None


def _plan_ratio(w: _Writer, k: int, row: dict[str, Any]) -> str:
    """The measures' part against the plan (効果額達成率 beside both of its parts)."""
    text = ""
    kinds = [("単年度", "measures", "planned", "attainment")]
    if k > 0:  # after the first year the running total differs from the year's own
        kinds.append(("計画期間累計", "measures_cumulative", "planned_cumulative", "attainment_cumulative"))
    for label, part, plan, rate in kinds:
        if all(_known(row.get(x)) for x in (part, plan, rate)):
            p = f"/effects/by_year/{k}/"
            text += (
                f"{label}の指標分は{w.yen(p + part, row[part])}で、計画効果額（指標分）"
                f"{w.yen(p + plan, row[plan])}に対する達成率は{w.percent(p + rate, row[rate])}である。"
            )
    return text


def _contributors(f: Facts, w: _Writer) -> str:
    effects = (
        f.results.item_effects.set_index("item")["single_year"].to_dict()
        if len(f.results.item_effects)
        else {}
    )
    rows = [
        (i, item_no(r["item"]) or str(r["item"]), effects.get(r["item"]))
        for i, r in enumerate(f.results.items.to_dict("records"))
    ]
    known = [(i, no, float(v)) for i, no, v in rows if v is not None and _known(v) and float(v) > 0]
    top = sorted(known, key=lambda t: (-t[2], t[0]))[:TOP_CONTRIBUTORS]
    if not top:
        return ""
    named = [f"{w.no(f'/items/{i}/no', no)}（{w.yen(f'/items/{i}/effect_year', v)}）" for i, no, v in top]
    return f"効果額の大きい取組項目は{'、'.join(named)}である。"


def _effects_paragraph(f: Facts, w: _Writer) -> str:
    found = _effect_year_row(f)
    if found is None or not _known(found[1].get("single_year")):
        return "単年度効果額は、計上する実績がないため算出できない。"
    k, row = found
    year = w.year("/plan/evaluation_year", f.results.evaluation_year)
    text = f"{year}年度の単年度効果額は{w.yen('/effects/single_year', row['single_year'])}"
    if _known(row.get("cumulative")):
        start = w.year("/plan/period/0", f.start_year)
        text += f"、計画期間累計（{start}年度から）は{w.yen('/effects/cumulative', row['cumulative'])}"
    text += "である。" + _plan_ratio(w, k, row) + _contributors(f, w)
    return text


def _revisions_paragraph(f: Facts, w: _Writer) -> str:
    year = f.results.evaluation_year
    index = _item_index(f.results)
    mine = f.revisions[f.revisions["year"] == year] if len(f.revisions) else f.revisions
    revised = (
        sorted({n for x in mine["item"].tolist() if (n := item_no(x)) in index}, key=lambda n: index[n])
        if len(mine)
        else []
    )
    shown = w.year("/plan/evaluation_year", year)
    if not revised:
        return f"{shown}年度から適用する計画の見直しはない。"
    named = "、".join(w.no(f"/items/{index[no]}/no", no) for no in revised)
    return f"{shown}年度から適用する計画の見直しを、{named}について行った。"


def _opinions_paragraph(f: Facts, w: _Writer) -> str | None:
    o = f.opinions
    if o is None:
        return None  # the report has no opinions yet: the paragraph is left out
    return (
        f"行財政改革懇談会からの意見は{w.count(o.total_pointer, o.total)}件で、"
        f"そのうち市の対応を終えたもの（{OPINIONS_DONE}）は{w.count(o.answered_pointer, o.answered)}件である。"
    )


WRITERS = {
    "grades": _grades_paragraph,
    "changes": _changes_paragraph,
    "attention": _attention_paragraph,
    "missing": _missing_paragraph,
    "effects": _effects_paragraph,
    "revisions": _revisions_paragraph,
    "opinions": _opinions_paragraph,
}


def draft_summary(facts: Facts) -> list[Draft]:
    """The paragraphs in the 総括 sheet's order (a paragraph with nothing to say is left out)."""
    out = []
    for _no, key, heading in SUMMARY_PARAGRAPHS:
        w = _Writer()
        text = WRITERS[key](facts, w)
        if text is not None:
            out.append(Draft(key, heading, text, tuple(w.cited)))
    return out


def opinion_tally(states: Sequence[str]) -> OpinionTally | None:
    """The 対応状況 of the opinions `report --json` lists under `opinions`, counted; None without any (the 総括
    then has no opinions paragraph). The counts are cited at /opinions (its length) and /opinions?state=対応済
    (the answered among them)."""
    if not states:
        return None
    answered = sum(1 for state in states if state == OPINIONS_DONE)
    return OpinionTally(len(states), answered, "/opinions#count", f"/opinions#count?state={OPINIONS_DONE}")
