"""The master's input columns checked as staff type: dropdowns of the plan's choices and number checks."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.inputs import OPINION_STATES, OPINION_WHOLE, OPINIONS
from kaikaku_xl.plan import EFFECT_KINDS, Plan
from kaikaku_xl.plan.numformat import MAX_DECIMALS
from kaikaku_xl.plan.scale import BASES, EXCLUDED, GradeScale
from kaikaku_xl.plan.settings import SETTING_SPECS, SettingSpec
from kaikaku_xl.plan.vocabulary import EXCLUSION_NOTE, LEDGER_KINDS, STATUS_CHOICES, STATUS_VALUES, YES_NO
from kaikaku_xl.xlsx.validation import add_validation, choice_list, whole_check

GRADE_SETTINGS = ("grade_s_progress", "grade_a_ratio", "grade_b_ratio")  # the default scale's thresholds

# What the number cells accept, said as the guides say it: the reader takes text such as these (xlsx/typed.py).
TYPED_NUMBERS = "388,500千円、16.3万、4億9,800万円、３，０００円、△1,200 のような書き方も読み取ります。"
VALUE_PROMPT = "「単位」列の単位で数値を入力します。" + TYPED_NUMBERS
AMOUNT_PROMPT = "金額（円）を入力します。" + TYPED_NUMBERS
STATUS_PROMPT = STATUS_CHOICES + EXCLUSION_NOTE


def number_hint(prompt: str) -> DataValidation:
    """A number cell's message, shown when the cell is selected, with no rule that refuses text: typing
    「388,500千円」 must not meet 「数値を入力してください」 (Excel and LibreOffice would show an error, or ask
    whether to keep the value, for text in a decimal-checked cell) when the reader takes it. A value the reader
    cannot take is reported by cell when it is read (refresh, validate, collect)."""
    return DataValidation(
        allow_blank=True,  # no type: any value (Excel's 「すべての値」, LibreOffice's 「すべての値」)
        showErrorMessage=False,
        showInputMessage=True,
        promptTitle="入力",
        prompt=prompt[:250],  # Excel's limit for the message is 255 characters
    )


def setting_specs(plan: Plan) -> tuple[SettingSpec, ...]:
    """The 設定 rows of this plan's master: a plan with its own scale keeps its thresholds in 評価区分, not here."""
    return tuple(s for s in SETTING_SPECS if plan.grade_scale is None or s.key not in GRADE_SETTINGS)


def grade_prompt(scale: GradeScale) -> str:
    """The dropdown's prompt for the 評価 column (Excel allows 255 characters)."""
    labels = "・".join(scale.labels) if scale.custom else "S〜D"  # the default master's text, unchanged
    who = "全ての項目の評価" if scale.typed else "指標のない項目の評価"
    return f"{who}（{labels}）を選んでください。空欄は未入力です。{EXCLUSION_NOTE}"[:250]


def add_input_validations(wb: Workbook, plan: Plan, layout: c.Layout) -> None:
    """The dropdowns and number checks of the master's input tables."""
    settings_ws = wb[c.SETTINGS.sheet]
    for i, setting in enumerate(setting_specs(plan), start=c.SETTINGS.anchor_row + 1):
        if setting.choices:
            dv = choice_list(setting.choices, "、".join(setting.choices) + " から選んでください。")
            dv.add(f"C{i}")
            settings_ws.add_data_validation(dv)
    numbers = [it.no for it in plan.items]
    for name in (c.ACTUALS_TABLE, c.TARGETS_TABLE):
        spec = layout.table(name)
        for y in layout.years if plan.measures else ():  # a plan without measures has no rows to check
            add_validation(
                wb[spec.sheet],
                spec,
                f"y{y}",
                number_hint(VALUE_PROMPT),
                rows=len(plan.measures),
            )
    ms = c.MEASURES
    add_validation(
        wb[ms.sheet],
        ms,
        "effect_kind",
        choice_list([k for k in EFFECT_KINDS if k], "効果区分を選んでください。"),
    )
    add_validation(wb[ms.sheet], ms, "include_in_effect", choice_list(YES_NO, "／".join(YES_NO)))
    add_validation(
        wb[ms.sheet],
        ms,
        "decimals",
        whole_check(0, MAX_DECIMALS, f"表示する小数の桁数（0〜{MAX_DECIMALS}）。空欄は単位から決めます。"),
    )
    st = layout.table(c.STATUS.name)  # headed by the scale
    add_validation(
        wb[st.sheet],
        st,
        "status",
        choice_list(STATUS_VALUES, STATUS_PROMPT),
    )
    scale = plan.grade_scale or GradeScale()
    add_validation(wb[st.sheet], st, "grade", choice_list((*scale.labels, EXCLUDED), grade_prompt(scale)))
    if plan.grade_scale is not None:
        gs = c.GRADE_SCALE
        add_validation(
            wb[gs.sheet], gs, "basis", choice_list(BASES, "・".join(BASES) + " から選んでください。")
        )
        add_validation(wb[gs.sheet], gs, "explain", choice_list(YES_NO, "／".join(YES_NO)))
    lg = c.LEDGER
    whole = [n for n in numbers if isinstance(n, int)]
    if len(whole) == len(numbers):
        low, high = min(whole), max(whole)
        add_validation(
            wb[lg.sheet],
            lg,
            "item",
            whole_check(low, high, f"取組項目の No（{low}〜{high}）を入力してください。"),
        )
    elif len(",".join(map(str, numbers))) < 250:  # Excel's limit for a list typed into the rule
        add_validation(
            wb[lg.sheet], lg, "item", choice_list(map(str, numbers), "取組項目の No を選んでください。")
        )
    add_validation(
        wb[lg.sheet],
        lg,
        "year",
        whole_check(
            plan.start_year, plan.end_year, f"{plan.start_year}〜{plan.end_year} の年度を入力してください。"
        ),
    )
    add_validation(
        wb[lg.sheet], lg, "kind", choice_list(LEDGER_KINDS, "歳出削減・歳入増加から選んでください。")
    )
    add_validation(wb[lg.sheet], lg, "amount", number_hint(AMOUNT_PROMPT))


OPINION_STATE_PROMPT = "・".join(OPINION_STATES) + " から選んでください。空欄は未対応です。"


def add_opinion_validations(ws: Worksheet, plan: Plan, rows: int) -> None:
    """The 懇談会意見 sheet's checks: the year, the item (its No or 全体, where the list fits) and 対応状況."""
    years = list(range(plan.baseline_year + 1, plan.end_year + 1))
    add_validation(
        ws,
        OPINIONS,
        "year",
        whole_check(years[0], years[-1], f"意見の対象の年度（{years[0]}〜{years[-1]}）を入力してください。"),
        rows=rows,
    )
    numbers = [str(it.no) for it in plan.items]
    prompt = f"取組項目の No か「{OPINION_WHOLE}」を選んでください。"  # (a list too long: the message only)
    add_validation(ws, OPINIONS, "item", choice_list([*numbers, OPINION_WHOLE], prompt), rows=rows)
    add_validation(ws, OPINIONS, "state", choice_list(OPINION_STATES, OPINION_STATE_PROMPT), rows=rows)
