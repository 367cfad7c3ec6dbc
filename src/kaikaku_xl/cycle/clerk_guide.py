"""The 記入方法 sheet of a department file: what the clerk fills in, what the grades and the 進捗状況 choices mean
(from the plan's own scale, never a fixed S–D), by when (the due date as people write it), whom to ask, and the
記入者 / 課長確認 fields.

Laid out for a portrait A4 page as LibreOffice and Excel print it: two columns that together fit the page at
100%, wrapped text, and row heights written for every wrapped row (neither program fits the height of a row
the file gives one when it opens it; textfit estimates the larger of their two line counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.master.sheets import print_setup
from kaikaku_xl.palette import RED
from kaikaku_xl.palette import WORKBOOK_FONT as FONT
from kaikaku_xl.plan.scale import (
    BASIS_OTHERWISE,
    BASIS_PLANNED,
    BASIS_PROGRESS,
    BASIS_TYPED,
    EXCLUDED,
    Grade,
    GradeScale,
)
from kaikaku_xl.plan.vocabulary import STATUS_VALUES
from kaikaku_xl.rounding import round_half_away
from kaikaku_xl.textfit import row_height
from kaikaku_xl.xlsx.styles import apply
from kaikaku_xl.xlsx.textcell import put_value
from kaikaku_xl.years import wareki, wareki_day

LABEL_WIDTH = 18  # column A: a grade, a choice, a field's name
TEXT_WIDTH = 68  # column B: what it means; A and B together (86) fit portrait A4 at 100% with its margins
GUIDE_WIDTH = LABEL_WIDTH + TEXT_WIDTH
BODY_SIZE = 11  # the workbook's body font size (points)

# What each 進捗状況 choice means (the choices themselves are the vocabulary's STATUS_VALUES).
STATUS_MEANINGS = {
    "未着手": "この年度に、まだ取り組み始めていない",
    "実施中": "取り組んでいる（年度末の時点で終わっていない）",
    "完了": "取組を終えた",
    EXCLUDED: "この年度は取り組む対象でない（理由を「取組実績」に書いてください。評価から外すかどうかは推進本部が決めます）",
}

SIGNATURE_FIELDS = ("記入者（所属・氏名）", "電話・内線", "課長確認（氏名・日付）")


@dataclass(frozen=True)
class GuideRow:
    """One row of the 記入方法 sheet. kind: title, heading, text, must (a sentence that must not be missed),
    pair (a label and its meaning), field (a label and a yellow cell to fill), blank."""

    kind: str
    text: str = ""
    label: str = ""


def _percent(rate: Fraction) -> str:
    points = round_half_away(float(rate * 100), 1)
    return f"{points:.0f}%" if float(points).is_integer() else f"{points:.1f}%"


def grade_rule(grade: Grade) -> str:
    """What earns a grade, from the scale itself: the plan's own labels, names and thresholds."""
    t = grade.threshold
    if grade.basis == BASIS_PROGRESS and t is not None:
        rule = f"進捗率が {_percent(t)} 以上"
    elif grade.basis == BASIS_PLANNED and t is not None:
        rule = "計画どおりの進捗以上" if t == 1 else f"計画どおりの進捗の {_percent(t)} 以上"
    elif grade.basis == BASIS_TYPED:  # the label (and its name) is the whole definition
        return grade.name if grade.name and grade.name != grade.label else "担当課が判断して選びます"
    else:
        rule = "上のいずれにも当たらない" if grade.basis == BASIS_OTHERWISE else grade.basis
    return f"{grade.name}：{rule}" if grade.name and grade.name != grade.label else rule


def grade_rows(scale: GradeScale) -> list[GuideRow]:
    """The scale's grades and what each means, best first, then 対象外 and a blank grade."""
    rows = [
        GuideRow(
            "pair",
            grade_rule(g) + ("（取組実績・課題・今後の方向性を必ず記入）" if g.explain else ""),
            g.label,
        )
        for g in scale.grades
    ]
    rows.append(GuideRow("pair", "この年度は評価の対象としない（推進本部が決めます）", EXCLUDED))
    rows.append(GuideRow("pair", "未入力（評価が入っていない）", "空欄"))
    return rows


