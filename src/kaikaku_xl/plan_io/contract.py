"""The plan workbook's sheets and columns (`kaikaku plan template`, plan_io/reader.py): how a city writes its
plan in Excel."""

from __future__ import annotations

from dataclasses import dataclass

from kaikaku_xl.master.contract.inputs import GRADE_SCALE_COLUMNS
from kaikaku_xl.plan.money import MONEY_UNITS, YEN
from kaikaku_xl.plan.settings import PLAN_SETTING_KEYS, SETTING_SPECS
from kaikaku_xl.xlsx.tablespec import FMT_INT, FMT_NUM, FMT_TEXT, FMT_YEN, Column, TableSpec

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
    PlanField(
        "city_code",
        "全国地方公共団体コード",
        False,
        "6桁（検査数字付き）。オープンデータに使います。",
        "000000（6桁）",
    ),
    PlanField("baseline_year", "基準年度", True, "基準値の年度（西暦）。", "2024"),
    PlanField("start_year", "計画開始年度", True, "推進期間の最初の年度（西暦）。基準年度より後。", "2026"),
    PlanField(
        "end_year", "計画終了年度", True, "推進期間の最後の年度（西暦）。目標値はこの年度の値です。", "2030"
    ),
    PlanField("published", "策定時期", False, "例: 2026-03（任意）。", "2026-03"),
    PlanField("basic_goal", "基本目標", False, "計画の基本目標（任意）。", "持続可能な行財政運営"),
    PlanField("basic_goal_text", "基本目標の説明", False, "任意。", ""),
    PlanField("english_name", "英語名", False, "任意。", ""),
    # The 設定 values a plan declares (plan.settings.PLAN_SETTING_KEYS): the 設定 sheet's label, blank = the default.
    *(
        PlanField(
            spec.key,
            spec.label,
            False,
            f"{spec.note}（{'・'.join(spec.choices)}。空欄は {spec.choices[0]}）",
            "",
        )
        for spec in SETTING_SPECS
        if spec.key in PLAN_SETTING_KEYS
    ),
)
# The 設定 values a plan declares on its 計画 sheet, with their choices ("" = blank, the default): a dropdown there.
SETTING_CHOICES = {spec.key: ("", *spec.choices) for spec in SETTING_SPECS if spec.key in PLAN_SETTING_KEYS}
PLAN_SHEET = TableSpec(
    "PlanHead",
    "計画",
    (
        Column("項目", "label", width=24),
        Column("値", "value", FMT_TEXT, 50, wrap=True),
        Column("説明", "note", width=60, wrap=True),
    ),
)
PLAN_POLICIES = TableSpec(
    "PlanPolicies",
    "基本方針",
    (
        Column("No", "no", FMT_INT, 6),
        Column("基本方針名", "name", width=36, wrap=True),
        Column("内容（1行に1つ）", "bullets", width=80, wrap=True),
    ),
)
PLAN_ITEMS = TableSpec(
    "PlanItems",
    "取組項目",
    (
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
    ),
)
PLAN_SECTIONS = TableSpec(
    "PlanSections",
    "推進項目",
    (
        Column("No", "no", width=8),
        Column("基本方針", "policy", FMT_INT, 9),
        Column("推進項目名", "name", width=40, wrap=True),
    ),
)
PLAN_MEASURES = TableSpec(
    "PlanMeasures",
    "指標",
    (
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
    ),
)
PLAN_HISTORY = TableSpec(
    "PlanHistory",
    "これまでの効果額",
    (
        Column("計画名", "name", width=30),
        Column("財政効果額（円）", "effect_yen", FMT_YEN, 20),
        Column("時点", "as_of", width=10),
        Column("主な取組（1行に1つ）", "main_efforts", width=50, wrap=True),
    ),
)


PLAN_GRADES = TableSpec("PlanGrades", "評価区分", GRADE_SCALE_COLUMNS)


