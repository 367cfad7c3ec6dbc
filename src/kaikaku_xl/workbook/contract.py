"""The master workbook's contract: every sheet, table and column name, in ONE place.

Excel tables (ListObjects) with English names are the contract between the workbook and the code; sheet names
and column headers are Japanese because staff read them. Engines, workflows and the builder all import from here.
The parts (tablespec.py, contract_inputs.py, contract_outputs.py, contract_cycle.py, contract_excel.py,
contract_plan.py) are re-exported here: the contract is read as one namespace (`from ..workbook import contract
as c`). What stays here is the Layout: which of those tables one master holds, given its plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kaikaku_xl.metrics.grades import GRADES
from kaikaku_xl.workbook.contract_cycle import (  # noqa: F401
    CHANGE_LOG,
    CLOSED_YEARS,
    CYCLE_INFO,
    CYCLE_TABLES,
    DEPARTMENT_TABLES,
    DISTRIBUTED_VALUES,
    DISTRIBUTIONS,
    HIDDEN_CYCLE_SHEETS,
    IDENTITY,
    IDENTITY_KEYS,
    LOG_APPLIED,
    LOG_CLOSE,
    LOG_CONFLICT,
    LOG_REFUSED,
    LOG_REOPEN,
    LOG_REVISION,
    MASTER_ID_KEY,
    REVISION_ADDED,
    REVISION_BASELINE,
    REVISION_ENDED,
    REVISION_KINDS,
    REVISION_MEASURE_KINDS,
    REVISION_TARGET,
    REVISIONS,
    SHEET_DEPARTMENT_GUIDE,
    SUBMISSIONS,
    YEAR_RESULTS,
)
from kaikaku_xl.workbook.contract_excel import (  # noqa: F401
    ACTION_CELLS,
    ACTION_COLLECT,
    ACTION_DISTRIBUTE,
    ACTION_EXPORT,
    ACTION_REFRESH,
    ACTION_VALIDATE,
    ACTIONS,
    BUTTON_CAPTION,
    BUTTON_MACRO,
    CONF_SHEET,
    DEFAULT_EXPORT_DIR,
    NAME_ACTION,
    NAME_CITY_CODE,
    NAME_EXPORT_DIR,
    NAME_PLAN,
    NAME_SAMPLE,
    NAME_STATUS,
    SHEET_ACTIONS,
    TEMPLATE,
    UDF_MODULE,
    ActionCells,
)
from kaikaku_xl.workbook.contract_inputs import (  # noqa: F401
    ACTUALS_TABLE,
    EFFECT_PLAN_TABLE,
    HISTORY,
    ITEMS,
    LEDGER,
    LEDGER_KINDS,
    MEASURE_OPTIONAL_KEYS,
    MEASURES,
    PLAN_INFO,
    PLAN_INFO_KEYS,
    SETTINGS,
    SHEET_DASHBOARD,
    SHEET_GUIDE,
    STATUS,
    STATUS_VALUES,
    TARGETS_TABLE,
    actuals_spec,
    effect_plan_spec,
    targets_spec,
)
from kaikaku_xl.workbook.contract_outputs import (  # noqa: F401
    DASHBOARD_EFFECTS,
    DASHBOARD_GRADES,
    DASHBOARD_KPIS,
    DEPARTMENT_SUMMARY,
    EFFECTS,
    EVALUATION,
    ITEM_EFFECTS_TABLE,
    ITEM_RESULTS,
    POLICY_SUMMARY,
    PROBLEMS,
    REFRESH_LOG,
    SHEET_TREND,
    TREND_ACTUAL,
    TREND_ITEMS_TABLE,
    TREND_MEASURES_TABLE,
    TREND_PLANNED,
    Kpi,
    dashboard_grades_spec,
    department_summary_spec,
    item_effects_spec,
    policy_summary_spec,
    trend_items_spec,
    trend_measures_spec,
)
from kaikaku_xl.workbook.contract_plan import (  # noqa: F401
    EXAMPLE_MARK,
    GRADE_SCALE,
    GRADE_SCALE_COLUMNS,
    PLAN_COLUMN_NOTES,
    PLAN_EFFECTS,
    PLAN_FIELDS,
    PLAN_GRADES,
    PLAN_HISTORY,
    PLAN_ITEMS,
    PLAN_MEASURES,
    PLAN_NOTES,
    PLAN_POLICIES,
    PLAN_REQUIRED,
    PLAN_SECTIONS,
    PLAN_SHEET,
    PLAN_TABLES,
    PLAN_YES_NO,
    PlanField,
)
from kaikaku_xl.workbook.tablespec import (  # noqa: F401
    FMT_GENERAL,
    FMT_INT,
    FMT_NUM,
    FMT_PCT,
    FMT_TEXT,
    FMT_YEN,
    PASSWORD_NOTE,
    Column,
    TableSpec,
    wareki,
    year_header,
)


@dataclass(frozen=True)
class Layout:
    """The tables of one master workbook, whose year columns depend on the plan."""

    years: list[int]  # years that take actuals: the year after the baseline up to the plan's end
    plan_years: list[int]
    grades: tuple[str, ...] = GRADES  # the plan's grade labels, best first (its roll-up columns)
    own_scale: bool = False  # the plan's own scale: the master holds it in the GradeScale table
    inputs: tuple[TableSpec, ...] = field(init=False)
    outputs: tuple[TableSpec, ...] = field(init=False)
    cycle: tuple[TableSpec, ...] = CYCLE_TABLES

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
                STATUS,
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
                policy_summary_spec(self.grades),
                department_summary_spec(self.grades),
                PROBLEMS,
                SUBMISSIONS,
                trend_items_spec(self.plan_years),
                trend_measures_spec(self.plan_years, self.years),
                REFRESH_LOG,
                dashboard_grades_spec(self.grades),
                DASHBOARD_EFFECTS,
            ),
        )

    @property
    def optional_inputs(self) -> tuple[TableSpec, ...]:
        """Input tables only some plans have (a master without them still loads)."""
        return (effect_plan_spec(self.plan_years),)

    def table(self, name: str) -> TableSpec:
        return next(
            t for t in (*self.inputs, *self.optional_inputs, *self.outputs, *self.cycle) if t.name == name
        )

    @property
    def output_sheets(self) -> list[str]:
        return list(dict.fromkeys(t.sheet for t in self.outputs))


SHEET_ORDER_HEAD = (SHEET_GUIDE, SHEET_DASHBOARD)
