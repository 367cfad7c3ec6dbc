"""The heading and note above each table, and the dashboard's labels: written by init and by every refresh.

Their own module so that refresh does not import the builder (and with it openpyxl).
"""

from __future__ import annotations

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.inputs import OPINIONS, PERIOD_REVIEW, PERIOD_SUMMARY_TABLE, SUMMARY

# The note above 進捗状況 in a master whose departments grade every item (a typed scale); TITLES has the other.
TYPED_STATUS_NOTE = (
    "取組項目・年度ごとに進捗状況・評価と取組実績等を入力します。評価は全ての項目で入力します。"
)

TITLES = {
    c.SETTINGS.name: (
        "設定",
        "黄色のセルを変更できます。評価年度・閾値・単価・累計の数え方などを設定します。",
    ),
    c.PLAN_INFO.name: ("計画情報", "計画の基本情報と、これまでの計画の財政効果額です。参照用（灰色）。"),
    c.ITEMS.name: ("取組項目（計画）", "計画書の取組項目です。参照用（灰色）。"),
    c.MEASURES.name: (
        "指標（計画）",
        "計画の基準値（基準年度）と目標値（最終年度）。効果区分・算入・備考（黄色）は変更できます。",
    ),
    c.ACTUALS_TABLE: (
        "実績",
        "各担当課が年度ごとの実績値を黄色のセルに入力します。単位は「単位」列のとおり。",
    ),
    c.EFFECT_PLAN_TABLE: (
        "効果額計画",
        "取組項目ごと・年度ごとの財政効果額の計画（円）です。空欄の年度は計画なし（達成率は −）。",
    ),
    c.TARGETS_TABLE: (
        "年度目標（任意）",
        "市独自の年度目標がある場合のみ入力します。空欄の年度は基準値から目標値への直線で計画値を計算します。",
    ),
    c.STATUS.name: (
        "進捗状況",
        "取組項目・年度ごとに進捗状況と取組実績等を入力します。指標のない項目は評価も入力します。",
    ),
    c.LEDGER.name: (
        "効果額台帳",
        "指標で捉えられない財政効果額（PFI契約、使用料改定など）を1行1件で入力します。",
    ),
    c.EVALUATION.name: (
        "評価結果（指標別）",
        "更新（kaikaku refresh）で作成されます。直接入力しないでください。",
    ),
    c.ITEM_RESULTS.name: ("取組評価（項目別）", "更新で作成されます。"),
    c.EFFECTS.name: ("財政効果額（年度別）", "更新で作成されます。単年度効果額 = 指標による効果額 + 台帳。"),
    c.ITEM_EFFECTS_TABLE: ("財政効果額の内訳", "更新で作成されます。"),
    c.POLICY_SUMMARY.name: (
        "基本方針別の集計",
        "更新で作成されます。割合は評価対象の項目数に対する割合です。−（未入力・評価不能）と対象外は分母に含めません。",
    ),
    c.DEPARTMENT_SUMMARY.name: ("主要担当課別の集計", "更新で作成されます。"),
    c.PROBLEMS.name: (
        "問題点",
        "更新・検証で見つかった入力の問題です。シートとセルを確認して修正してください。",
    ),
    c.REFRESH_LOG.name: ("更新履歴", "更新のたびに1行追加されます。"),
    c.SUBMISSIONS.name: (
        "提出状況",
        "担当課ごとの配布・回収と、評価年度の未入力・記述の不足です。更新で作成されます。",
    ),
    c.TREND_ITEMS_TABLE: (
        "年度推移",
        "取組項目の評価の年度ごとの推移と、指標ごとの実績と計画値（グラフは下）。更新で作成されます。",
    ),
    c.TREND_MEASURES_TABLE: ("", ""),
    c.GRADE_SCALE.name: (
        "評価区分",
        "この計画の評価の段階（良い順）。意味・色・基準・しきい値・要説明（黄色）は変更できます。"
        "評価の記号は集計表の列名のため変更できません。",
    ),
    c.REVISIONS.name: (
        "計画の見直し",
        "推進本部で決定した計画の見直し（目標値・基準値の変更、取組の追加・終了、その年度だけの対象外）を1行1件で"
        "入力します（kaikaku revise でも記録できます）。適用開始年度より前の年度は元の値で評価します。",
    ),
    PERIOD_REVIEW.name: (
        "計画期間の総括評価",
        "計画期間全体の評価と総括コメント（黄色）を入力します。指標のある項目は最終年度の実績から計算します"
        "（灰色の列は更新で作成）。評価を入力するのは指標のない項目です。最終年度の資料に載ります。",
    ),
    SUMMARY.name: (
        "総括",
        "更新のたびに数値から下書き（灰色）を作ります。採用する文を採用文（黄色）に入力してください"
        "（下書きを写して直しても構いません）。資料には採用文が、空欄なら「（下書き）」と付けた下書きが載ります。",
    ),
    PERIOD_SUMMARY_TABLE: ("基本方針別の総括評価", "計画期間の評価の件数です。更新で作成されます。"),
    OPINIONS.name: (
        "懇談会からの意見と市の対応",
        "行財政改革懇談会の意見を1行1件で入力します（年度は意見の対象の年度、No は取組項目の No か「全体」）。"
        "担当課は更新で記入されます。市の対応・対応状況は担当課が配布ファイルで回答します（全体は推進担当が入力）。",
    ),
    c.CHANGE_LOG.name: (
        "変更履歴",
        "回収（kaikaku collect）で取り込んだ値・競合・拒否した値と、年度の締め・解除の記録です。",
    ),
}

# The dashboard's figures and their labels are named cells of the contract (contract.DASHBOARD_KPIS).
DASHBOARD_NOTE = "更新（kaikaku refresh。.xlsm では「操作」シートのボタン）で最新の評価に置き換わります。"


def dashboard_title(plan_name: str) -> str:
    return f"{plan_name} ダッシュボード"
