"""What the exported documents show: every displayed figure, formatted once, for the xlsx, the PDF and the HTML.

The workbook and the web page are drawn from the same tables built here, so a figure reads the same in every
document. Each number cell keeps three things: the text people read (rounded by kaikaku_xl.rounding), the rounded
number the workbook stores (with a number format that prints exactly that text) and the full-precision report
value with its JSON pointer into the report (the web page puts both in data- attributes).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from ..metrics import GRADE_LABELS, GRADES, NOT_GRADED
from ..metrics.grades import EXCLUDED
from ..numformat import number_format
from ..plan import MONEY_KINDS
from ..report_model import Report, Rollup
from ..rounding import (
    EMPTY,
    YEN_UNITS,
    format_amount,
    format_number,
    format_percent,
    is_missing,
    percent_points,
    round_half_away,
)
from ..workbook.contract import STATUS_VALUES as STATUSES
from ..years import wareki_date, wareki_year

NO_STATUS = "未入力"
AMOUNT_FORMAT = '#,##0;"△"#,##0'
PERCENT_FORMAT = "0.0%"


# ── years and dates ──────────────────────────────────────────────────────────────────────────────────────────

def fiscal_year_label(year: int) -> str:
    """2026 -> 2026年度（令和8年度）."""
    return f"{year}年度（{wareki_year(year)}年度）"


def date_label(day: datetime.date) -> str:
    """2026-06-01 -> 2026年6月1日（令和8年6月1日）; the era changes on 2019-05-01."""
    return f"{day.year}年{day.month}月{day.day}日（{wareki_date(day)}年{day.month}月{day.day}日）"


# ── cells and tables ─────────────────────────────────────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Cell:
    text: str  # what people read
    number: float | int | None = None  # what the workbook stores (already rounded); None: store text
    number_format: str | None = None
    raw: float | int | None = None  # full-precision report value
    ref: str | None = None  # JSON pointer into the report, e.g. /measures/0/progress
    align: str = "left"  # left, right, center
    wrap: bool = True

    @property
    def is_number(self) -> bool:
        return self.ref is not None


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # Excel column width (characters of '0')
    align: str = "left"


@dataclass
class Group:
    label: str | None
    rows: list[list[Cell]]


@dataclass
class Table:
    key: str
    caption: str
    columns: list[Column]
    groups: list[Group]
    notes: list[str] = field(default_factory=list)
    unit_note: str = ""  # 単位：千円 ...

    @property
    def rows(self) -> list[list[Cell]]:
        return [row for g in self.groups for row in g.rows]


def text(value: Any, align: str = "left", wrap: bool = True) -> Cell:
    return Cell(text="" if value is None else str(value), align=align, wrap=wrap)


def center(value: Any) -> Cell:
    return text(value, align="center", wrap=False)


def _plain_number(value: float) -> float | int:
    value = float(value)
    if value == 0:
        return 0
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def percent_cell(rate: float | None, ref: str) -> Cell:
    if is_missing(rate):
        return Cell(EMPTY, ref=ref, align="right")
    number = percent_points(rate) / 100
    return Cell(format_percent(rate), number=_plain_number(number), number_format=PERCENT_FORMAT,
                raw=rate, ref=ref, align="right", wrap=False)


def amount_cell(yen: float | None, unit: str, ref: str | None) -> Cell:
    if is_missing(yen):
        return Cell(EMPTY, ref=ref, align="right")
    number = round_half_away(float(yen) / YEN_UNITS[unit], 0)
    return Cell(format_amount(yen, unit), number=_plain_number(number), number_format=AMOUNT_FORMAT,
                raw=yen, ref=ref, align="right", wrap=False)


def count_cell(n: int | None, ref: str | None) -> Cell:
    if is_missing(n):
        return Cell(EMPTY, ref=ref, align="right")
    return Cell(format_number(n), number=_plain_number(n), number_format="#,##0", raw=n, ref=ref,
                align="right", wrap=False)


def measure_value_cell(x: float | None, unit: str, display_unit: str, ref: str, decimals: int = 0) -> Cell:
    """A 基準値/目標値/実績: amounts in the display unit, other units with the measure's decimals."""
    if unit == "円":
        return amount_cell(x, display_unit, ref)
    if is_missing(x):
        return Cell(EMPTY, ref=ref, align="right")
    number = round_half_away(float(x), decimals)
    return Cell(format_number(x, decimals), number=_plain_number(number), number_format=number_format(decimals),
                raw=x, ref=ref, align="right", wrap=False)


