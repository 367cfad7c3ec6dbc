"""The 使い方 sheet's text (Japanese). Kept apart so docs and the sheet say the same thing.

The sheet is written for the workbook it is in: the .xlsm explains its 更新 button, the .xlsx the command and the
Office.js add-in; a workbook built with --no-protect does not speak of protection.
"""

from __future__ import annotations

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.inputs import SHEET_PERIOD
from kaikaku_xl.plan import MONEY_KINDS, Plan
from kaikaku_xl.plan.scale import GradeScale

PROTECTED_HEAD = "■ 更新で作られるシート（保護されています。直接入力しないでください）"
UNPROTECTED_HEAD = "■ 更新で作られるシート（更新のたびに作り直されます。直接入力しないでください）"
PROTECTION_NOTE = (
    f"・入力シートも保護されています（黄色のセルだけ入力できます）。保護の解除が必要な場合のパスワード："
    f"{c.PASSWORD_NOTE}（誤操作防止のためのもので、秘密ではありません）"
)
MACRO_SECTION = "\0macro"  # placeholder replaced per variant by guide_lines()
# Lines that depend on the plan's years and measures, written out by guide_lines() (any city's plan, issue 9).
PLANNED_PATH_LINE = "\0path"
EFFECT_LINE = "\0effect"
NOT_COUNTED_LINE = "\0not counted"
STATUS_LINE = "\0status"  # who grades on 進捗状況: the items without measures, or every item (a typed scale)
DEFAULT_SCALE_LINE = (
    "・S 目標達成：進捗率 100%以上／A 順調：計画どおりの進捗以上／B 概ね順調：計画の6割以上／C 遅れ：0以上／"
    "D 悪化：基準値より悪化／− 評価対象外"
)


# The yearly cycle with the departments: the commands in the order of the year, and the sheets each one writes.
CYCLE_LINES = (
    "■ 1年間の流れ（担当課との実績の照会）",
    "・配布：kaikaku distribute マスター.xlsx --out 配布フォルダー --year 年度 --due 提出期限 で、主要担当課ごとの実績報告ファイルを作ります"
    f"（「{c.DISTRIBUTIONS.sheet}」「{c.DISTRIBUTED_VALUES.sheet}」に記録。非表示のシート）。",
    "・回収：返ってきたファイルを kaikaku collect マスター.xlsx ファイル… で取り込みます（何度でも。再提出も同じ）。"
    f"取り込んだ値・競合・拒否した値は「{c.CHANGE_LOG.sheet}」シートに記録されます。",
    f"・提出状況：kaikaku status マスター.xlsx で、担当課ごとの回収・未入力・記述の不足を確認します（「{c.SUBMISSIONS.sheet}」シート）。"
    "未入力が残る担当課には再提出を依頼します。",
    "・確定・差戻し：回収した内容を確認したら kaikaku accept マスター.xlsx --department 課名 で確定します。直してほしい"
    "ときは kaikaku send-back … --department 課名 --reason 理由 で差し戻し、distribute --department 課名 で配布し直すと、"
    f"理由が記入方法シートに載ります（「{c.ACCEPTANCES.sheet}」に記録。非表示）。全課の確定が年度を締める条件です。",
    "・締め：評価が確定したら kaikaku close-year マスター.xlsx --year 年度 で、その年度の結果と入力を記録し、入力セルをロックします"
    f"（「{c.CLOSED_YEARS.sheet}」「{c.YEAR_RESULTS.sheet}」。非表示）。解除は kaikaku reopen-year（理由を記録）。",
    "・推進本部：締めるときに --decided-on 確認日 --meeting 会議名 を付けると、推進本部の確認を"
    f"「{c.CLOSED_YEARS.sheet}」に記録します（締めた後に同じコマンドで記録・訂正も可）。記録した年度の資料には"
    "「令和n年m月d日 行財政改革推進本部にて確認」、記録していない年度の資料には全ページに「速報（推進本部確認前）」と印字します。",
    "・1年の流れ：配布 → 回収 → 確認（確定・差戻し）→ 締め（推進本部の確認日）→ 懇談会の意見と市の対応 → 資料の出力"
    "（kaikaku export）。",
    "・見直し：推進本部で目標値・基準値の変更や取組の追加・終了を決めたら、kaikaku revise で記録します"
    f"（「{c.REVISIONS.sheet}」シート。直接入力も可）。適用開始年度より前の年度は元の値で評価します。",
    f"・{c.SHEET_TREND}：取組項目の評価と指標の実績・計画値の年度ごとの推移（更新で作成）。",
    "",
)

