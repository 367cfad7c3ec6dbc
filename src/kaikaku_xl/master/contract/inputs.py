"""The input sheets staff type into (設定, 計画情報, 取組項目, 指標, 実績, 年度目標, 進捗状況, 効果額台帳): part of the
contract (the package face hands every name on)."""

from __future__ import annotations

from dataclasses import replace

from kaikaku_xl.plan.scale import EXCLUDED, GRADES, NOT_GRADED
from kaikaku_xl.xlsx.tablespec import (
    FMT_GENERAL,
    FMT_INT,
    FMT_NUM,
    FMT_TEXT,
    FMT_YEN,
    Column,
    TableSpec,
)
from kaikaku_xl.years import year_header

# ---- input sheets ---------------------------------------------------------------------------------------
SHEET_GUIDE = "使い方"
SHEET_DASHBOARD = "ダッシュボード"
# The names of the tables whose year columns follow the plan (their specs are built per plan, below).
ACTUALS_TABLE, TARGETS_TABLE, EFFECT_PLAN_TABLE = "Actuals", "Targets", "EffectPlan"

SETTINGS = TableSpec(
    "Settings",
    "設定",
    (
        Column("キー", "key", width=20),
        Column("項目", "label", width=30),
        Column("値", "value", width=14),
        Column("説明", "note", width=80, wrap=True),
    ),
)

PLAN_INFO_KEYS = (
    ("name", "計画名"),
    ("subtitle", "副題"),
    ("city", "地方公共団体名"),
    ("city_code", "全国地方公共団体コード"),
    ("baseline_year", "基準年度"),
    ("start_year", "計画開始年度"),
    ("end_year", "計画終了年度"),
)
PLAN_INFO = TableSpec(
    "PlanInfo",
    "計画情報",
    (
        Column("キー", "key", width=16),
        Column("項目", "label", width=24),
        Column("値", "value", FMT_TEXT, 60),
    ),
)
HISTORY = TableSpec(
    "History",
    "計画情報",
    (
        Column("計画", "name", width=26),
        Column("財政効果額", "effect_yen", FMT_YEN, 20),
        Column("時点", "as_of", width=10),
    ),
    anchor_col=5,
)

ITEMS = TableSpec(
    "Items",
    "取組項目",
    (
        Column("No", "item", FMT_INT, 6),
        Column("基本方針", "policy", FMT_INT, 9),
        Column("基本方針名", "policy_name", width=24),
        Column("取組項目", "title", width=30, wrap=True),
        Column("取組概要", "summary", width=60, wrap=True),
        Column("取組内容", "actions", width=60, wrap=True),
        Column("主要担当課", "lead", width=18),
        Column("担当課", "departments", width=30, wrap=True),
        Column(
            "開始年度", "start_year", "0", 9
        ),  # blank = from the plan's start (items added mid-plan have one)
        Column("終了年度", "end_year", "0", 9),
        # The middle level of a three-level plan (基本方針 → 推進項目 → 取組); blank in a two-level plan.
        Column("推進項目", "section", FMT_TEXT, 9),
        Column("推進項目名", "section_name", width=24),
    ),
)

MEASURES = TableSpec(
    "Measures",
    "指標",
    (
        Column("ID", "measure_id", FMT_TEXT, 7),
        Column("No", "item", FMT_INT, 6),
        Column("指標名", "name", width=32, wrap=True),
        Column("単位", "unit", width=7),
        Column("方向", "direction", width=7),
        Column("基準値", "baseline", FMT_NUM, 16, per_row_format=True),
        Column("目標値", "target", FMT_NUM, 16, per_row_format=True),
        Column("効果区分", "effect_kind", width=10),
        Column("効果額に算入", "include_in_effect", width=12),
        Column("備考", "note", width=40, wrap=True),
        Column("小数桁", "decimals", "0", 8),  # decimals shown for this measure (blank: from the unit)
        # The measure's own plausible range where it differs from its unit's (設定 sheet); なし = no limit.
        Column("許容下限", "allowed_min", FMT_NUM, 10),
        Column("許容上限", "allowed_max", FMT_NUM, 10),
        # 累計: staff enter each year's amount, graded on the running total (blank = each year's value is the level).
        Column("集計", "aggregation", width=8),
    ),
)
MEASURE_OPTIONAL_KEYS = (
    "decimals",
    "allowed_min",
    "allowed_max",
    "aggregation",
)  # masters built before these columns still load


