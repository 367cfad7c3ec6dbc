"""The evaluation report as typed, frozen records: what `kaikaku report --json` prints and every export reads.

`app.report.build_report` fills it from the metrics; `Report.to_dict()` is the JSON (key order = field
order, full precision, `None` = not computable, never NaN). To add a figure, add a field where it should appear
in the JSON, typed `Number` (None when it cannot be computed); `to_dict` picks it up, and the golden files of
tests/app/test_report_golden.py are regenerated on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import Field, asdict, dataclass, fields, is_dataclass
from typing import Any, ClassVar

from kaikaku_xl.metrics.rollups import SCORE_KEYS
from kaikaku_xl.plan import ItemNo
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.scale_rows import scale_to_rows
from kaikaku_xl.problems import Problem

Number = float | int | None  # full precision; None = not computable


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


class _Record:
    """to_dict() of a dataclass: its fields in order, nested records and tuples made JSON-ready."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]  # what @dataclass gives every record

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class PlanInfo(_Record):
    name: str
    city: str
    city_code: str
    period: tuple[int, int]  # first and last fiscal year of the plan
    baseline_year: int
    evaluation_year: int


@dataclass(frozen=True)
class MeasureResult(_Record):
    id: str  # "2-1": item 2, measure 1
    item: ItemNo  # the item's number: 1..27 as numbers, "R1-3" as text
    name: str
    unit: str
    decimals: int  # decimals shown for this measure's values (the plan's, else the unit's default)
    direction: str
    baseline: Number
    target: Number
    actual: Number
    planned: Number
    progress: Number
    attainment: Number
    planned_progress: Number
    grade_basis: str
    grade: str
    effect_kind: str
    counted: bool  # counted in the 財政効果額 of the plan
    effect: Number
    note: str  # why a figure is missing or how it was graded
    aggregation: str = (
        ""  # 累計: actual/planned are running totals over the plan years; "" = each year's level
    )
    year_actual: Number = None  # the evaluation year's own value as entered (for 累計 the year's amount)
    year_planned: Number = None  # that year's planned value (for 累計 the year's planned amount)


@dataclass(frozen=True)
class ItemResult(_Record):
    no: ItemNo
    policy: int
    title: str
    lead: str
    grade: str
    grade_source: str
    # 財政効果額 of the item (counted measures + ledger) and, where the plan has a 効果額計画, its plan and 達成率
    effect_year: Number = None
    effect_cumulative: Number = None
    effect_plan_year: Number = None
    effect_plan_cumulative: Number = None
    effect_plan_attainment: Number = (
        None  # effect_year ÷ effect_plan_year (None: no plan, plan 0, or not known)
    )
    effect_plan_attainment_cumulative: Number = None
    # What the grade means in words: the scale's title of a grade, 未入力 for a department grade not yet
    # entered (− alone would read as if the department chose −), 評価対象外 for − otherwise
    grade_label: str = ""
    effect_year_missing: int | None = None  # the item's counted measures without a value in the year
    effect_cumulative_missing: int | None = (
        None  # its counted measure-years without a value, plan start .. year
    )


@dataclass(frozen=True)
class Rollup(_Record):
    """One row of a roll-up (a 基本方針, a 担当課 or the whole plan). Its JSON names `group` after the roll-up."""

    group: int | str  # the 基本方針's number, the 担当課, the 推進項目's number, or 全体
    items: int
    graded: int
    counts: Mapping[str, int]  # every grade including 評価対象外
    shares: Mapping[str, Number]  # graded grades only
    mean_progress: Number
    effect_year: Number  # None when no counted part is known (never 0)
    effect_cumulative: Number
    effect_year_missing: int  # counted measures without a value in the evaluation year (not in effect_year)
    effect_cumulative_missing: int  # counted measure-years without a value, plan start..evaluation year
    counted_measures: tuple[str, ...]
    effect_plan_year: Number = (
        None  # the members' 効果額計画 of the evaluation year (None: no member has one)
    )
    effect_plan_cumulative: Number = None  # plan start .. evaluation year
    effect_plan_attainment: Number = None  # effect_year ÷ effect_plan_year
    effect_plan_attainment_cumulative: Number = None  # effect_cumulative ÷ effect_plan_cumulative
    effect_share: Number = None  # effect_year ÷ the sum over the groups (分野別割合)
    # A scale whose grades have 点数 (鴨川): 得点 = Σ points of the graded items, 満点 = graded × the top grade's
    # points, 得点率 = score ÷ full_score (None: no item graded). Items − and 対象外 are in neither (see counts).
    # Only in the JSON of a plan whose scale has points (SCORE_KEYS; a plan without is unchanged).
    score: Number = None
    full_score: Number = None
    score_rate: Number = None

    def to_dict(self, key: str = "group") -> dict[str, Any]:
        return {(key if name == "group" else name): value for name, value in super().to_dict().items()}