# The 効果額計画 amount column states the plan's unit in its header: 計画効果額（円）, 計画効果額（百万円）…
# (plan_io/effects.py reads the unit from it; the amounts become 円 exactly).
EFFECT_PLAN_AMOUNT = "計画効果額"
PLAN_EFFECTS = TableSpec(
    "PlanEffects",
    "効果額計画",
    (
        Column("No", "item", width=8),
        Column("年度", "year", "0", 8),
        Column(f"{EFFECT_PLAN_AMOUNT}（{YEN}）", "amount", FMT_YEN, 20),
    ),
)
PLAN_TABLES = (
    PLAN_POLICIES,
    PLAN_ITEMS,
    PLAN_MEASURES,
    PLAN_HISTORY,
    PLAN_GRADES,
    PLAN_SECTIONS,
    PLAN_EFFECTS,
)  # optional sheets last
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
    (
        "PlanItems",
        "no",
    ): "計画書の番号。1, 2, 10 のような数字のほか R1-3、2-(1)-3 のような文字も使えます（自然な順に並びます）。",
    ("PlanItems", "policy"): "基本方針シートの No。",
    (
        "PlanItems",
        "start_year",
    ): "計画の途中から始める項目だけ、最初の年度（西暦）。空欄は計画開始年度から。その前の年度は数えません。",
    ("PlanItems", "end_year"): "途中で終える項目だけ、最後の年度（西暦）。空欄は計画終了年度まで。",
    (
        "PlanItems",
        "section",
    ): "3段の計画だけ: 推進項目シートの No。基本方針はその推進項目の基本方針と同じにします。",
    (
        "PlanSections",
        "no",
    ): "推進項目の番号（1-(1) のような文字も可）。取組項目シートの「推進項目」で使います。",
    ("PlanItems", "lead"): "評価と集計の単位になる主要担当課（1つ）。",
    ("PlanItems", "departments"): "関係課を「、」で区切って書きます（主要担当課を含めなくても構いません）。",
    ("PlanMeasures", "item"): "取組項目シートの No。",
    (
        "PlanGrades",
        "label",
    ): "セルに表示する評価（S、良好 など）。上ほど良い評価。−・対象外・未入力 は使えません。",
    ("PlanGrades", "name"): "評価の意味（凡例に表示。任意）。",
    ("PlanGrades", "color"): "グラフ・凡例の色。16進6桁 RRGGBB（例 2E75B6）。空欄は色なし。",
    (
        "PlanGrades",
        "basis",
    ): "進捗率（進捗率 ≧ しきい値）・計画比（進捗率 ≧ しきい値 × 計画進捗）・それ以外（最後の評価）・"
    "入力（担当課が選ぶ）。",
    ("PlanGrades", "threshold"): "基準が進捗率・計画比のときの値。1 = 100%。上の評価ほど大きく。",
    ("PlanGrades", "explain"): "はい＝この評価の項目は取組実績・課題・今後の方向性の記入が必要。",
    (
        "PlanGrades",
        "points",
    ): "評価の点数（任意。例 5・4・3・2・1）。入力すると集計に得点・満点・得点率を出します。"
    "すべての評価に入力し、上の評価ほど大きく。",
    ("PlanEffects", "item"): "取組項目シートの No。1つの項目に年度ごとの行を書きます。",
    ("PlanEffects", "year"): "推進期間の年度（西暦）。",
    (
        "PlanEffects",
        "amount",
    ): "その年度に見込む財政効果額。0 の年度の達成率は「−」です。計画書の単位のまま書くときは"
    f"見出しの（円）を（{'・'.join(u for u in MONEY_UNITS if u != YEN)}）のいずれかに書き換えます（例: 計画効果額（百万円））。"
    "計画シートの「効果額計画の数え方」で、各年度の効果額か新規分かを選びます。",
    (
        "PlanMeasures",
        "unit",
    ): "円・時間・件・枚・㎡・% など。% は 30 = 30% のように書きます。金額は計画書の単位のまま"
    f"（{'・'.join(MONEY_UNITS)}）書けます（財政効果額は円に換算して合計）。効果区分を付ける指標の単位は金額か"
    "時間・枚（参考換算の単価で換算）にします。",
    ("PlanMeasures", "direction"): "増加（多いほど良い）・減少（少ないほど良い）・維持（基準値＝目標値）。",
    ("PlanMeasures", "baseline"): "基準年度の値。",
    ("PlanMeasures", "target"): "計画終了年度の目標値。",
    (
        "PlanMeasures",
        "effect_kind",
    ): "財政効果額の区分: 歳出削減・歳入増加・参考（時間・用紙の換算）・空欄（効果額なし）。",
    (
        "PlanMeasures",
        "include_in_effect",
    ): "はい＝財政効果額の合計に算入。空欄は 歳出削減・歳入増加 ならはい。",
    (
        "PlanMeasures",
        "aggregation",
    ): "累計＝各年度の値（その年度の件数・金額）を入力し、計画期間の累計を目標値と比べます"
    "（進捗率＝累計÷目標値、基準値は 0、方向は増加）。空欄は各年度の値をそのまま評価。",
}
