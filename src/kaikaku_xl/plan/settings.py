"""Settings that change how figures are computed or shown. Every rule of DOMAIN.md that is a choice lives here.

The workbook's 設定 sheet holds one row per setting (key, 項目, 値, 説明); SETTING_SPECS is the single
description of those rows, used to build the sheet, to read it back and to validate what staff typed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from kaikaku_xl.plan.model import MONEY_KINDS, Measure, Plan
from kaikaku_xl.plan.money import money_unit
from kaikaku_xl.plan.plausibility import Bounds, parse_bounds
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.vocabulary import YES_NO
from kaikaku_xl.rounding import format_number, round_half_away

EFFECT_MODES = ("継続", "初年度のみ")
ITEM_GRADE_RULES = ("主指標", "最低評価")
DISPLAY_UNITS = ("円", "千円", "万円")
# How the ledger's 歳出削減/歳入増加 amounts are signed: 正 = an effect is positive (a negative is warned about and read
# as typed); 負 = the plan prints reductions as negative numbers (相馬), read as positive effects.
REDUCTION_SIGNS = ("正", "負")
# What a 効果額計画 row states: the year's total in force (each year's effect, lasting ones included) or the new
# effects of that year only (いわき: H19 = 950 continuing + 1,030 new). metrics.effect_plan.comparable_plan.
EFFECT_PLAN_COUNTINGS = ("各年度の効果額", "新規分")


@dataclass(frozen=True)
class Settings:
    evaluation_year: int = 2026
    grade_s_progress: float = 1.0  # S: 進捗率 ≥ this
    grade_a_ratio: float = 1.0  # A: 進捗率 ≥ ratio × planned progress
    grade_b_ratio: float = 0.6  # B: 進捗率 ≥ ratio × planned progress
    hourly_cost: float = 2380.0  # 円/時間: a plan's own figures give its own (with_plan_figures)
    paper_cost: float = 2.0  # 円/枚
    effect_mode: str = "継続"
    include_reference: bool = False  # 参考換算 counted in 財政効果額?
    item_grade_rule: str = "主指標"
    display_unit: str = "円"
    backups: int = 5
    # Plausibility rules (plausibility.py): the range each unit can take, "下限〜上限" ("0〜" = no upper limit).
    range_yen: str = "0〜"
    range_count: str = "0〜"  # 件 and the other counts (COUNT_UNITS)
    range_sheets: str = "0〜"
    range_hours: str = "0〜"
    range_area: str = "0〜"
    range_percent: str = "0〜100"
    value_ceiling: int = 10**15  # every value: |x| below this
    jump_ratio: float = (
        10.0  # warn when a value changes more than this many times against the last known value
    )
    distribution_folder: str = (
        "配布"  # the Excel actions 配布 / 回収: folders relative to the workbook's folder
    )
    collection_folder: str = "回収"
    reduction_sign: str = "正"  # REDUCTION_SIGNS
    effect_plan_counting: str = "各年度の効果額"  # EFFECT_PLAN_COUNTINGS
    # The plan's own grade scale, read from the master's 評価区分 table; not a row of the 設定 sheet. None: the
    # default S–D with the three thresholds above. Carried here so that every grading path that takes the settings
    # (refresh, KK_GRADE) grades on the plan's scale.
    grade_scale: GradeScale | None = None

    def unit_cost(self, unit: str) -> float | None:
        """The 参考換算 price of one unit of a measure, or None where no price applies."""
        return {"時間": self.hourly_cost, "枚": self.paper_cost}.get(unit)

    def bounds(self, unit: str) -> Bounds:
        """The range a value of this unit can take (no limit for units without a rule)."""
        key = UNIT_RANGES.get(unit) or ("range_count" if unit in COUNT_UNITS else None)
        key = key or ("range_yen" if money_unit(unit) else None)  # 千円・百万円… as 円
        return parse_bounds(getattr(self, key)) if key else Bounds()


UNIT_RANGES = {
    "円": "range_yen",
    "件": "range_count",
    "枚": "range_sheets",
    "時間": "range_hours",
    "㎡": "range_area",
    "m2": "range_area",
    "%": "range_percent",
}
COUNT_UNITS = ("件", "人", "回", "箇所", "校", "台", "本", "個", "社", "団体", "者", "施設", "部")


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    note: str
    kind: str  # "year", "ratio", "yen", "choice", "bool", "count", "range", "text"
    choices: tuple[str, ...] = ()


SETTING_SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "evaluation_year", "評価年度", "評価する年度（西暦）。実績表のこの年度の列で評価します。", "year"
    ),
    SettingSpec("grade_s_progress", "S（目標達成）の基準", "進捗率がこの値以上で S。1 = 100%。", "ratio"),
    SettingSpec(
        "grade_a_ratio",
        "A（順調）の比率",
        "進捗率が「計画進捗 × この比率」以上で A。計画進捗 = 経過年数 ÷ {span}。",
        "ratio",
    ),
    SettingSpec(
        "grade_b_ratio",
        "B（概ね順調）の比率",
        "進捗率が「計画進捗 × この比率」以上で B。0 未満は D。",
        "ratio",
    ),
    SettingSpec(
        "hourly_cost",
        "時間単価（円/時間）",
        "参考換算に使う1時間あたりの人件費。{basis}",
        "yen",
    ),
    SettingSpec(
        "paper_cost",
        "用紙単価（円/枚）",
        "参考換算に使う用紙1枚あたりの費用（用紙・印刷）。計画に記載がないため市で設定。",
        "yen",
    ),
    SettingSpec(
        "effect_mode",
        "累計の数え方",
        "継続 = 毎年度、基準年度との差を効果とする（継続的効果）。初年度のみ = 改善分をその年度だけ数える。",
        "choice",
        EFFECT_MODES,
    ),
    SettingSpec(
        "include_reference",
        "参考換算を財政効果額に含める",
        "はい にすると時間・用紙の参考換算額も合計に含めます。",
        "bool",
        YES_NO,
    ),
    SettingSpec(
        "item_grade_rule",
        "取組項目の評価",
        "主指標 = 最初の指標の評価。最低評価 = 指標のうち最も低い評価。",
        "choice",
        ITEM_GRADE_RULES,
    ),
    SettingSpec(
        "display_unit",
        "金額の表示単位",
        "資料に表示する金額の単位（円・千円・万円）。計算は常に円単位。",
        "choice",
        DISPLAY_UNITS,
    ),
    SettingSpec(
        "backups", "バックアップ保存数", "更新のたびに前のファイルを backup フォルダに残す数。", "count"
    ),
    *(
        SettingSpec(
            key,
            f"{label}の指標が取れる範囲",
            f"下限〜上限（空欄の側は制限なし）。範囲外の値は入力エラーとして評価・合計から除きます。"
            f"指標ごとの例外は指標シートの「許容下限」「許容上限」に入力します（なし = 制限なし）。{extra}",
            "range",
        )
        for key, label, extra in (
            ("range_yen", "円", ""),
            ("range_count", "件・人・回などの件数", ""),
            ("range_sheets", "枚", ""),
            ("range_hours", "時間", ""),
            ("range_area", "㎡", ""),
            ("range_percent", "％", "％は 30 = 30% で読みます（％表示の書式のセルだけ 0.3 = 30%）。"),
        )
    ),
    SettingSpec(
        "value_ceiling",
        "数値の上限（絶対値）",
        "これ以上の値（桁の打ち間違いなど）は入力エラーとして評価・合計から除きます。",
        "count",
    ),
    SettingSpec(
        "jump_ratio",
        "前年度比の警告倍率",
        "直前の入力値（最初は基準値）からこの倍数を超えて増減した値を警告します（単位・桁の打ち間違いの確認）。",
        "ratio",
    ),
    SettingSpec(
        "distribution_folder",
        "配布フォルダー",
        "「配布」で担当課ごとの実績報告ファイルを作るフォルダー（ブックのフォルダーからの相対パスも可）。",
        "text",
    ),
    SettingSpec(
        "collection_folder",
        "回収フォルダー",
        "「回収」で取り込む、返送されたファイルを置くフォルダー（ブックのフォルダーからの相対パスも可）。",
        "text",
    ),
    SettingSpec(
        "reduction_sign",
        "削減額の符号",
        "効果額台帳の歳出削減・歳入増加の金額の書き方。正 = 効果を正の数で書く（負の数は警告して入力のとおり読む）。"
        "負 = 削減額を負の数で書く計画（負の数を効果として正に読み、正の数を警告）。",
        "choice",
        REDUCTION_SIGNS,
    ),
    SettingSpec(
        "effect_plan_counting",
        "効果額計画の数え方",
        "効果額計画の各年度の金額の意味。各年度の効果額 = その年度に出る効果額（前年度からの継続分を含む）。"
        "新規分 = その年度に新たに生じる効果額だけ（継続分は前年度までの計画を足し上げて数えます）。",
        "choice",
        EFFECT_PLAN_COUNTINGS,
    ),
)


# Settings a plan declares itself (plan workbook 計画 sheet, TOML [plan]), copied to the master's 設定 at init: the
# same key everywhere, the SettingSpec's label on the sheets.
PLAN_SETTING_KEYS = ("reduction_sign", "effect_plan_counting")


def plan_settings(head: dict[str, Any]) -> dict[str, str]:
    """The settings a plan's head declares (PLAN_SETTING_KEYS; blank = the default); ValueError naming the setting
    and its choices where a value is not one of them."""
    out: dict[str, str] = {}
    for spec in SETTING_SPECS:
        if spec.key not in PLAN_SETTING_KEYS or head.get(spec.key) in (None, ""):
            continue
        value = unicodedata.normalize("NFKC", str(head[spec.key])).strip()
        if value not in spec.choices:
            raise ValueError(
                f"「{spec.label}」（{spec.key}）の値「{head[spec.key]}」は使えません（{'・'.join(spec.choices)}）。"
            )
        out[spec.key] = value
    return out


def initial_settings(evaluation_year: int, declared: dict[str, str]) -> Settings:
    """A new master's 設定: the defaults, the first year to evaluate and what the plan declares (plan_settings)."""
    values: dict[str, Any] = {"evaluation_year": evaluation_year, **declared}
    return Settings(**values)