@dataclass(frozen=True)
class EffectYear(_Record):
    year: int
    measures: Number
    ledger: Number
    single_year: Number
    cumulative: Number
    planned: Number
    planned_cumulative: Number
    attainment: Number
    attainment_cumulative: Number
    reference: Number
    missing: int | None  # counted measures without a value that year (None: a year after the evaluation year)
    effect_plan: Number = None  # the items' 効果額計画 of the year (None: no item has one)
    effect_plan_cumulative: Number = None
    effect_plan_attainment: Number = None  # single_year ÷ effect_plan
    effect_plan_attainment_cumulative: Number = None  # cumulative ÷ effect_plan_cumulative
    measures_cumulative: Number = (
        None  # the measures' part of `cumulative` (attainment_cumulative's numerator)
    )
    missing_cumulative: int | None = (
        None  # counted measure-years without a value, plan start .. the year (None: after the evaluation year)
    )


@dataclass(frozen=True)
class HistoryEffect(_Record):
    """The 財政効果額 of an earlier reform plan, as the plan states it."""

    name: str
    effect_yen: int
    as_of: str


@dataclass(frozen=True)
class Effects(_Record):
    by_year: tuple[EffectYear, ...]
    evaluation_year: int
    single_year: Number  # of the evaluation year
    cumulative: Number  # up to the evaluation year
    history: tuple[HistoryEffect, ...]


@dataclass(frozen=True)
class PeriodItem(_Record):
    """An item's grade for the whole plan period (計画期間の総括評価, metrics/period.py)."""

    no: ItemNo
    policy: int
    title: str
    lead: str
    grade: str
    grade_source: str  # 主指標・2024年度の実績, 総括評価（入力）, …
    grade_label: str
    graded_year: int  # the year whose figures grade it (the plan's last year, or the item's own 終了年度)
    comment: str  # 総括コメント as typed


@dataclass(frozen=True)
class PeriodReview(_Record):
    """計画期間の総括評価: in the report of the plan's last year only."""

    period: tuple[int, int]
    items: tuple[PeriodItem, ...]
    policies: tuple[Rollup, ...]
    total: Rollup

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "policies": [p.to_dict("policy") for p in self.policies]}


@dataclass(frozen=True)
class CouncilOpinion(_Record):
    """An opinion of the 行財政改革懇談会 and the city's answer (懇談会意見, issue 23)."""

    year: int  # the year the opinion is about
    date: str | None  # the meeting, YYYY-MM-DD (None: not typed)
    item: ItemNo  # the item's No, or 全体
    opinion: str
    department: str  # who answers: the item's 主要担当課 (the coordinator for 全体)
    answer: str  # 市の対応 ("" not yet)
    state: str  # 未対応 / 対応中 / 対応済


@dataclass(frozen=True)
class CountRow(_Record):
    """Grade and 状況 counts of one group (a 基本方針 or 全体) in one year, for 前年度比較."""

    group: int | str
    items: int
    graded: int
    counts: Mapping[str, int]  # every grade including 評価対象外 and 対象外
    statuses: Mapping[str, int]  # 未着手・実施中・完了・対象外・未入力
    effect_year: Number = None
    effect_cumulative: Number = None
    # this year's count − the previous year's (only in `previous`; None: the group is not in both years)
    change: Mapping[str, int | None] | None = None
    status_change: Mapping[str, int | None] | None = None

    def to_dict(self, key: str = "group") -> dict[str, Any]:
        out = {(key if name == "group" else name): value for name, value in super().to_dict().items()}
        for name in ("change", "status_change"):
            if out[name] is None:
                del out[name]
        return out


@dataclass(frozen=True)
class PreviousItem(_Record):
    no: ItemNo
    grade: str
    grade_label: str


@dataclass(frozen=True)
class PreviousMeasure(_Record):
    id: str
    item: ItemNo
    actual: Number
    grade: str = ""


@dataclass(frozen=True)
class Previous(_Record):
    """前年度比較: the year before the evaluation year (its recorded figures when it is closed). Absent in the JSON
    of the plan's first year (the documents print −)."""

    year: int
    closed: bool  # True: the closed year's recorded figures (年度確定値)
    policies: tuple[CountRow, ...]
    total: CountRow
    items: tuple[PreviousItem, ...]
    measures: tuple[PreviousMeasure, ...]
    effects: Mapping[str, Number]  # single_year, cumulative of that year
    effect_change: Mapping[str, Number] | None = None  # this year − that year (None where either is −)
    decision: Decision | None = None  # the 推進本部's verification of that year, where recorded

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["policies"] = [p.to_dict("policy") for p in self.policies]
        out["total"] = self.total.to_dict()
        return out


@dataclass(frozen=True)
class StatusCounts(_Record):
    """The evaluation year's 状況 counts per 基本方針 and for the whole plan."""

    policies: tuple[CountRow, ...]
    total: CountRow

    def to_dict(self) -> dict[str, Any]:
        return {"policies": [p.to_dict("policy") for p in self.policies], "total": self.total.to_dict()}