def display_measure_unit(unit: str, display_unit: str) -> str:
    return display_unit if unit == "円" else unit


# ── the document ─────────────────────────────────────────────────────────────────────────────────────────────

@dataclass
class Document:
    plan_name: str
    subtitle: str
    city: str
    city_code: str
    evaluation_year: int
    period: tuple[int, int]
    generated: datetime.date
    display_unit: str
    summary: list[Table]
    items: Table
    qualitative: Table
    effects: list[Table]
    grade_chart: dict[str, Any]  # {"categories": [...], "series": {grade: [percent points]}, "alt": str}
    effect_year_chart: dict[str, Any]
    history_chart: dict[str, Any]
    warnings: list[str]

    @property
    def title(self) -> str:
        return f"{self.plan_name} 取組状況報告（{fiscal_year_label(self.evaluation_year)}）"

    @property
    def evaluation_label(self) -> str:
        return f"{fiscal_year_label(self.evaluation_year)} 評価"

    @property
    def period_label(self) -> str:
        return f"{fiscal_year_label(self.period[0])}～{fiscal_year_label(self.period[1])}"

    @property
    def unit_label(self) -> str:
        return f"単位：{self.display_unit}（△は負の値）"

    @property
    def grade_legend(self) -> str:
        return "評価：" + "／".join(f"{g} {GRADE_LABELS[g]}" for g in (*GRADES, NOT_GRADED))


def _policy_names(plan: Any) -> dict[int, str]:
    return {p.no: p.name for p in getattr(plan, "policies", ())}


def policy_label(no: int | str, names: dict[int, str]) -> str:
    if isinstance(no, int) and no in names:
        return f"基本方針{no}　{names[no]}"
    return str(no)


def _summary_tables(report: Report, names: dict[int, str], unit: str) -> list[Table]:
    year = report.evaluation_year
    rows_src: list[tuple[str, Rollup, str]] = [
        (f"/policies/{i}", p, policy_label(p.group, names)) for i, p in enumerate(report.policies)]
    rows_src.append(("/total", report.total, "全体"))

    counts_rows = []
    for ref, p, label in rows_src:
        row = [text(label), count_cell(p.items, f"{ref}/items"), count_cell(p.graded, f"{ref}/graded")]
        row += [count_cell(p.counts[g], f"{ref}/counts/{g}") for g in GRADES]
        row.append(count_cell(p.counts[NOT_GRADED], f"{ref}/counts/{NOT_GRADED}"))
        row.append(count_cell(p.counts[EXCLUDED], f"{ref}/counts/{EXCLUDED}"))
        counts_rows.append(row)
    counts = Table(
        key="grade_counts",
        caption=f"基本方針別の評価件数（{fiscal_year_label(year)}）",
        columns=[Column("基本方針", 38), Column("取組項目数", 11, "right"), Column("評価対象", 11, "right")]
        + [Column(f"{g}（{GRADE_LABELS[g]}）", 11, "right") for g in GRADES[:4]]
        + [Column(f"{GRADES[4]}（{GRADE_LABELS[GRADES[4]]}）", 16, "right"),
           Column(f"{NOT_GRADED}（未入力・評価不能）", 16, "right"), Column(EXCLUDED, 9, "right")],
        groups=[Group(None, counts_rows)],
        unit_note="単位：件",
        notes=["取組項目の評価：指標のある項目は主指標（設定により最低評価）の評価、指標のない項目は担当課の評価。",
               "対象外：担当課が対象外と入力した項目（評価対象と構成比の分母から除きます）。"],
    )

    share_rows = []
    for ref, p, label in rows_src:
        row = [text(label)] + [percent_cell(p.shares[g], f"{ref}/shares/{g}") for g in GRADES]
        row.append(percent_cell(p.mean_progress, f"{ref}/mean_progress"))
        row.append(amount_cell(p.effect_year, unit, f"{ref}/effect_year"))
        row.append(amount_cell(p.effect_cumulative, unit, f"{ref}/effect_cumulative"))
        share_rows.append(row)
    shares = Table(
        key="grade_shares",
        caption=f"基本方針別の評価構成比・平均進捗率・財政効果額（{fiscal_year_label(year)}）",
        columns=[Column("基本方針", 38)] + [Column(f"{g}（{GRADE_LABELS[g]}）", 11, "right") for g in GRADES]
        + [Column("平均進捗率", 11, "right"), Column(f"単年度効果額（{year}年度）", 16, "right"),
           Column(f"財政効果額累計（{year}年度まで）", 16, "right")],
        groups=[Group(None, share_rows)],
        unit_note=f"金額の単位：{unit}（△は負の値）",
        notes=["構成比は評価対象の項目に占める割合（評価対象外を除く）。四捨五入のため合計が100.0%にならない場合があります。",
               "平均進捗率は進捗率を計算できた指標の単純平均。財政効果額は計上した指標と効果額台帳の合計。"],
    )
    return [counts, shares]


