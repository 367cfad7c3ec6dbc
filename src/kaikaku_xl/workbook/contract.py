"""The master workbook's contract: every sheet, table and column name, in ONE place.

Excel tables (ListObjects) with English names are the contract between the workbook and the code; sheet names
and column headers are Japanese because staff read them. Engines, workflows and the builder all import from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..metrics.grades import EXCLUDED, GRADES, NOT_GRADED
from ..plan import MONEY_KINDS
from ..years import wareki_year

# Number formats (Excel syntax). Amounts are whole yen with separators; negatives shown with △ in red.
FMT_YEN = '#,##0"円";[Red]"△"#,##0"円"'
FMT_INT = "#,##0"
# A measure's values (基準値, 目標値, 実績 …): "#,##0" in the column, each row set to its measure's decimals
# (numformat.number_format). Never "#,##0.##": Excel shows whole numbers with a trailing dot.
FMT_NUM = FMT_INT
FMT_PCT = "0.0%"
FMT_TEXT = "@"
FMT_GENERAL = "General"

PASSWORD_NOTE = "kaikaku"  # documented in README and the 使い方 sheet: protection guards against slips, not people


@dataclass(frozen=True)
class Column:
    header: str
    key: str  # the frame column it maps to
    fmt: str = FMT_GENERAL
    width: float = 12
    wrap: bool = False
    per_measure: bool = False  # number format from the row's measure (its decimals), not one for the column
    digits: int | None = None  # refresh stores the value rounded to these decimals (workbook/rows.py)


@dataclass(frozen=True)
class TableSpec:
    name: str  # the ListObject name (English, the contract)
    sheet: str  # Japanese sheet name
    columns: tuple[Column, ...]
    anchor_row: int = 3  # header row; row 1 holds the sheet title, row 2 a short note
    output: bool = False  # written only by refresh
    anchor_col: int = 1

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def year_header(year: int) -> str:
    return f"{year}年度"


def wareki(year: int) -> str:
    """2026 -> 令和8年度."""
    return f"{wareki_year(year)}年度"


# ---- input sheets ---------------------------------------------------------------------------------------
SHEET_GUIDE = "使い方"
SHEET_DASHBOARD = "ダッシュボード"

SETTINGS = TableSpec("Settings", "設定", (
    Column("キー", "key", width=20),
    Column("項目", "label", width=30),
    Column("値", "value", width=14),
    Column("説明", "note", width=80, wrap=True),
))

PLAN_INFO_KEYS = (
    ("name", "計画名"), ("subtitle", "副題"), ("city", "地方公共団体名"), ("city_code", "全国地方公共団体コード"),
    ("baseline_year", "基準年度"), ("start_year", "計画開始年度"), ("end_year", "計画終了年度"),
)
PLAN_INFO = TableSpec("PlanInfo", "計画情報", (
    Column("キー", "key", width=16),
    Column("項目", "label", width=24),
    Column("値", "value", FMT_TEXT, 60),
))
HISTORY = TableSpec("History", "計画情報", (
    Column("計画", "name", width=26),
    Column("財政効果額", "effect_yen", FMT_YEN, 20),
    Column("時点", "as_of", width=10),
), anchor_col=5)

ITEMS = TableSpec("Items", "取組項目", (
    Column("No", "item", FMT_INT, 6),
    Column("基本方針", "policy", FMT_INT, 9),
    Column("基本方針名", "policy_name", width=24),
    Column("取組項目", "title", width=30, wrap=True),
    Column("取組概要", "summary", width=60, wrap=True),
    Column("取組内容", "actions", width=60, wrap=True),
    Column("主要担当課", "lead", width=18),
    Column("担当課", "departments", width=30, wrap=True),
    Column("開始年度", "start_year", "0", 9),  # blank = from the plan's start (items added mid-plan have one)
    Column("終了年度", "end_year", "0", 9),
    # The middle level of a three-level plan (基本方針 → 推進項目 → 取組); blank in a two-level plan.
    Column("推進項目", "section", FMT_TEXT, 9),
    Column("推進項目名", "section_name", width=24),
))

MEASURES = TableSpec("Measures", "指標", (
    Column("ID", "measure_id", FMT_TEXT, 7),
    Column("No", "item", FMT_INT, 6),
    Column("指標名", "name", width=32, wrap=True),
    Column("単位", "unit", width=7),
    Column("方向", "direction", width=7),
    Column("基準値", "baseline", FMT_NUM, 16, per_measure=True),
    Column("目標値", "target", FMT_NUM, 16, per_measure=True),
    Column("効果区分", "effect_kind", width=10),
    Column("効果額に算入", "include_in_effect", width=12),
    Column("備考", "note", width=40, wrap=True),
    Column("小数桁", "decimals", "0", 8),  # decimals shown for this measure (blank: from the unit)
    # The measure's own plausible range where it differs from its unit's (設定 sheet); なし = no limit.
    Column("許容下限", "allowed_min", FMT_NUM, 10),
    Column("許容上限", "allowed_max", FMT_NUM, 10),
    # 累計: staff enter each year's amount, graded on the running total (blank = each year's value is the level).
    Column("集計", "aggregation", width=8),
))
MEASURE_OPTIONAL_KEYS = ("decimals", "allowed_min", "allowed_max", "aggregation")  # masters built before these columns still load

STATUS_VALUES = ("未着手", "実施中", "完了", EXCLUDED)  # 対象外: the item is left out of this year
STATUS = TableSpec("Status", "進捗状況", (
    Column("No", "item", FMT_INT, 6),
    Column("取組項目", "title", width=28, wrap=True),
    Column("年度", "year", "0", 8),
    Column("進捗状況", "status", width=10),
    Column("評価（指標なし項目）", "grade", width=12),
    Column("取組実績", "results", width=45, wrap=True),
    Column("課題", "issues", width=35, wrap=True),
    Column("今後の方向性", "next", width=35, wrap=True),
))

LEDGER_KINDS = MONEY_KINDS  # the ledger holds money only (no 参考 conversions)
LEDGER = TableSpec("EffectLedger", "効果額台帳", (
    Column("No", "item", FMT_INT, 6),
    Column("年度", "year", "0", 8),
    Column("区分", "kind", width=10),
    Column("金額", "amount", FMT_YEN, 18),
    Column("内容", "what", width=40, wrap=True),
    Column("算定根拠", "basis", width=50, wrap=True),
))


def actuals_spec(years: list[int]) -> TableSpec:
    return TableSpec("Actuals", "実績", (
        Column("No", "item", FMT_INT, 6),
        Column("指標名", "name", width=32, wrap=True),
        Column("単位", "unit", width=7),
        *(Column(year_header(y), f"y{y}", FMT_NUM, 16, per_measure=True) for y in years),
    ))


def effect_plan_spec(plan_years: list[int]) -> TableSpec:
    """Planned 財政効果額 per item and plan year (only in masters of plans that have one)."""
    return TableSpec("EffectPlan", "効果額計画", (
        Column("No", "item", FMT_INT, 6),
        Column("取組項目", "title", width=30, wrap=True),
        *(Column(year_header(y), f"y{y}", FMT_YEN, 16) for y in plan_years),
    ))


def targets_spec(years: list[int]) -> TableSpec:
    return TableSpec("Targets", "年度目標", (
        Column("No", "item", FMT_INT, 6),
        Column("指標名", "name", width=32, wrap=True),
        Column("単位", "unit", width=7),
        *(Column(year_header(y), f"y{y}", FMT_NUM, 16, per_measure=True) for y in years),
    ))


# ---- output sheets (refresh owns them entirely) -----------------------------------------------------------
EVALUATION = TableSpec("Evaluation", "評価結果", (
    Column("ID", "measure_id", FMT_TEXT, 7),
    Column("No", "item", FMT_INT, 6),
    Column("基本方針", "policy", FMT_INT, 9),
    Column("取組項目", "title", width=26, wrap=True),
    Column("主要担当課", "lead", width=16),
    Column("指標名", "name", width=28, wrap=True),
    Column("単位", "unit", width=7),
    Column("方向", "direction", width=7),
    Column("基準値", "baseline", FMT_NUM, 15, per_measure=True),
    Column("目標値", "target", FMT_NUM, 15, per_measure=True),
    Column("実績", "actual", FMT_NUM, 15, per_measure=True),  # a 累計 measure: the running total
    Column("計画値", "planned", FMT_NUM, 15, per_measure=True, digits=2),
    Column("集計", "aggregation", width=7),
    Column("単年度の実績", "year_actual", FMT_NUM, 15, per_measure=True),  # 累計 measures: the year's own amount
    Column("計画進捗", "planned_progress", FMT_PCT, 10),
    Column("進捗率", "progress", FMT_PCT, 10),
    Column("達成率", "attainment", FMT_PCT, 10),
    Column("評価", "grade", width=7),
    Column("評価の根拠", "grade_basis", width=10),
    Column("財政効果額", "effect", FMT_YEN, 16),
    Column("効果区分", "effect_kind", width=10),
    Column("算入", "counted", width=7),
    Column("備考", "reason", width=36, wrap=True),
), output=True)

ITEM_RESULTS = TableSpec("ItemResults", "取組評価", (
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
), output=True)

EFFECTS = TableSpec("Effects", "財政効果", (
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
), output=True)


def item_effects_spec(years: list[int]) -> TableSpec:
    return TableSpec("ItemEffects", "効果額内訳", (
        Column("No", "item", FMT_INT, 6),
        Column("取組項目", "title", width=26, wrap=True),
        Column("内訳", "source", width=32, wrap=True),
        Column("区分", "kind", width=10),
        Column("算入", "counted", width=7),
        *(Column(year_header(y), f"y{y}", FMT_YEN, 16) for y in years),
        Column("累計", "total", FMT_YEN, 18),
    ), output=True)


def _grade_width(label: str, base: int) -> int:
    """Wide enough for a grade label ("S" keeps the default width; "概ね順調" needs more)."""
    return max(base, 2 * len(label) + 3)


def _summary_columns(first: Column, grades: tuple[str, ...] = GRADES) -> tuple[Column, ...]:
    return (
        first,
        Column("名称", "name", width=28, wrap=True),
        Column("項目数", "items", FMT_INT, 8),
        Column("評価対象", "graded", FMT_INT, 9),
        *(Column(g, f"n_{g}", FMT_INT, _grade_width(g, 6)) for g in grades),
        Column(NOT_GRADED, f"n_{NOT_GRADED}", FMT_INT, 6),
        Column(EXCLUDED, f"n_{EXCLUDED}", FMT_INT, 7),
        *(Column(f"{g}割合", f"share_{g}", FMT_PCT, _grade_width(g + "割合", 9)) for g in grades),
        Column("平均進捗率", "mean_progress", FMT_PCT, 11),
        Column("単年度効果額", "effect_year", FMT_YEN, 16),
        Column("累計効果額", "effect_cumulative", FMT_YEN, 16),
        # Counted measures without a value this year: the 単年度効果額 beside it is over the others (blank: none known).
        Column("未入力の指標数", "effect_year_missing", FMT_INT, 10),
        Column("算入した指標", "counted_measures", width=30, wrap=True),
        Column("計画効果額", "effect_plan_year", FMT_YEN, 16),  # the items' 効果額計画 of the year (blank: none)
        Column("効果額達成率", "effect_plan_attainment", FMT_PCT, 12),  # 単年度効果額 ÷ 計画効果額
        Column("効果額の割合", "effect_share", FMT_PCT, 10),  # share of the year's 財政効果額 (分野別割合)
    )


def policy_summary_spec(grades: tuple[str, ...] = GRADES) -> TableSpec:
    return TableSpec("PolicySummary", "基本方針別", _summary_columns(Column("基本方針", "group", width=9), grades),
                     output=True)


def department_summary_spec(grades: tuple[str, ...] = GRADES) -> TableSpec:
    return TableSpec("DepartmentSummary", "担当課別", _summary_columns(Column("主要担当課", "group", width=18), grades),
                     output=True)


# The default scale's (S..D) tables; a plan with its own scale gets its own from Layout(grades=...).
POLICY_SUMMARY = policy_summary_spec()
DEPARTMENT_SUMMARY = department_summary_spec()

PROBLEMS = TableSpec("Problems", "問題点", (
    Column("重要度", "severity", width=8),
    Column("シート", "sheet", width=14),
    Column("セル", "cell", width=9),
    Column("内容", "message", width=60, wrap=True),
    Column("対処", "action", width=50, wrap=True),
), output=True)

REFRESH_LOG = TableSpec("RefreshLog", "更新履歴", (
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
), output=True)

# The dashboard's chart source data: fixed shape so the charts' ranges never move.
def dashboard_grades_spec(grades: tuple[str, ...] = GRADES) -> TableSpec:
    return TableSpec("DashboardGrades", SHEET_DASHBOARD, (
        Column("基本方針", "name", width=26),
        *(Column(f"{g}", f"share_{g}", FMT_PCT, _grade_width(g, 8)) for g in grades),
    ), anchor_row=9, output=True)


DASHBOARD_GRADES = dashboard_grades_spec()
DASHBOARD_EFFECTS = TableSpec("DashboardEffects", SHEET_DASHBOARD, (
    Column("区分", "label", width=26),
    Column("財政効果額", "amount", FMT_YEN, 18),
), anchor_row=9, anchor_col=9, output=True)


# 年度推移: each item's grade per year, each measure's actual against its planned path (two rows per measure, the
# source of one small chart per measure that the builder anchors below the tables).
SHEET_TREND = "年度推移"
TREND_ACTUAL, TREND_PLANNED = "実績", "計画値"


def trend_items_spec(plan_years: list[int]) -> TableSpec:
    return TableSpec("TrendItems", SHEET_TREND, (
        Column("No", "item", FMT_INT, 6),
        Column("取組項目", "title", width=26, wrap=True),
        Column("主要担当課", "lead", width=14),
        *(Column(year_header(y), f"g{y}", width=9) for y in plan_years),
    ), output=True)


def trend_measures_spec(plan_years: list[int], years: list[int]) -> TableSpec:
    return TableSpec("TrendMeasures", SHEET_TREND, (
        Column("ID", "measure_id", FMT_TEXT, 7),
        Column("指標名", "name", width=26, wrap=True),
        Column("単位", "unit", width=6),
        Column("系列", "series", width=7),
        *(Column(year_header(y), f"y{y}", FMT_NUM, 13, per_measure=True) for y in years),
    ), output=True, anchor_col=3 + len(plan_years) + 2)


# ---- the yearly cycle (distribute / collect / status / close a year) --------------------------------------
# Every record of the cycle lives in worksheet tables of the master (hidden where staff need not see them), so a
# master saved by Excel, LibreOffice or openpyxl keeps the cycle working. Each hidden table has a sheet of its own.
CYCLE_INFO = TableSpec("CycleInfo", "管理情報", (
    Column("キー", "key", width=16),
    Column("値", "value", FMT_TEXT, 40),
), anchor_row=1)
MASTER_ID_KEY = "master_id"

DISTRIBUTIONS = TableSpec("Distributions", "配布記録", (
    Column("配布ID", "distribution_id", FMT_TEXT, 14),
    Column("主要担当課", "department", width=18),
    Column("年度", "year", "0", 8),
    Column("配布日時", "distributed_at", width=20),
    Column("提出期限", "due", width=12),
    Column("ファイル", "file", width=40),
    Column("フィンガープリント", "fingerprint", FMT_TEXT, 20),
    Column("回収日時", "collected_at", width=20),
    Column("回収ファイル", "collected_file", width=40),
), anchor_row=1)

# The value of each cell a department owns, as distributed and as last synchronised: the base of the
# three-way merge (base / master now / returned file).
DISTRIBUTED_VALUES = TableSpec("DistributedValues", "配布時の値", (
    Column("配布ID", "distribution_id", FMT_TEXT, 14),
    Column("表", "table", width=14),
    Column("行", "row_key", FMT_TEXT, 14),
    Column("列", "column", width=12),
    Column("値", "value", width=40),
), anchor_row=1)

CHANGE_LOG = TableSpec("ChangeLog", "変更履歴", (
    Column("日時", "time", width=20),
    Column("種別", "kind", width=8),
    Column("主要担当課", "department", width=16),
    Column("ファイル", "file", width=30),
    Column("シート", "sheet", width=12),
    Column("セル", "cell", width=8),
    Column("変更前", "old", width=20, wrap=True),
    Column("変更後", "new", width=20, wrap=True),
    Column("内容", "note", width=50, wrap=True),
))
LOG_APPLIED, LOG_CONFLICT, LOG_REFUSED, LOG_CLOSE, LOG_REOPEN = "適用", "競合", "拒否", "年度締め", "締め解除"

CLOSED_YEARS = TableSpec("ClosedYears", "締めた年度", (
    Column("年度", "year", "0", 8),
    Column("締めた日時", "closed_at", width=20),
    Column("利用者", "user", width=14),
    Column("入力フィンガープリント", "fingerprint", FMT_TEXT, 20),
), anchor_row=1)

# A closed year's results and the inputs they came from, one value per row (evaluation of a closed year reads
# these, never recomputes).
YEAR_RESULTS = TableSpec("YearResults", "年度確定値", (
    Column("年度", "year", "0", 8),
    Column("区分", "kind", width=10),
    Column("キー", "key", FMT_TEXT, 14),
    Column("項目", "field", width=16),
    Column("値", "value", width=30),
), anchor_row=1)

SUBMISSIONS = TableSpec("Submissions", "提出状況", (
    Column("主要担当課", "department", width=18),
    Column("年度", "year", "0", 8),
    Column("配布日時", "distributed_at", width=20),
    Column("提出期限", "due", width=12),
    Column("回収日時", "collected_at", width=20),
    Column("回収済", "collected", width=8),
    Column("未入力数", "missing", FMT_INT, 9),
    Column("未入力", "missing_cells", width=50, wrap=True),
    Column("記述の不足", "narratives", width=50, wrap=True),
), output=True)

CYCLE_TABLES = (CYCLE_INFO, DISTRIBUTIONS, DISTRIBUTED_VALUES, CHANGE_LOG, CLOSED_YEARS, YEAR_RESULTS)
HIDDEN_CYCLE_SHEETS = tuple(t.sheet for t in CYCLE_TABLES if t is not CHANGE_LOG)

# The department workbook: the same input tables (names, headers) as the master, a guide and a hidden identity.
SHEET_DEPARTMENT_GUIDE = "記入方法"
IDENTITY = TableSpec("KaikakuIdentity", "配布情報", (
    Column("キー", "key", width=16),
    Column("値", "value", FMT_TEXT, 40),
), anchor_row=1)
IDENTITY_KEYS = ("master_id", "distribution_id", "department", "year", "distributed_at", "due", "fingerprint")
DEPARTMENT_TABLES = ("Actuals", "Status", "EffectLedger")


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
        object.__setattr__(self, "inputs", (
            SETTINGS, PLAN_INFO, HISTORY, ITEMS, MEASURES, actuals_spec(self.years), targets_spec(self.years), STATUS, LEDGER,
            *((GRADE_SCALE,) if self.own_scale else ()),
        ))
        object.__setattr__(self, "outputs", (
            EVALUATION, ITEM_RESULTS, EFFECTS, item_effects_spec(self.plan_years), policy_summary_spec(self.grades),
            department_summary_spec(self.grades), PROBLEMS, SUBMISSIONS, trend_items_spec(self.plan_years),
            trend_measures_spec(self.plan_years, self.years), REFRESH_LOG, dashboard_grades_spec(self.grades),
            DASHBOARD_EFFECTS,
        ))

    @property
    def optional_inputs(self) -> tuple[TableSpec, ...]:
        """Input tables only some plans have (a master without them still loads)."""
        return (effect_plan_spec(self.plan_years),)

    def table(self, name: str) -> TableSpec:
        return next(t for t in (*self.inputs, *self.optional_inputs, *self.outputs, *self.cycle) if t.name == name)

    @property
    def output_sheets(self) -> list[str]:
        return list(dict.fromkeys(t.sheet for t in self.outputs))


SHEET_ORDER_HEAD = (SHEET_GUIDE, SHEET_DASHBOARD)


# ---- the Excel front door (.xlsm): the 操作 sheet, the defined names the macros read, xlwings.conf ----------
SHEET_ACTIONS = "操作"

ACTION_REFRESH, ACTION_VALIDATE, ACTION_EXPORT = "更新", "検証", "出力"
ACTION_DISTRIBUTE, ACTION_COLLECT = "配布", "回収"  # the yearly cycle; folders from the 設定 sheet
ACTIONS = (ACTION_REFRESH, ACTION_VALIDATE, ACTION_EXPORT, ACTION_DISTRIBUTE, ACTION_COLLECT)

# Workbook-scoped defined names: the contract between the 操作 sheet and the macros (cells may move).
NAME_ACTION = "kaikaku_action"
NAME_STATUS = "kaikaku_status"
NAME_EXPORT_DIR = "kaikaku_export_dir"
DEFAULT_EXPORT_DIR = "出力"  # relative to the workbook's folder


@dataclass(frozen=True)
class ActionCells:
    """Where the 操作 sheet keeps its cells (A1 addresses)."""

    action: str = "B4"
    status: str = "B6"
    export_dir: str = "B8"
    button: str = "D4"  # top-left cell of the 更新 button


ACTION_CELLS = ActionCells()

# xlwings (classic): the VBA reads its settings from a sheet of this exact name, keys from A1 downwards.
CONF_SHEET = "xlwings.conf"
UDF_MODULE = "kaikaku_udfs"
BUTTON_MACRO = "SampleCall"  # Module1.SampleCall of xlwings' quickstart_standalone.xlsm
BUTTON_CAPTION = "更新"
TEMPLATE = "quickstart_standalone.xlsm"


# ---- the plan workbook (`kaikaku plan template`): how a city writes its plan in Excel ---------------------
# One sheet per part of the plan; `kaikaku init --plan PLAN.xlsx` reads it (plan_io/reader.py). The header row
# is row 3 like the master; rows whose first cell starts with 例 are examples and never read.
EXAMPLE_MARK = "例"


@dataclass(frozen=True)
class PlanField:
    key: str  # the attribute of Plan (and the [plan] key of the TOML)
    label: str
    required: bool
    note: str
    example: str


PLAN_FIELDS = (
    PlanField("name", "計画名", True, "計画の正式名称。資料の表題になります。", "〇〇市行財政改革推進計画"),
    PlanField("subtitle", "副題", False, "大綱名など（任意）。", "第3次〇〇市行財政改革大綱"),
    PlanField("city", "地方公共団体名", True, "市町村名。", "〇〇市"),
    PlanField("city_code", "全国地方公共団体コード", False, "6桁（検査数字付き）。オープンデータに使います。", "000000（6桁）"),
    PlanField("baseline_year", "基準年度", True, "基準値の年度（西暦）。", "2024"),
    PlanField("start_year", "計画開始年度", True, "推進期間の最初の年度（西暦）。基準年度より後。", "2026"),
    PlanField("end_year", "計画終了年度", True, "推進期間の最後の年度（西暦）。目標値はこの年度の値です。", "2030"),
    PlanField("published", "策定時期", False, "例: 2026-03（任意）。", "2026-03"),
    PlanField("basic_goal", "基本目標", False, "計画の基本目標（任意）。", "持続可能な行財政運営"),
    PlanField("basic_goal_text", "基本目標の説明", False, "任意。", ""),
    PlanField("english_name", "英語名", False, "任意。", ""),
)
PLAN_SHEET = TableSpec("PlanHead", "計画", (
    Column("項目", "label", width=24),
    Column("値", "value", FMT_TEXT, 50, wrap=True),
    Column("説明", "note", width=60, wrap=True),
))
PLAN_POLICIES = TableSpec("PlanPolicies", "基本方針", (
    Column("No", "no", FMT_INT, 6),
    Column("基本方針名", "name", width=36, wrap=True),
    Column("内容（1行に1つ）", "bullets", width=80, wrap=True),
))
PLAN_ITEMS = TableSpec("PlanItems", "取組項目", (
    Column("No", "no", width=8),
    Column("基本方針", "policy", FMT_INT, 9),
    Column("取組項目名", "title", width=30, wrap=True),
    Column("取組概要", "summary", width=50, wrap=True),
    Column("取組内容（1行に1つ）", "actions", width=50, wrap=True),
    Column("主要担当課", "lead", width=18),
    Column("担当課（、区切り）", "departments", width=30, wrap=True),
    Column("開始年度", "start_year", "0", 9),
    Column("終了年度", "end_year", "0", 9),
    Column("推進項目", "section", width=9),
))
PLAN_SECTIONS = TableSpec("PlanSections", "推進項目", (
    Column("No", "no", width=8),
    Column("基本方針", "policy", FMT_INT, 9),
    Column("推進項目名", "name", width=40, wrap=True),
))
PLAN_MEASURES = TableSpec("PlanMeasures", "指標", (
    Column("No", "item", width=8),
    Column("指標名", "name", width=32, wrap=True),
    Column("単位", "unit", width=8),
    Column("方向", "direction", width=8),
    Column("基準値", "baseline", FMT_NUM, 16),
    Column("目標値", "target", FMT_NUM, 16),
    Column("効果区分", "effect_kind", width=10),
    Column("効果額に算入", "include_in_effect", width=12),
    Column("備考", "note", width=40, wrap=True),
    Column("集計", "aggregation", width=8),
))
PLAN_HISTORY = TableSpec("PlanHistory", "これまでの効果額", (
    Column("計画名", "name", width=30),
    Column("財政効果額（円）", "effect_yen", FMT_YEN, 20),
    Column("時点", "as_of", width=10),
    Column("主な取組（1行に1つ）", "main_efforts", width=50, wrap=True),
))
# The plan's grade scale (issue 9): one row per grade, best first. The same columns in the plan workbook and, for a
# plan with its own scale, in the master (sheet 評価区分, table GradeScale); the default S–D keeps its thresholds
# in the 設定 sheet and has no such table.
GRADE_SCALE_COLUMNS = (
    Column("評価", "label", width=12),
    Column("意味", "name", width=24, wrap=True),
    Column("色", "color", FMT_TEXT, 10),
    Column("基準", "basis", width=10),
    Column("しきい値", "threshold", FMT_GENERAL, 10),
    Column("要説明", "explain", width=8),
)
PLAN_GRADES = TableSpec("PlanGrades", "評価区分", GRADE_SCALE_COLUMNS)
GRADE_SCALE = TableSpec("GradeScale", "評価区分", GRADE_SCALE_COLUMNS)  # the master's copy (an input sheet)
PLAN_EFFECTS = TableSpec("PlanEffects", "効果額計画", (
    Column("No", "item", width=8),
    Column("年度", "year", "0", 8),
    Column("計画効果額（円）", "amount", FMT_YEN, 20),
))
PLAN_TABLES = (PLAN_POLICIES, PLAN_ITEMS, PLAN_MEASURES, PLAN_HISTORY, PLAN_GRADES, PLAN_SECTIONS, PLAN_EFFECTS)  # optional sheets last
# Columns that must be filled on every row (the rest are optional).
PLAN_REQUIRED = {
    PLAN_POLICIES.name: ("no", "name"),
    PLAN_ITEMS.name: ("no", "policy", "title", "lead"),
    PLAN_MEASURES.name: ("item", "name", "unit", "direction", "baseline", "target"),
    PLAN_HISTORY.name: ("name", "effect_yen"),
    PLAN_GRADES.name: ("label", "basis"),
    PLAN_EFFECTS.name: ("item", "year", "amount"),
    PLAN_SECTIONS.name: ("no", "policy", "name"),
}
# The note shown on each header (an Excel comment) and above the table: what to write there.
PLAN_NOTES = {
    "PlanPolicies": "計画の基本方針（柱）を1行に1つ書きます。No は取組項目シートの「基本方針」で使います。",
    "PlanItems": "取組項目を1行に1つ書きます。No は計画書の番号。指標がない項目は指標シートに書かなくて構いません。",
    "PlanMeasures": "数値目標（指標）を1行に1つ書きます。1つの取組項目に複数の指標があれば行を分けます（最初の行が主指標）。",
    "PlanHistory": "これまでの計画の財政効果額（任意）。ダッシュボードのグラフに表示します。",
    "PlanHead": "黄色の「値」の列に計画の基本情報を書きます。* は必須です。",
    "PlanGrades": "評価の段階を良い順に1行に1つ。記入済みは標準の S〜D（変えなければそのまま）。担当課が評価を選ぶ計画は"
                  "基準をすべて「入力」にします。",
    "PlanSections": "計画が 基本方針 → 推進項目 → 取組項目 の3段のときだけ書きます（任意）。2段の計画では空のままにします。",
    "PlanEffects": "取組項目ごと・年度ごとの財政効果額の計画（任意）。書いた項目・年度について効果額達成率（実績÷計画）を出します。",
}
PLAN_COLUMN_NOTES = {
    ("PlanItems", "no"): "計画書の番号。1, 2, 10 のような数字のほか R1-3、2-(1)-3 のような文字も使えます（自然な順に並びます）。",
    ("PlanItems", "policy"): "基本方針シートの No。",
    ("PlanItems", "start_year"): "計画の途中から始める項目だけ、最初の年度（西暦）。空欄は計画開始年度から。その前の年度は数えません。",
    ("PlanItems", "end_year"): "途中で終える項目だけ、最後の年度（西暦）。空欄は計画終了年度まで。",
    ("PlanItems", "section"): "3段の計画だけ: 推進項目シートの No。基本方針はその推進項目の基本方針と同じにします。",
    ("PlanSections", "no"): "推進項目の番号（1-(1) のような文字も可）。取組項目シートの「推進項目」で使います。",
    ("PlanItems", "lead"): "評価と集計の単位になる主要担当課（1つ）。",
    ("PlanItems", "departments"): "関係課を「、」で区切って書きます（主要担当課を含めなくても構いません）。",
    ("PlanMeasures", "item"): "取組項目シートの No。",
    ("PlanGrades", "label"): "セルに表示する評価（S、良好 など）。上ほど良い評価。−・対象外・未入力 は使えません。",
    ("PlanGrades", "name"): "評価の意味（凡例に表示。任意）。",
    ("PlanGrades", "color"): "グラフ・凡例の色。16進6桁 RRGGBB（例 2E75B6）。空欄は色なし。",
    ("PlanGrades", "basis"): "進捗率（進捗率 ≧ しきい値）・計画比（進捗率 ≧ しきい値 × 計画進捗）・それ以外（最後の評価）・"
                              "入力（担当課が選ぶ）。",
    ("PlanGrades", "threshold"): "基準が進捗率・計画比のときの値。1 = 100%。上の評価ほど大きく。",
    ("PlanGrades", "explain"): "はい＝この評価の項目は取組実績・課題・今後の方向性の記入が必要。",
    ("PlanEffects", "item"): "取組項目シートの No。1つの項目に年度ごとの行を書きます。",
    ("PlanEffects", "year"): "推進期間の年度（西暦）。",
    ("PlanEffects", "amount"): "その年度に見込む財政効果額（円）。0 の年度の達成率は「−」です。",
    ("PlanMeasures", "unit"): "円・時間・件・枚・㎡・% など。% は 30 = 30% のように書きます。",
    ("PlanMeasures", "direction"): "増加（多いほど良い）・減少（少ないほど良い）・維持（基準値＝目標値）。",
    ("PlanMeasures", "baseline"): "基準年度の値。",
    ("PlanMeasures", "target"): "計画終了年度の目標値。",
    ("PlanMeasures", "effect_kind"): "財政効果額の区分: 歳出削減・歳入増加・参考（時間・用紙の換算）・空欄（効果額なし）。",
    ("PlanMeasures", "include_in_effect"): "はい＝財政効果額の合計に算入。空欄は 歳出削減・歳入増加 ならはい。",
    ("PlanMeasures", "aggregation"): "累計＝各年度の値（その年度の件数・金額）を入力し、計画期間の累計を目標値と比べます"
                                     "（進捗率＝累計÷目標値、基準値は 0、方向は増加）。空欄は各年度の値をそのまま評価。",
}
PLAN_YES_NO = ("はい", "いいえ")
