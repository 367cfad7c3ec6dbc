"""The output sheets refresh owns entirely (評価結果, 取組評価, 財政効果, 基本方針別, 担当課別, 問題点, 年度推移,
更新履歴, the dashboard's chart data and figures): part of the contract (the package face hands every name on).

Tables whose columns follow the plan (its years, its grade labels) are built by a function of those; the default
S–D tables are built once as constants.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaikaku_xl.master.contract.inputs import SHEET_DASHBOARD
from kaikaku_xl.plan.scale import EXCLUDED, GRADES, NOT_GRADED
from kaikaku_xl.xlsx.tablespec import (
    FMT_GENERAL,
    FMT_INT,
    FMT_NUM,
    FMT_PCT,
    FMT_TEXT,
    FMT_YEN,
    Column,
    TableSpec,
)
from kaikaku_xl.years import year_header

# ---- output sheets (refresh owns them entirely) -----------------------------------------------------------
EVALUATION = TableSpec(
    "Evaluation",
    "評価結果",
    (
        Column("ID", "measure_id", FMT_TEXT, 7),
        Column("No", "item", FMT_INT, 6),
        Column("基本方針", "policy", FMT_INT, 9),
        Column("取組項目", "title", width=26, wrap=True),
        Column("主要担当課", "lead", width=16),
        Column("指標名", "name", width=28, wrap=True),
        Column("単位", "unit", width=7),
        Column("方向", "direction", width=7),
        Column("基準値", "baseline", FMT_NUM, 15, per_row_format=True),
        Column("目標値", "target", FMT_NUM, 15, per_row_format=True),
        Column("実績", "actual", FMT_NUM, 15, per_row_format=True),  # a 累計 measure: the running total
        Column("計画値", "planned", FMT_NUM, 15, per_row_format=True, digits=2),
        Column("集計", "aggregation", width=7),
        Column(
            "単年度の実績", "year_actual", FMT_NUM, 15, per_row_format=True
        ),  # 累計 measures: the year's own amount
        Column("計画進捗", "planned_progress", FMT_PCT, 10),
        Column("進捗率", "progress", FMT_PCT, 10),
        Column("達成率", "attainment", FMT_PCT, 10),
        Column("評価", "grade", width=7),
        Column("評価の根拠", "grade_basis", width=10),
        Column("財政効果額", "effect", FMT_YEN, 16),
        Column("効果区分", "effect_kind", width=10),
        Column("算入", "counted", width=7),
        Column("備考", "reason", width=36, wrap=True),
    ),
    output=True,
)

ITEM_RESULTS = TableSpec(
    "ItemResults",
    "取組評価",
    (
        Column("No", "item", FMT_INT, 6),
        Column("基本方針", "policy", FMT_INT, 9),
        Column("取組項目", "title", width=30, wrap=True),
        Column("主要担当課", "lead", width=18),
        Column("評価", "grade", width=7),
        Column("評価の区分", "grade_label", width=12),
        Column("評価の根拠", "grade_source", width=16),
        Column("進捗状況", "status", width=10),
        Column("単年度効果額", "single_year", FMT_YEN, 16),
        Column("累計効果額", "cumulative", FMT_YEN, 16),
        # Where the plan has a 効果額計画: that year's plan and 効果額達成率 (実績 ÷ 計画; − without a plan or at 0).
        Column("計画効果額", "plan_year", FMT_YEN, 16),
        Column("効果額達成率", "plan_attainment", FMT_PCT, 12),
    ),
    output=True,
)

EFFECTS = TableSpec(
    "Effects",
    "財政効果",
    (
        Column("年度", "year", "0", 8),
        Column("和暦", "wareki", width=12),
        Column("指標による効果額", "measures", FMT_YEN, 18),
        Column("台帳による効果額", "ledger", FMT_YEN, 18),
        Column("単年度効果額", "single_year", FMT_YEN, 18),
        Column("計画期間累計", "cumulative", FMT_YEN, 18),
        Column("計画効果額", "planned", FMT_YEN, 18),
        Column("計画累計", "planned_cumulative", FMT_YEN, 18),
        Column("効果額達成率", "attainment", FMT_PCT, 12),
        Column("累計達成率", "attainment_cumulative", FMT_PCT, 12),
        Column("参考換算額", "reference", FMT_YEN, 16),
        Column("未入力の指標数", "missing", FMT_INT, 10),  # counted measures without a value that year
        # The items' 効果額計画 of the year (where the plan has one) and 単年度効果額 ÷ it; − where not known or 0.
        Column("取組の計画効果額", "effect_plan", FMT_YEN, 18),
        Column("計画比達成率", "effect_plan_attainment", FMT_PCT, 12),
        Column("取組の計画累計", "effect_plan_cumulative", FMT_YEN, 18),
        Column("計画比累計達成率", "effect_plan_attainment_cumulative", FMT_PCT, 12),
    ),
    output=True,
)


ITEM_EFFECTS_TABLE = "ItemEffects"


def item_effects_spec(years: list[int]) -> TableSpec:
    return TableSpec(
        ITEM_EFFECTS_TABLE,
        "効果額内訳",
        (
            Column("No", "item", FMT_INT, 6),
            Column("取組項目", "title", width=26, wrap=True),
            Column("内訳", "source", width=32, wrap=True),
            Column("区分", "kind", width=10),
            Column("算入", "counted", width=7),
            *(Column(year_header(y), f"y{y}", FMT_YEN, 16) for y in years),
            Column("累計", "total", FMT_YEN, 18),
        ),
        output=True,
    )


def _grade_width(label: str, base: int) -> int:
    """Wide enough for a grade label ("S" keeps the default width; "概ね順調" needs more)."""
    return max(base, 2 * len(label) + 3)


# A scale whose grades have 点数 (鴨川): 得点 = Σ points of the graded items, 満点 = graded items × the top grade's
# points, 得点率 = 得点 ÷ 満点 (− and 対象外 items are in neither: their counts are the columns − and 対象外).
SCORE_COLUMNS = (
    Column("得点", "score", FMT_GENERAL, 8),
    Column("満点", "full_score", FMT_GENERAL, 8),
    Column("得点率", "score_rate", FMT_PCT, 9),
)


def _summary_columns(
    first: Column, grades: tuple[str, ...] = GRADES, points: bool = False
) -> tuple[Column, ...]:
    return (
        first,
        Column("名称", "name", width=28, wrap=True),
        Column("項目数", "items", FMT_INT, 8),
        Column("評価対象", "graded", FMT_INT, 9),
        *(Column(g, f"n_{g}", FMT_INT, _grade_width(g, 6)) for g in grades),
        Column(NOT_GRADED, f"n_{NOT_GRADED}", FMT_INT, 6),
        Column(EXCLUDED, f"n_{EXCLUDED}", FMT_INT, 7),
        *(Column(f"{g}割合", f"share_{g}", FMT_PCT, _grade_width(g + "割合", 9)) for g in grades),
        *(SCORE_COLUMNS if points else ()),
        Column("平均進捗率", "mean_progress", FMT_PCT, 11),
        Column("単年度効果額", "effect_year", FMT_YEN, 16),
        Column("累計効果額", "effect_cumulative", FMT_YEN, 16),
        # Counted measures without a value this year: the 単年度効果額 beside it is over the others (blank: none known).
        Column("未入力の指標数", "effect_year_missing", FMT_INT, 10),
        Column("算入した指標", "counted_measures", width=30, wrap=True),
        Column(
            "計画効果額", "effect_plan_year", FMT_YEN, 16
        ),  # the items' 効果額計画 of the year (blank: none)
        Column("効果額達成率", "effect_plan_attainment", FMT_PCT, 12),  # 単年度効果額 ÷ 計画効果額
        Column("効果額の割合", "effect_share", FMT_PCT, 10),  # share of the year's 財政効果額 (分野別割合)
    )


def policy_summary_spec(grades: tuple[str, ...] = GRADES, points: bool = False) -> TableSpec:
    """points: the scale gives its grades 点数 (the 得点・満点・得点率 columns after the shares)."""
    return TableSpec(
        "PolicySummary",
        "基本方針別",
        _summary_columns(Column("基本方針", "group", width=9), grades, points),
        output=True,
    )


def department_summary_spec(grades: tuple[str, ...] = GRADES, points: bool = False) -> TableSpec:
    return TableSpec(
        "DepartmentSummary",
        "担当課別",
        _summary_columns(Column("主要担当課", "group", width=18), grades, points),
        output=True,
    )


# The default scale's (S..D) tables; a plan with its own scale gets its own from Layout(grades=...).
POLICY_SUMMARY = policy_summary_spec()
DEPARTMENT_SUMMARY = department_summary_spec()

PROBLEMS = TableSpec(
    "Problems",
    "問題点",
    (
        Column("重要度", "severity", width=8),
        Column("シート", "sheet", width=14),
        Column("セル", "cell", width=9),
        Column("内容", "message", width=60, wrap=True),
        Column("対処", "action", width=50, wrap=True),
    ),
    output=True,
)

REFRESH_LOG = TableSpec(
    "RefreshLog",
    "更新履歴",
    (
        Column("日時", "time", width=20),
        Column("利用者", "user", width=14),
        Column("実行方法", "door", width=12),
        Column("評価年度", "evaluation_year", "0", 9),
        Column("評価済項目", "graded", FMT_INT, 10),
        Column("単年度効果額", "single_year", FMT_YEN, 18),
        Column("累計効果額", "cumulative", FMT_YEN, 18),
        Column("エラー", "errors", FMT_INT, 8),
        Column("警告", "warnings", FMT_INT, 8),
        Column("入力フィンガープリント", "fingerprint", width=20),
    ),
    output=True,
)


# The dashboard's chart source data: fixed shape so the charts' ranges never move. The grade table counts each
# 基本方針's items per grade and those running without a grade (未評価: the chart's grey band), so a year half
# collected does not look complete; the chart draws every column after the name.
DASHBOARD_NOT_GRADED = "未評価"  # the header of the items without a grade (− : 未入力・評価不能)
# the effects table's first column (I) with the default scale: where every master has it
DASHBOARD_EFFECTS_COL = 9


def dashboard_grades_spec(grades: tuple[str, ...] = GRADES) -> TableSpec:
    return TableSpec(
        "DashboardGrades",
        SHEET_DASHBOARD,
        (
            Column("基本方針", "name", width=32, wrap=True),  # the name, its counts below it
            *(Column(f"{g}", f"n_{g}", FMT_INT, _grade_width(g, 8)) for g in grades),
            Column(DASHBOARD_NOT_GRADED, f"n_{NOT_GRADED}", FMT_INT, 8),
        ),
        anchor_row=9,
        output=True,
    )


def dashboard_effects_spec(grades: tuple[str, ...] = GRADES) -> TableSpec:
    """Beside the grade table: in column I, or right after a longer scale's table (never over it)."""
    return TableSpec(
        "DashboardEffects",
        SHEET_DASHBOARD,
        (
            Column("区分", "label", width=26),
            Column("財政効果額", "amount", FMT_YEN, 18),
        ),
        anchor_row=9,
        anchor_col=max(DASHBOARD_EFFECTS_COL, 1 + len(dashboard_grades_spec(grades).columns)),
        output=True,
    )