@dataclass(frozen=True)
class GuideFacts:
    """What the guide says about one department's file."""

    plan_name: str
    department: str
    year: int
    due: date | None
    contact: str
    measures: int
    cumulative: list[str]
    sent_back: tuple[str, str] | None = None  # (when, why) the department's return was sent back


def guide_rows(loaded: Loaded, facts: GuideFacts) -> list[GuideRow]:
    """Every row of the 記入方法 sheet, in order."""
    scale = GradeScale.of(loaded.settings)
    year = facts.year
    return [
        GuideRow("title", f"{facts.plan_name} {year}年度（{wareki(year)}）実績報告 ― {facts.department}"),
        GuideRow(
            "pair", wareki_day(facts.due) if facts.due else "行革・DX推進担当からの連絡のとおり", "提出期限"
        ),
        *_sent_back_rows(facts),
        GuideRow("blank"),
        *_fill_rows(scale, facts),
        GuideRow("blank"),
        GuideRow("heading", f"■ 評価の区分（{c.STATUS.sheet}シートの「評価」）"),
        *grade_rows(scale),
        GuideRow("blank"),
        GuideRow("heading", f"■ 進捗状況の区分（{c.STATUS.sheet}シートの「進捗状況」）"),
        *(GuideRow("pair", STATUS_MEANINGS.get(v, v), v) for v in STATUS_VALUES),
        GuideRow("blank"),
        GuideRow("heading", "■ 記入者・確認（提出の前に記入してください）"),
        *(GuideRow("field", "", label) for label in SIGNATURE_FIELDS),
        GuideRow("blank"),
        *_return_rows(facts),
    ]


def _sent_back_rows(facts: GuideFacts) -> list[GuideRow]:
    """A return sent back (kaikaku send-back): when and why, first thing on the sheet."""
    if facts.sent_back is None:
        return []
    when, why = facts.sent_back
    return [
        GuideRow("pair", why, "差戻しの理由"),
        GuideRow(
            "must",
            f"【差戻し】前回の提出内容は {when} に行革・DX推進担当から差し戻されました。"
            "上の理由の点を直して、もう一度提出してください（前回の値は入力済みです）。",
        ),
    ]


def must_sentence(scale: GradeScale) -> str:
    """The sentence that narratives are required: the grades that ask for them, and measures without actuals."""
    explained = "・".join(scale.explained)
    which = f"評価が {explained} の項目や、" if explained else ""
    return (
        f"【必ず記入】{which}実績がなく評価できない指標のある項目は、{c.STATUS.sheet}シートの"
        "取組実績・課題・今後の方向性を必ず記入してください。"
    )


def _fill_rows(scale: GradeScale, facts: GuideFacts) -> list[GuideRow]:
    year = facts.year
    labels = "・".join(scale.labels)
    grading = (
        f"全ての項目の評価（{labels}）を選びます。"
        if scale.typed
        else f"指標のない項目は評価（{labels}）を選びます。指標のある項目の評価は指標の実績から決まります（灰色のセル）。"
    )
    rows = [GuideRow("heading", "■ 記入するところ（黄色のセルだけ）")]
    if facts.measures:  # a department without measures has nothing to fill on 実績
        rows += _measure_rows(facts)
    rows += [
        GuideRow(
            "text",
            f"・{c.STATUS.sheet}：{year}年度の行に、進捗状況（{'・'.join(STATUS_VALUES)}）、取組実績、課題、"
            f"今後の方向性を記入します。{grading}",
        ),
        GuideRow("must", must_sentence(scale)),
        GuideRow(
            "text",
            f"・{c.LEDGER.sheet}：指標で捉えられない財政効果額を1行1件で入力します（No、年度、区分、金額、内容、算定根拠）。",
        ),
        GuideRow("text", "・灰色のセルは前年度までの値と確認用の値です（変更しても取り込まれません）。"),
    ]
    return rows