@dataclass(frozen=True)
class CitedFigure(_Record):
    """A figure a 総括 paragraph cites: where `report --json` holds it, its value there and the text printed."""

    pointer: str
    value: Any
    text: str


@dataclass(frozen=True)
class SummaryParagraph(_Record):
    """A paragraph of the 総括: the adopted text (採用文) where staff typed one, else the draft."""

    key: str
    heading: str
    text: str
    adopted: bool
    draft: str
    figures: tuple[CitedFigure, ...]


@dataclass(frozen=True)
class Decision(_Record):
    """The 推進本部's verification of the evaluation year (締めた年度): its date (YYYY-MM-DD) and meeting ("" none)."""

    decided_on: str
    meeting: str


@dataclass(frozen=True)
class Report(_Record):
    plan: PlanInfo
    measures: tuple[MeasureResult, ...]
    items: tuple[ItemResult, ...]
    policies: tuple[Rollup, ...]
    departments: tuple[Rollup, ...]
    total: Rollup
    effects: Effects
    problems: tuple[Problem, ...] = ()
    # The plan's own grade scale: in the JSON as "grades" (label, name, color, basis, threshold, explain);
    # None = the default S–D, left out of the JSON (unchanged for such plans).
    grade_scale: GradeScale | None = None
    sections: tuple[
        Rollup, ...
    ] = ()  # per 推進項目: only in a three-level plan (the key is absent otherwise)
    # 対象外 proposed by departments and not decided by the 推進本部 yet (no, year, reason, cell): the items stay
    # graded; the key is absent when there is none.
    exclusion_proposals: tuple[dict[str, Any], ...] = ()
    period_review: PeriodReview | None = None  # the plan's last year only (the key is absent otherwise)
    # 懇談会からの意見と市の対応 about the evaluated year and the year before; the key is absent when there is none
    opinions: tuple[CouncilOpinion, ...] = ()
    # 前年度比較 (issue 23): the evaluation year's 状況 counts, and the previous year (absent in the first year)
    status_counts: StatusCounts | None = None
    previous: Previous | None = None
    summary: tuple[SummaryParagraph, ...] = ()  # 総括: key absent when empty
    # The 推進本部's verification of the year (cycle/decision.py): None and provisional (速報) until the year is
    # closed with a 推進本部確認日; closed: the year is closed (with or without it). Last keys of the JSON.
    decision: Decision | None = None
    provisional: bool = True
    closed: bool = False

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        verified = {key: out.pop(key) for key in ("decision", "provisional", "closed")}
        review = out.pop("period_review", None)
        opinions = out.pop("opinions", ())
        proposals = out.pop("exclusion_proposals", ())
        if proposals:
            out["exclusion_proposals"] = list(proposals)
        out["policies"] = [p.to_dict("policy") for p in self.policies]
        out["departments"] = [d.to_dict("lead") for d in self.departments]
        out.pop("grade_scale")
        if self.grade_scale is not None:
            out["grades"] = scale_to_rows(self.grade_scale, as_json=True)
        del out["sections"]
        if self.sections:  # after the 基本方針, as the plan's levels go; two-level plans' JSON is unchanged
            keys = list(out)
            at = keys.index("policies") + 1
            out = {
                **{k: out[k] for k in keys[:at]},
                "sections": [s.to_dict("section") for s in self.sections],
                **{k: out[k] for k in keys[at:]},
            }
        if review is not None:
            out["period_review"] = review
        if opinions:
            out["opinions"] = list(opinions)
        for key in ("status_counts", "previous"):  # added keys: absent where there is nothing to say
            value = out.pop(key)
            if value is not None:
                out[key] = value
        summary = out.pop("summary")
        if summary:
            out["summary"] = summary
        if self.scale.points is None:  # no 点数: no 得点・満点・得点率 keys (the JSON as before)
            _drop_scores(out)
            if review is not None:
                _drop_scores(review)
        return {**out, **verified}

    @property
    def scale(self) -> GradeScale:
        """The grade scale the report was graded on (the default S–D when the plan has none of its own)."""
        return self.grade_scale or GradeScale()

    @property
    def evaluation_year(self) -> int:
        return self.plan.evaluation_year

    def measures_by_item(self) -> dict[ItemNo, list[tuple[int, MeasureResult]]]:
        """Each item's measures with their index in `measures` (the index of their JSON pointer)."""
        out: dict[ItemNo, list[tuple[int, MeasureResult]]] = {}
        for i, m in enumerate(self.measures):
            out.setdefault(m.item, []).append((i, m))
        return out


def _drop_scores(out: dict[str, Any]) -> None:
    """The roll-ups of the JSON without SCORE_KEYS (a scale without 点数)."""
    for key in ("policies", "departments", "sections"):
        for row in out.get(key) or ():
            for name in SCORE_KEYS:
                row.pop(name, None)
    for name in SCORE_KEYS:
        out["total"].pop(name, None)