GUIDE_LINES: tuple[str, ...] = (
    "■ このワークブックについて",
    "計画の実績を入力し、「更新」で進捗率・達成率・評価・財政効果額・集計を自動で作成します。",
    "計算はすべて kaikaku-xl（Python）で行います。Excel から更新しても、コマンド（kaikaku refresh）で更新しても同じ数値になります。",
    "",
    "■ 入力するシート（黄色のセルだけを入力します）",
    f"・{c.SETTINGS.sheet}：評価年度、評価の閾値、時間単価・用紙単価、累計の数え方、金額の表示単位",
    "・実績：各指標の年度ごとの実績値（単位は「単位」列のとおり。1.2万、３，０００円 などの表記も読み取ります）",
    "・年度目標：市独自の年度目標がある場合のみ（空欄は基準値→目標値の直線）",
    STATUS_LINE,
    f"・{c.LEDGER.sheet}：指標で捉えられない財政効果額（1行1件：No、年度、区分、金額、内容、算定根拠）",
    f"・{SHEET_PERIOD}：計画期間全体の総括評価（最終年度の資料に載ります）。指標のない項目の総括評価と総括コメントを"
    "入力します。指標のある項目の評価は最終年度の実績（累計の指標は計画期間の累計）と目標値から更新で計算します",
    "・懇談会意見：行財政改革懇談会の意見（1行1件：年度、日付、No（取組項目の No か「全体」）、意見）。担当課は更新で記入、市の対応・対応状況は担当課が配布ファイルで回答し回収で取り込みます（全体は推進担当が入力）。評価年度とその前年度の意見が資料に載ります",
    "・総括：更新のたびに数値から下書きを作ります。採用する文を採用文に入力すると資料に載ります（空欄なら「（下書き）」付きの下書き）",
    "",
    PROTECTED_HEAD,
    f"・{c.SHEET_DASHBOARD}、{c.EVALUATION.sheet}、{c.ITEM_RESULTS.sheet}、{c.POLICY_SUMMARY.sheet}、"
    f"{c.DEPARTMENT_SUMMARY.sheet}、{c.EFFECTS.sheet}、効果額内訳、{c.PROBLEMS.sheet}、{c.REFRESH_LOG.sheet}",
    PROTECTION_NOTE,
    "",
    "■ 評価の基準（設定シートで変更できます）",
    "・進捗率 = (実績 − 基準値) ÷ (目標値 − 基準値)。達成率 = 実績 ÷ 目標値（減少が良い指標は 目標値 ÷ 実績）。",
    DEFAULT_SCALE_LINE,
    PLANNED_PATH_LINE,
    "・表示は小数第1位で四捨五入します（計算は端数を持ったまま行います）。",
    "",
    "■ 財政効果額",
    EFFECT_LINE,
    NOT_COUNTED_LINE,
    "・時間・用紙の削減は参考換算（時間単価・用紙単価）として別に表示します。",
    "",
    MACRO_SECTION,
    *CYCLE_LINES,
    "■ 困ったとき",
    f"・更新後に「{c.PROBLEMS.sheet}」シートに行がある場合は、示されたシート・セルを確認して修正し、もう一度更新してください。",
    "・「ファイルが開かれています」と表示された場合は、Excel でファイルを閉じてからコマンドを実行してください。",
    "・更新前のファイルは backup フォルダに自動で保存されます（保存数は設定シート）。",
)

MACRO_LINES = (
    "■ Excel のボタンで更新する（このブック .xlsm）",
    f"・「{c.SHEET_ACTIONS}」シートで処理（{'・'.join(c.ACTIONS)}）を選び、「{c.BUTTON_CAPTION}」ボタンを押します。結果は「状態」欄に表示されます。",
    "・終わったら上書き保存（Ctrl + S）します。保存せずに閉じれば、押す前の状態に戻ります。",
    "・ブックと同じフォルダーに、同じ名前の .py ファイルが必要です（2つを一緒に移動・コピーしてください）。",
    "・最初に「セキュリティの警告」が出たら「コンテンツの有効化」を押します。",
    "・「Python が見つからない」「No module named …」と表示されたら、パソコンの準備が必要です。情報政策担当に連絡してください。",
    "",
)
XLSX_LINES = (
    "■ 更新のしかた（このブック .xlsx）",
    "・このブックにはボタンがありません。保存して Excel を閉じてから、コマンド kaikaku refresh ブック名.xlsx で更新します。",
    "・Excel のアドイン（kaikaku-xl、情報政策担当が配布）がある場合は、リボンの kaikaku-xl から「更新」「検証」を押せます。",
    "・ボタンで更新したい場合は、マクロ付きブック（kaikaku init --xlsm で作成）を使います。",
    "",
)