def _measure_rows(facts: GuideFacts) -> list[GuideRow]:
    year = facts.year
    rows = [
        GuideRow(
            "text",
            f"・実績：{year}年度の列に、各指標の実績値を「単位」列の単位で入力します（{facts.measures} 指標）。"
            "388,500千円、16.3万、4億9,800万円、３，０００円 などの書き方も読み取ります。",
        ),
        GuideRow(
            "text",
            f"・実績シートの右の灰色の列は確認用の 基準値・目標値（見直し後の値）・{year}年度の計画値 です。"
            "計画値は、市の年度目標がある指標はその値、ない指標は基準値から目標値への直線上の値です。",
        ),
    ]
    if facts.cumulative:
        rows.append(
            GuideRow(
                "text",
                f"・次の指標は累計の指標です。{year}年度の1年間の値（その年度の件数・金額）を入力してください"
                f"（累計は自動で計算します。計画値も1年間の値です）：{'、'.join(facts.cumulative)}",
            )
        )
    return rows


def _return_rows(facts: GuideFacts) -> list[GuideRow]:
    due = f"{wareki_day(facts.due)}までに" if facts.due else "期限までに"
    return [
        GuideRow("heading", "■ 提出"),
        GuideRow(
            "text",
            f"・{due}、このファイルを保存して（ファイル名は変えずに、Excel ブック .xlsx の形式で）、"
            "行革・DX推進担当へ返送してください。",
        ),
        GuideRow("text", "・Excel 2016 以降・LibreOffice で開けます。マクロは入っていません。"),
        GuideRow(
            "text", "・行の追加・削除、シート名・列見出しの変更はしないでください（取り込めなくなります）。"
        ),
        GuideRow("text", f"・問い合わせ先：{facts.contact or '行革・DX推進担当'}"),
    ]


def write_guide(ws: Worksheet, rows: list[GuideRow]) -> None:
    """The rows on the sheet: text across both columns, pairs and fields in their two columns; every wrapped row
    as high as its lines; portrait A4 at 100%."""
    ws.column_dimensions["A"].width = LABEL_WIDTH
    ws.column_dimensions["B"].width = TEXT_WIDTH
    for number, row in enumerate(rows, start=1):
        _write_row(ws, number, row)
    print_setup(ws, 1, landscape=False)
    ws.print_title_rows = None
    ws.page_margins.left = ws.page_margins.right = 0.6  # inches: 86 columns wide fits inside


def _text(ws: Worksheet, row: int, column: int, value: str | None) -> Cell:
    """A cell holding text as text: a department name or contact starting with = is never a formula."""
    cell = put_value(ws.cell(row=row, column=column), value)
    assert isinstance(cell, Cell)  # the guide merges no cells
    return cell


def _write_row(ws: Worksheet, number: int, row: GuideRow) -> None:
    if row.kind == "blank":
        return
    if row.kind in ("pair", "field"):
        label = _text(ws, number, 1, row.label)
        apply(label, "reference")
        label.font = Font(name=FONT, bold=True)
        value = _text(ws, number, 2, row.text or None)
        apply(value, "input" if row.kind == "field" else "reference", wrap=True)
        height = row_height([(row.text, TEXT_WIDTH), (row.label, LABEL_WIDTH)], BODY_SIZE)
        ws.row_dimensions[number].height = max(height or 0, 21 if row.kind == "field" else 0) or None
        return
    cell = _text(ws, number, 1, row.text)
    ws.merge_cells(start_row=number, start_column=1, end_row=number, end_column=2)
    if row.kind == "title":
        apply(cell, "title")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        size = 14
    else:
        apply(cell, "body")
        size = BODY_SIZE
        if row.kind in ("heading", "must"):
            cell.font = Font(name=FONT, bold=True, color=RED if row.kind == "must" else None)
    height = row_height([(row.text, GUIDE_WIDTH)], size)
    if height:
        ws.row_dimensions[number].height = height