HOURS, YEN = "時間", "円"
SPENDING = MONEY_KINDS[0]  # 歳出削減
NO_HOURLY_BASIS = "計画に人件費の単価の根拠（同じ取組項目の時間と金額の基準値）がないため既定値です。市の単価に置き換えてください。"


def hourly_basis(plan: Plan) -> tuple[Measure, Measure] | None:
    """The plan's own figures for the 時間単価: a cost in 円 (歳出削減) and the hours it pays for, moving the same way,
    as the one such pair of measures of one item (the bundled plan: 時間外勤務手当 ÷ 時間外勤務総時間), both with a
    baseline above 0. None when no item, or more than one, has such a pair: the plan gives no price then, and its
    master says so rather than show another plan's."""
    pairs = []
    for item in plan.items:
        yen = [m for m in item.measures if m.unit == YEN and m.effect_kind == SPENDING and m.baseline > 0]
        hours = [m for m in item.measures if m.unit == HOURS and m.baseline > 0]
        if len(yen) == 1 and len(hours) == 1 and yen[0].direction == hours[0].direction:
            pairs.append((yen[0], hours[0]))
    return pairs[0] if len(pairs) == 1 else None


def with_plan_figures(settings: Settings, plan: Plan) -> Settings:
    """A new master's settings with what the plan's own figures give: its 時間単価 (rounded half away from zero to
    whole yen) where hourly_basis finds one; the settings as they are otherwise."""
    basis = hourly_basis(plan)
    if basis is None:
        return settings
    yen, hours = basis
    return replace(settings, hourly_cost=round_half_away(yen.baseline / hours.baseline))


def setting_notes(plan: Plan) -> dict[str, str]:
    """Each setting's 説明 as this plan's master shows it: the period and the figures are the plan's own."""
    basis = hourly_basis(plan)
    if basis is None:
        hourly = NO_HOURLY_BASIS
    else:
        yen, hours = basis
        rate = round_half_away(yen.baseline / hours.baseline)
        hourly = f"計画値 {format_number(yen.baseline)}円÷{format_number(hours.baseline)}時間 ≒ {format_number(rate)}円。"
    span = str(plan.end_year - plan.baseline_year)
    return {spec.key: spec.note.replace("{span}", span).replace("{basis}", hourly) for spec in SETTING_SPECS}


def settings_rows(settings: Settings, plan: Plan) -> list[tuple[str, str, Any, str]]:
    """(key, label, display value, note) rows for the 設定 sheet of this plan's master."""
    notes = setting_notes(plan)
    rows = []
    for spec in SETTING_SPECS:
        value = getattr(settings, spec.key)
        if spec.kind == "bool":
            value = "はい" if value else "いいえ"
        rows.append((spec.key, spec.label, value, notes[spec.key]))
    return rows