# The 評価 column of 進捗状況 is headed by the scale: under the default or a computed scale staff grade the items
# without measures there; under a typed scale (基準 入力) every item. A master is read with either heading.
GRADE_HEADER, TYPED_GRADE_HEADER = "評価（指標なし項目）", "評価"
STATUS = TableSpec(
    "Status",
    "進捗状況",
    (
        Column("No", "item", FMT_INT, 6),
        Column("取組項目", "title", width=28, wrap=True),
        Column("年度", "year", "0", 8),
        Column("進捗状況", "status", width=10),
        Column(GRADE_HEADER, "grade", width=12, also=(TYPED_GRADE_HEADER,)),
        Column("取組実績", "results", width=45, wrap=True),
        Column("課題", "issues", width=35, wrap=True),
        Column("今後の方向性", "next", width=35, wrap=True),
    ),
)


def status_spec(typed: bool) -> TableSpec:
    """進捗状況 as a master of this scale heads it: 評価 where staff grade every item (a typed scale)."""
    if not typed:
        return STATUS
    return replace(
        STATUS,
        columns=tuple(
            replace(col, header=TYPED_GRADE_HEADER, also=(GRADE_HEADER,)) if col.key == "grade" else col
            for col in STATUS.columns
        ),
    )


LEDGER = TableSpec(
    "EffectLedger",
    "効果額台帳",
    (
        Column("No", "item", FMT_INT, 6),
        Column("年度", "year", "0", 8),
        Column("区分", "kind", width=10),
        # the ledger is kept in 円 (issue 22); masters of earlier releases head it 金額, read alike until upgraded
        Column("金額（円）", "amount", FMT_YEN, 18, also=("金額",)),
        Column("内容", "what", width=40, wrap=True),
        Column("算定根拠", "basis", width=50, wrap=True),
    ),
)


def _measure_years_spec(name: str, sheet: str, years: list[int]) -> TableSpec:
    """A row per measure (No, 指標名, 単位) and a column per year, in the measure's own decimals."""
    return TableSpec(
        name,
        sheet,
        (
            Column("No", "item", FMT_INT, 6),
            Column("指標名", "name", width=32, wrap=True),
            Column("単位", "unit", width=7),
            *(Column(year_header(y), f"y{y}", FMT_NUM, 16, per_row_format=True) for y in years),
        ),
    )


def actuals_spec(years: list[int]) -> TableSpec:
    return _measure_years_spec(ACTUALS_TABLE, "実績", years)


def targets_spec(years: list[int]) -> TableSpec:
    """A measure's own target for each year (年度目標)."""
    return _measure_years_spec(TARGETS_TABLE, "年度目標", years)


def effect_plan_spec(plan_years: list[int]) -> TableSpec:
    """Planned 財政効果額 per item and plan year (only in masters of plans that have one)."""
    return TableSpec(
        EFFECT_PLAN_TABLE,
        "効果額計画",
        (
            Column("No", "item", FMT_INT, 6),
            Column("取組項目", "title", width=30, wrap=True),
            *(Column(year_header(y), f"y{y}", FMT_YEN, 16) for y in plan_years),
        ),
    )


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
    Column("点数", "points", FMT_GENERAL, 8),  # optional (issue 22, 鴨川): the roll-ups' 得点・満点・得点率
)


GRADE_SCALE = TableSpec("GradeScale", "評価区分", GRADE_SCALE_COLUMNS)  # the master's copy (an input sheet)


# The whole plan period's review (計画期間の総括評価, issue 22): a row per item, its typed grade and narrative (staff's)
# beside the period grade refresh computes (the last columns, locked), and the roll-up per 基本方針 to the right.
SHEET_PERIOD = "計画期間の総括評価"
PERIOD_REVIEW = TableSpec(
    "PeriodReview",
    SHEET_PERIOD,
    (
        Column("No", "item", FMT_INT, 6),
        Column("基本方針", "policy", FMT_INT, 9),
        Column("取組項目", "title", width=28, wrap=True),
        Column("主要担当課", "lead", width=16),
        Column("総括評価（入力）", "grade", width=12),  # items without measures (every item of a typed scale)
        Column("総括コメント", "comment", width=50, wrap=True),
        Column("計画期間の評価", "period_grade", width=12),  # refresh's
        Column("評価の区分", "period_label", width=12),  # refresh's
        Column("評価の根拠", "period_source", width=24, wrap=True),  # refresh's
    ),
)
PERIOD_INPUT_KEYS = ("grade", "comment")  # the cells staff type into; refresh never writes them
PERIOD_COMPUTED_KEYS = ("period_grade", "period_label", "period_source")  # the cells refresh owns
PERIOD_SUMMARY_TABLE = "PeriodSummary"


