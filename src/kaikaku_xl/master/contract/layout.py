"""Which tables one master workbook holds, given its plan: the year columns and the grade columns follow the plan."""

from __future__ import annotations

from dataclasses import dataclass, field

from kaikaku_xl.master.contract.cycle import (
    CYCLE_TABLES,
    SUBMISSIONS,
)
from kaikaku_xl.master.contract.inputs import (
    GRADE_SCALE,
    HISTORY,
    ITEMS,
    LEDGER,
    MEASURES,
    OPINIONS,
    PERIOD_REVIEW,
    PLAN_INFO,
    SETTINGS,
    SHEET_DASHBOARD,
    SHEET_GUIDE,
    SUMMARY,
    actuals_spec,
    effect_plan_spec,
    period_summary_spec,
    status_spec,
    targets_spec,
)
from kaikaku_xl.master.contract.outputs import (
    EFFECTS,
    EVALUATION,
    ITEM_RESULTS,
    PROBLEMS,
    REFRESH_LOG,
    dashboard_effects_spec,
    dashboard_grades_spec,
    department_summary_spec,
    item_effects_spec,
    policy_summary_spec,
    trend_items_spec,
    trend_measures_spec,
)
from kaikaku_xl.plan.scale import GRADES
from kaikaku_xl.xlsx.tablespec import (
    TableSpec,
)


@dataclass(frozen=True)
class Layout:
    """The tables of one master workbook, whose year columns depend on the plan."""

    years: list[int]  # years that take actuals: the year after the baseline up to the plan's end
    plan_years: list[int]
    grades: tuple[str, ...] = GRADES  # the plan's grade labels, best first (its roll-up columns)
    own_scale: bool = False  # the plan's own scale: the master holds it in the GradeScale table
    points: bool = False  # its grades have 点数: the roll-ups add 得点・満点・得点率
    inputs: tuple[TableSpec, ...] = field(init=False)
    outputs: tuple[TableSpec, ...] = field(init=False)
    cycle: tuple[TableSpec, ...] = CYCLE_TABLES
    typed: bool = (
        False  # graded by the departments (a typed scale): 進捗状況's 評価 column is headed for every item
    )

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "inputs",
            (
                SETTINGS,
                PLAN_INFO,
                HISTORY,
                ITEMS,
                MEASURES,
                actuals_spec(self.years),
                targets_spec(self.years),
                status_spec(self.typed),
                LEDGER,
                *((GRADE_SCALE,) if self.own_scale else ()),
            ),
        )
        object.__setattr__(
            self,
            "outputs",
            (
                EVALUATION,
                ITEM_RESULTS,
                EFFECTS,
                item_effects_spec(self.plan_years),
                policy_summary_spec(self.grades, self.points),
                department_summary_spec(self.grades, self.points),
                PROBLEMS,
                SUBMISSIONS,
                trend_items_spec(self.plan_years),
                trend_measures_spec(self.plan_years, self.years),
                REFRESH_LOG,
                dashboard_grades_spec(self.grades),
                dashboard_effects_spec(self.grades),
            ),
        )

    @property
    def optional_inputs(self) -> tuple[TableSpec, ...]:
        """Input tables only some plans have (a master without them still loads)."""
        return (effect_plan_spec(self.plan_years),)

    @property
    def period(self) -> tuple[TableSpec, ...]:
        """The 計画期間の総括評価 sheet's tables: rows per item and per 基本方針 from the plan (builder), the typed
        cells staff's, the rest refresh's (app/period.py); optional like optional_inputs."""
        return (PERIOD_REVIEW, period_summary_spec(self.grades), SUMMARY)  # and 総括's paragraphs (issue 23)

    @property
    def opinions(self) -> tuple[TableSpec, ...]:
        """The 懇談会意見 sheet's table (issue 23): optional like optional_inputs (older masters gain it by upgrade)."""
        return (OPINIONS,)

    def table(self, name: str) -> TableSpec:
        return next(
            t
            for t in (
                *self.inputs,
                *self.optional_inputs,
                *self.period,
                *self.opinions,
                *self.outputs,
                *self.cycle,
            )
            if t.name == name
        )

    @property
    def output_sheets(self) -> list[str]:
        return list(dict.fromkeys(t.sheet for t in self.outputs))


SHEET_ORDER_HEAD = (SHEET_GUIDE, SHEET_DASHBOARD)