DASHBOARD_GRADES = dashboard_grades_spec()
DASHBOARD_EFFECTS = dashboard_effects_spec()


# 年度推移: each item's grade per year, each measure's actual against its planned path (two rows per measure, the
# source of one small chart per measure that the builder anchors below the tables).
SHEET_TREND = "年度推移"
TREND_ACTUAL, TREND_PLANNED = "実績", "計画値"
TREND_ITEMS_TABLE, TREND_MEASURES_TABLE = "TrendItems", "TrendMeasures"


def trend_items_spec(plan_years: list[int]) -> TableSpec:
    return TableSpec(
        TREND_ITEMS_TABLE,
        SHEET_TREND,
        (
            Column("No", "item", FMT_INT, 6),
            Column("取組項目", "title", width=26, wrap=True),
            Column("主要担当課", "lead", width=14),
            *(Column(year_header(y), f"g{y}", width=9) for y in plan_years),
        ),
        output=True,
    )


def trend_measures_spec(plan_years: list[int], years: list[int]) -> TableSpec:
    return TableSpec(
        TREND_MEASURES_TABLE,
        SHEET_TREND,
        (
            Column("ID", "measure_id", FMT_TEXT, 7),
            Column("指標名", "name", width=26, wrap=True),
            Column("単位", "unit", width=6),
            Column("系列", "series", width=7),
            *(Column(year_header(y), f"y{y}", FMT_NUM, 13, per_row_format=True) for y in years),
        ),
        output=True,
        anchor_col=3 + len(plan_years) + 2,
    )


@dataclass(frozen=True)
class Kpi:
    """A figure at the top of the dashboard: its label in column A, its value in column B of `row`."""

    key: str
    label: str
    row: int
    fmt: str | None = None

    @property
    def label_cell(self) -> str:
        return f"A{self.row}"

    @property
    def cell(self) -> str:
        return f"B{self.row}"


DASHBOARD_KPIS = (
    Kpi("evaluation_year", "評価年度", 3),
    Kpi("graded", "評価した取組項目", 4),
    Kpi("single_year", "単年度財政効果額", 5, FMT_YEN),
    Kpi("cumulative", "計画期間累計", 6, FMT_YEN),
    Kpi("updated", "最終更新", 7),
)