def period_summary_spec(grades: tuple[str, ...] = GRADES) -> TableSpec:
    """Counts of the period grades per 基本方針 and for the plan: a row each, beside PeriodReview (refresh's)."""
    return TableSpec(
        PERIOD_SUMMARY_TABLE,
        SHEET_PERIOD,
        (
            Column("基本方針", "group", width=9),
            Column("項目数", "items", FMT_INT, 8),
            Column("評価対象", "graded", FMT_INT, 9),
            *(Column(g, f"n_{g}", FMT_INT, max(6, 2 * len(g) + 2)) for g in grades),
            Column(NOT_GRADED, f"n_{NOT_GRADED}", FMT_INT, 6),
            Column(EXCLUDED, f"n_{EXCLUDED}", FMT_INT, 7),
        ),
        anchor_col=len(PERIOD_REVIEW.columns) + 2,
    )


# The 行財政改革懇談会's opinions and the city's answers (issue 23, §7): a row per opinion, typed by the coordinator
# (年度 it is about, 日付 of the meeting, No of the item or 全体, the opinion); 担当課 is refresh's (from the item;
# the coordinator's for 全体), 市の対応 and 対応状況 the department's (through its file) or the coordinator's.
SHEET_OPINIONS = "懇談会意見"
OPINION_WHOLE = "全体"  # the No of an opinion on the plan as a whole
OPINION_STATES = ("未対応", "対応中", "対応済")  # a blank 対応状況 reads as the first
OPINION_COORDINATOR = "行革・DX推進担当"  # 担当課 of a 全体 opinion: the coordinator answers it in the master
OPINIONS = TableSpec(
    "CouncilOpinions",
    SHEET_OPINIONS,
    (
        Column("年度", "year", "0", 8),
        Column("日付", "date", "yyyy-mm-dd", 12),
        Column("No", "item", FMT_GENERAL, 7),
        Column("意見", "opinion", width=50, wrap=True),
        Column("担当課", "department", width=16),  # refresh's
        Column("市の対応", "response", width=50, wrap=True),
        Column("対応状況", "state", width=10),
    ),
)
OPINION_TYPED_KEYS = ("year", "date", "item", "opinion")  # the coordinator's: the opinion's identity
OPINION_ANSWER_KEYS = ("response", "state")  # the answer: the department's cells in its file
OPINION_ROWS = 100  # blank yellow rows of a new master (a protected sheet cannot grow a table)


PASSWORD_NOTE = (
    "kaikaku"  # documented in README and the 使い方 sheet: protection guards against slips, not people
)


# 総括 (issue 23): a row per paragraph of the drafted summary; refresh owns 下書き, staff own 採用文 (refresh never
# writes it). The materials print 採用文 where it is filled, else the draft marked （下書き）.
SHEET_SUMMARY = "総括"
SUMMARY = TableSpec(
    "Summary",
    SHEET_SUMMARY,
    (
        Column("段落", "no", FMT_INT, 6),
        Column("見出し", "heading", width=20),
        Column("下書き", "draft", width=70, wrap=True),  # refresh's
        Column("採用文", "adopted", width=70, wrap=True),  # staff's
    ),
)
SUMMARY_INPUT_KEYS = ("adopted",)
# (段落, key in `report --json`, 見出し): the paragraphs in order; the key names the paragraph in the JSON
SUMMARY_PARAGRAPHS = (
    (1, "grades", "評価の概要"),
    (2, "changes", "前年度からの変化"),
    (3, "attention", "注意を要する取組"),
    (4, "missing", "未入力の項目"),
    (5, "effects", "財政効果額"),
    (6, "revisions", "計画の見直し"),
    (7, "opinions", "懇談会からの意見"),
)