def _items_table(report: Report, names: dict[int, str], unit: str) -> Table:
    measures_of = report.measures_by_item()
    groups: dict[Any, Group] = {}
    for item in report.items:
        group = groups.setdefault(item.policy, Group(policy_label(item.policy, names), []))
        head = [center(item.no), text(item.title), text(item.lead)]
        own = measures_of.get(item.no, [])
        if not own:
            group.rows.append(head + [text("指標なし（定性評価）"), center("")] + [text("", "right")] * 5
                              + [center(item.grade), text("担当課の評価")])
            continue
        for k, (i, m) in enumerate(own):
            ref = f"/measures/{i}"
            note = m.note or ""
            if k > 0:
                note = ("副指標（項目の評価は主指標による）" + ("。" + note if note else "")
                        if item.grade_source == "主指標" else note)
            if not m.counted and m.effect_kind in MONEY_KINDS and not is_missing(m.effect):
                note = (note + "。" if note else "") + "財政効果額に計上しない（重複計上の防止）"
            group.rows.append(head + [
                text(m.name),
                center(display_measure_unit(m.unit, unit)),
                measure_value_cell(m.baseline, m.unit, unit, f"{ref}/baseline", m.decimals),
                measure_value_cell(m.target, m.unit, unit, f"{ref}/target", m.decimals),
                measure_value_cell(m.actual, m.unit, unit, f"{ref}/actual", m.decimals),
                percent_cell(m.progress, f"{ref}/progress"),
                percent_cell(m.attainment, f"{ref}/attainment"),
                center(m.grade),
                text(note),
            ])
    year = report.evaluation_year
    baseline_year = report.plan.baseline_year
    end_year = report.plan.period[1]
    return Table(
        key="items",
        caption=f"取組項目別の進捗状況（{fiscal_year_label(year)}）",
        columns=[
            Column("No", 5, "center"), Column("取組項目", 30), Column("主要担当課", 15), Column("指標", 26),
            Column("単位", 6, "center"), Column(f"基準値（{baseline_year}年度）", 15, "right"),
            Column(f"目標値（{end_year}年度）", 15, "right"), Column(f"実績（{year}年度）", 15, "right"),
            Column("進捗率", 9, "right"), Column("達成率", 9, "right"), Column("評価", 6, "center"),
            Column("備考", 24),
        ],
        groups=list(groups.values()),
        notes=[
            "進捗率 ＝（実績 − 基準値）÷（目標値 − 基準値）。達成率 ＝ 実績 ÷ 目標値（減少を目指す指標は 目標値 ÷ 実績）。",
            "目標値＝基準値の指標（維持）は達成率で評価。「−」は実績が未入力などで計算できないもの（評価対象外）。",
        ],
    )