def _scale_lines(scale: GradeScale) -> list[str]:
    """The plan's own scale, as the 使い方 sheet explains it."""
    how = (
        "担当課が進捗状況シートで全ての取組項目の評価を選びます（計算しません）。"
        if scale.typed
        else f"{c.GRADE_SCALE.sheet}シートの基準としきい値で計算します（進捗率 ≧ しきい値、計画比は しきい値 × 計画どおりの進捗）。"
    )
    explained = "・".join(scale.explained)
    return [
        f"・評価：{scale.legend()}／− 未入力・評価不能／対象外（推進本部が決めた項目、分母から除く。"
        f"担当課の対象外は提案で、{c.REVISIONS.sheet}シートに区分「{c.REVISION_EXCLUDED}」の行"
        "（kaikaku revise --exclude）を記録するとその年度だけ除きます）",
        "・" + how + (f"{explained} の項目は取組実績・課題・今後の方向性を記入します。" if explained else ""),
    ]


CUMULATIVE_LINE = (
    "・集計が「累計」の指標（指標シート）は、各年度の1年間の値（その年度の件数・金額）を入力します。"
    "累計は自動で計算し、累計 ÷ 目標値 で評価します。"
)


def _plan_lines(line: str, plan: Plan) -> list[str]:
    """The lines that name the plan's years, who grades on 進捗状況 and the measures left out of the totals."""
    base, span = plan.baseline_year, plan.end_year - plan.baseline_year
    if line == STATUS_LINE:
        who = "全ての項目" if plan.grade_scale is not None and plan.grade_scale.typed else "指標のない項目"
        return [
            f"・{c.STATUS.sheet}：取組項目・年度ごとの進捗状況、{who}の評価、取組実績・課題・今後の方向性"
        ]
    if line == PLANNED_PATH_LINE:
        return [
            f"・計画どおりの進捗 = (評価年度 − {base}) ÷ {span}。目標値＝基準値（維持）の指標は達成率で評価します。"
        ]
    if line == EFFECT_LINE:
        return [
            f"・歳出削減 = 基準値 − 実績、歳入増加 = 実績 − 基準値（{base}年度比）。台帳の金額を加えて単年度効果額とします。"
        ]
    left_out = [m for m in plan.measures if m.effect_kind in MONEY_KINDS and not m.include_in_effect]
    change = "指標シートの「効果額に算入」で変更できます。"
    return [
        f"・項目{m.item}の{m.name}：{m.note}。{change}"
        if m.note
        else f"・項目{m.item}の{m.name}は表示のみで、財政効果額の合計には算入しません。{change}"
        for m in left_out
    ]


def guide_lines(*, macro: bool, protect: bool, plan: Plan) -> tuple[str, ...]:
    """The 使い方 lines for this workbook: .xlsm (macro) or .xlsx, protected or not, and the plan's own years,
    grade scale, measures left out of the totals and 累計 measures (a line on how to enter them)."""
    out: list[str] = []
    for line in GUIDE_LINES:
        if line.startswith("・実績：") and any(m.cumulative for m in plan.measures):
            out += [line, CUMULATIVE_LINE]
        elif line == DEFAULT_SCALE_LINE and plan.grade_scale is not None:
            out.extend(_scale_lines(plan.grade_scale))
        elif line in (PLANNED_PATH_LINE, EFFECT_LINE, NOT_COUNTED_LINE, STATUS_LINE):
            out.extend(_plan_lines(line, plan))
        elif line == MACRO_SECTION:
            out.extend(MACRO_LINES if macro else XLSX_LINES)
        elif line == PROTECTED_HEAD and not protect:
            out.append(UNPROTECTED_HEAD)
        elif line == PROTECTION_NOTE and not protect:
            continue
        else:
            out.append(line)
    return tuple(out)
