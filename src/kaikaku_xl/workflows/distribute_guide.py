"""The 記入方法 (how to fill in) sheet of a department workbook, written for that department and year.

Split from distribute.py: the text staff read changes for its own reasons (wording, the plan's grade scale),
the distribution and its records for others.
"""

from __future__ import annotations

from kaikaku_xl.metrics.scale import GradeScale
from kaikaku_xl.workbook import contract as c
from kaikaku_xl.workflows.load import Loaded


def department_guide(
    loaded: Loaded, department: str, year: int, due: str, contact: str, measures: int
) -> list[str]:
    """The lines of the 記入方法 sheet: what to fill in (this year's column, the grades this plan uses, the
    cumulative measures), how to return the file, whom to ask."""
    due_text = f"{due} までに" if due else "期限までに"
    scale = GradeScale.of(loaded.settings)
    grading = (
        f"全ての項目の評価（{'・'.join(scale.labels)}）を選びます。"
        if scale.typed
        else f"指標のない項目は評価（{'・'.join(scale.labels)}）も選びます。"
    )
    lower = "・".join(scale.explained)
    explain = f"評価が {lower} の項目や、" if lower else ""
    cumulative = [
        m.name for it in loaded.plan.items if it.lead == department for m in it.measures if m.cumulative
    ]
    return [
        f"{loaded.plan.name} {year}年度（{c.wareki(year)}）実績報告 ― {department}",
        "",
        "■ 記入するところ（黄色のセルだけ）",
        f"・実績：{year}年度の列に、各指標の実績値を「単位」列の単位で入力します（{measures} 指標）。"
        "1.2万、３，０００円 などの表記も読み取ります。",
        *(
            [
                f"・次の指標は累計の指標です。{year}年度の1年間の値（その年度の件数・金額）を入力してください"
                f"（累計は自動で計算します）：{'、'.join(cumulative)}"
            ]
            if cumulative
            else []
        ),
        f"・{c.STATUS.sheet}：{year}年度の行に、進捗状況（未着手・実施中・完了）、取組実績、課題、今後の方向性を記入します。"
        f"{grading}{explain}実績がなく評価できない指標のある項目は、"
        "取組実績・課題・今後の方向性を必ず記入してください。",
        f"・{c.LEDGER.sheet}：指標で捉えられない財政効果額を1行1件で入力します（No、年度、区分、金額、内容、算定根拠）。",
        "・灰色のセルは前年度までの値や計画の値です（変更しても取り込まれません）。",
        "",
        "■ 提出",
        f"・{due_text}、このファイルを保存して（ファイル名は変えずに）、行革・DX推進担当へ返送してください。",
        "・Excel 2016 以降・LibreOffice で開けます。マクロは入っていません。",
        "・行の追加・削除、シート名・列見出しの変更はしないでください（取り込めなくなります）。",
        f"・問い合わせ先：{contact or '行革・DX推進担当'}",
    ]