def _status_index(statuses: list[dict[str, Any]], year: int, item_nos: set[int],
                  warnings: list[str]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for entry in statuses:
        try:
            no, entry_year = int(entry.get("no")), int(entry.get("year"))
        except (TypeError, ValueError):
            warnings.append(f"定性評価の入力に番号または年度のない行があります（{entry!r}）。読み飛ばしました。")
            continue
        if entry_year != year:
            continue
        if no not in item_nos:
            warnings.append(f"定性評価の入力にある取組項目 No.{no} は計画にありません。読み飛ばしました。")
            continue
        if no in found:
            warnings.append(f"取組項目 No.{no} の定性評価（{year}年度）が複数あります。最後の入力を使いました。")
        status = str(entry.get("status") or "")
        if status and status not in STATUSES:
            warnings.append(f"取組項目 No.{no} の状況「{status}」は未着手・実施中・完了・対象外のいずれでもありません。")
        grade = str(entry.get("grade") or "")
        if grade and grade not in (*GRADES, NOT_GRADED, EXCLUDED):
            warnings.append(f"取組項目 No.{no} の評価「{grade}」は S・A・B・C・D・−・対象外 のいずれでもありません。")
        found[no] = entry
    return found


def _qualitative_table(report: Report, statuses: list[dict[str, Any]], names: dict[int, str],
                       warnings: list[str]) -> Table:
    year = report.evaluation_year
    with_measures = {m.item for m in report.measures}
    entries = _status_index(statuses, year, {i.no for i in report.items}, warnings)
    groups: dict[Any, Group] = {}
    for item in report.items:
        no = item.no
        entry = entries.get(no)
        if no in with_measures and entry is None:
            continue
        group = groups.setdefault(item.policy, Group(policy_label(item.policy, names), []))
        if entry is None:
            status, grade, results, issues, nxt = NO_STATUS, item.grade, "", "", ""
        else:
            status = str(entry.get("status") or NO_STATUS)
            grade = str(entry.get("grade") or NOT_GRADED)
            results, issues, nxt = (str(entry.get(k) or "") for k in ("results", "issues", "next"))
            if no not in with_measures and grade != item.grade:
                warnings.append(
                    f"取組項目 No.{no} の評価が、集計結果（{item.grade}）と定性評価の入力（{grade}）で異なります。"
                    "集計を更新してから出力してください。")
        group.rows.append([center(no), text(item.title), text(item.lead), center(status), center(grade),
                           text(results), text(issues), text(nxt)])
    return Table(
        key="qualitative",
        caption=f"定性評価（指標のない取組項目ほか）（{fiscal_year_label(year)}）",
        columns=[Column("No", 5, "center"), Column("取組項目", 24), Column("主要担当課", 14),
                 Column("状況", 8, "center"), Column("評価", 6, "center"), Column("取組実績", 36),
                 Column("課題", 30), Column("今後の方向性", 30)],
        groups=list(groups.values()),
        notes=["状況：未着手／実施中／完了。評価は担当課による（S 目標達成／A 順調／B 概ね順調／C 遅れ／D 悪化）。"],
    )


def _effect_tables(report: Report, plan_items: dict[int, str], unit: str) -> list[Table]:
    eff = report.effects
    year = report.evaluation_year
    year_rows = []
    for i, e in enumerate(eff.by_year):
        ref = f"/effects/by_year/{i}"
        year_rows.append([
            text(fiscal_year_label(e.year), wrap=False),
            amount_cell(e.single_year, unit, f"{ref}/single_year"),
            amount_cell(e.planned, unit, f"{ref}/planned"),
            percent_cell(e.attainment, f"{ref}/attainment"),
            amount_cell(e.cumulative, unit, f"{ref}/cumulative"),
            amount_cell(e.planned_cumulative, unit, f"{ref}/planned_cumulative"),
            percent_cell(e.attainment_cumulative, f"{ref}/attainment_cumulative"),
            amount_cell(e.reference, unit, f"{ref}/reference"),
        ])
    counted = report.total.counted_measures
    by_year = Table(
        key="effects_by_year",
        caption="年度別の財政効果額",
        columns=[Column("年度", 24), Column("単年度効果額", 16, "right"), Column("計画効果額", 16, "right"),
                 Column("効果額達成率", 12, "right"), Column("累計効果額", 16, "right"),
                 Column("計画累計効果額", 16, "right"), Column("累計達成率", 11, "right"),
                 Column("参考換算額", 15, "right")],
        groups=[Group(None, year_rows)],
        unit_note=f"単位：{unit}（△は負の値）",
        notes=[
            "財政効果額は基準年度（" + str(report.plan.baseline_year) + "年度）との比較による。"
            "歳出削減 ＝ 基準値 − 実績、歳入増加 ＝ 実績 − 基準値。累計は計画期間の単年度効果額の合計（継続的効果）。",
            "計上した指標：" + ("、".join(counted) if counted else "なし")
            + "（効果額台帳の手入力分を含む）。参考換算額（時間・用紙の換算）は財政効果額に含めていません。",
        ],
    )

    detail_rows = []
    for i, m in enumerate(report.measures):
        if not m.effect_kind:
            continue
        if m.counted:
            status = "計上"
        elif m.effect_kind == "参考":
            status = "参考換算"
        else:
            status = "計上しない（重複防止）"
        detail_rows.append([
            center(m.item), text(plan_items.get(m.item, "")), text(m.name), center(m.effect_kind),
            text(status), amount_cell(m.effect, unit, f"/measures/{i}/effect"),
        ])
    detail = Table(
        key="effects_by_measure",
        caption=f"指標別の財政効果額（{fiscal_year_label(year)}）",
        columns=[Column("No", 5, "center"), Column("取組項目", 30), Column("指標", 30), Column("区分", 10, "center"),
                 Column("計上", 22), Column("効果額", 16, "right")],
        groups=[Group(None, detail_rows)],
        unit_note=f"単位：{unit}（△は負の値）",
    )

    history_rows = []
    for i, h in enumerate(eff.history):
        history_rows.append([text(h.name), amount_cell(h.effect_yen, unit, f"/effects/history/{i}/effect_yen"),
                             text(_as_of(h.as_of))])
    history_rows.append([text(f"本計画（{year}年度までの累計）"),
                         amount_cell(eff.cumulative, unit, "/effects/cumulative"),
                         text(fiscal_year_label(year))])
    history = Table(
        key="effects_history",
        caption="これまでの行財政改革の財政効果額と本計画の累計",
        columns=[Column("計画", 34), Column("財政効果額", 18, "right"), Column("時点", 24)],
        groups=[Group(None, history_rows)],
        unit_note=f"単位：{unit}（△は負の値）",
    )
    return [by_year, detail, history]


def _as_of(value: Any) -> str:
    """'2024' -> 2024年度（令和6年度）時点; other text as given."""
    text_value = str(value or "").strip()
    if text_value.isdigit() and len(text_value) == 4:
        return f"{fiscal_year_label(int(text_value))}時点"
    return text_value


def _chart_number(cell: Cell) -> float | None:
    """The rounded figure a chart draws (in the display unit); None where the table shows −."""
    return float(cell.number) if cell.number is not None else None


def build_document(plan: Any, report: Report, statuses: list[dict[str, Any]], *, display_unit: str,
                   generated: datetime.date) -> Document:
    if display_unit not in YEN_UNITS:
        raise ValueError(f"金額の表示単位「{display_unit}」は使えません（円・千円・万円のいずれか）。")
    warnings: list[str] = []
    names = _policy_names(plan)
    info = report.plan
    summary = _summary_tables(report, names, display_unit)
    items = _items_table(report, names, display_unit)
    qualitative = _qualitative_table(report, statuses or [], names, warnings)
    titles = {i.no: i.title for i in report.items}
    effects = _effect_tables(report, titles, display_unit)

    shares = summary[1]
    categories = [row[0].text for row in shares.rows]
    series = {g: [row[1 + k].number * 100 if row[1 + k].number is not None else 0.0 for row in shares.rows]
              for k, g in enumerate(GRADES)}
    alt = "基本方針別の評価構成比の横棒グラフ。" + "。".join(
        f"{row[0].text}：" + "、".join(f"{g} {row[1 + k].text}" for k, g in enumerate(GRADES)) for row in shares.rows
    ) + "。"
    grade_chart = {"categories": categories, "series": series, "alt": alt}

    by_year = effects[0]
    year_labels = [f"{e.year}年度" for e in report.effects.by_year]
    effect_year_chart = {
        "categories": year_labels,
        "series": {"実績": [_chart_number(r[1]) for r in by_year.rows], "計画": [_chart_number(r[2]) for r in by_year.rows]},
        "unit": display_unit,
        "alt": f"年度別の財政効果額の棒グラフ（単位：{display_unit}）。" + "。".join(
            f"{lab}：実績 {r[1].text}、計画 {r[2].text}" for lab, r in zip(year_labels, by_year.rows, strict=True)) + "。",
    }
    history = effects[2]
    short = [_short_plan_name(r[0].text) for r in history.rows]
    history_chart = {
        "categories": short,
        "series": {"財政効果額": [_chart_number(r[1]) for r in history.rows]},
        "unit": display_unit,
        "alt": f"これまでの行財政改革の財政効果額と本計画の累計の棒グラフ（単位：{display_unit}）。" + "。".join(
            f"{r[0].text}：{r[1].text}" for r in history.rows) + "。",
    }
    return Document(
        plan_name=info.name,
        subtitle=str(getattr(plan, "subtitle", "") or ""),
        city=info.city,
        city_code=info.city_code or "",
        evaluation_year=info.evaluation_year,
        period=info.period,
        generated=generated,
        display_unit=display_unit,
        summary=summary,
        items=items,
        qualitative=qualitative,
        effects=effects,
        grade_chart=grade_chart,
        effect_year_chart=effect_year_chart,
        history_chart=history_chart,
        warnings=warnings,
    )


def _short_plan_name(name: str) -> str:
    """第1次行財政改革大綱 -> 第1次大綱 for chart labels."""
    if name.startswith("本計画"):
        return "本計画累計"
    return name.replace("行財政改革", "") if len(name) > 8 else name


def finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
