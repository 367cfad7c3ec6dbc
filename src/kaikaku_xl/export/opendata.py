"""Open-data CSV of the item results, in the style of the 自治体標準オープンデータセット.

Format decisions:
- UTF-8 with BOM and CRLF line ends: the BOM lets Excel (the tool most readers open a CSV with in Japanese
  offices) detect UTF-8 instead of assuming Shift_JIS; pandas reads it with encoding="utf-8-sig".
- First columns 全国地方公共団体コード (6 digits with check digit, kept as text), ID, 地方公共団体名; dates ISO
  YYYY-MM-DD (公開日). One row per measure, plus one row for each item without measures (empty measure columns).
- Numbers are plain numbers without separators: 基準値・目標値・実績値 in the measure's own unit (円 stays 円,
  whatever the display unit of the documents), rounded half away from zero to 2 decimals; 進捗率・達成率 in percent
  (30.0 = 30.0%) rounded to 0.1 point as displayed; 財政効果額 in 円 (integer) for measures counted in the
  plan's 財政効果額 of the year, empty otherwise. Not computable values are empty, and so is 評価 where there is
  none (the documents' − (U+2212) is for people; a machine reader expects an empty field), 対象外 as entered.
- 累計 measures (集計 = 累計): 実績値 is the running total that is graded, 単年度の実績値 the year's own amount
  (empty for other measures, whose 実績値 is the year's value). Both columns come after 公開日, so the columns
  before them keep their places.
- 取組の計画効果額 / 取組の効果額達成率: the item's planned 財政効果額 of the year (円) and 実績 ÷ 計画 (percent, 0.1
  point), where the plan has a 効果額計画; the same on each row of the item (they are the item's, not the measure's).
- Formula injection: a text value starting with = + - @ (or their full-width forms), tab or CR gets a leading
  single quote. Numbers are never quoted.
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any

from kaikaku_xl.export.report import Report
from kaikaku_xl.plan import Plan
from kaikaku_xl.plan.scale import NOT_GRADED
from kaikaku_xl.rounding import EMPTY, is_missing, percent_points, round_half_away

COLUMNS = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "年度",
    "基本方針",
    "取組項目No",
    "取組項目",
    "主要担当課",
    "指標名",
    "単位",
    "基準値",
    "目標値",
    "実績値",
    "進捗率",
    "達成率",
    "評価",
    "財政効果額",
    "公開日",
    "集計",
    "単年度の実績値",
    "取組の計画効果額",
    "取組の効果額達成率",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise(value: str) -> str:
    """Prefix a single quote to text a spreadsheet would read as a formula."""
    return "'" + value if value.startswith(DANGEROUS) else value


def _number(x: float | None, ndigits: int = 2) -> str:
    if x is None or is_missing(x):
        return ""
    value = round_half_away(float(x), ndigits)
    if value == 0:
        return "0"
    return str(int(value)) if value.is_integer() else repr(value)


def _grade(grade: str) -> str:
    """A grade as the CSV writes it: empty where there is none (− in the documents)."""
    return "" if grade in (NOT_GRADED, EMPTY) else grade


def _percent(rate: float | None) -> str:
    if rate is None or is_missing(rate):
        return ""
    value = percent_points(rate)
    return f"{value:.1f}" if value != 0 else "0.0"


def rows(plan: Plan, report: Report, generated: datetime.date) -> list[list[Any]]:
    info = report.plan
    year = info.evaluation_year
    names = {p.no: p.name for p in plan.policies}
    measures_of = report.measures_by_item()
    published = generated.isoformat()
    out: list[list[Any]] = []
    for item in report.items:
        no = item.no
        head = [
            info.city_code or "",
            None,
            info.city,
            year,
            names.get(item.policy, str(item.policy)),
            no,
            item.title,
            item.lead,
        ]
        own = measures_of.get(no, [])
        effect_plan = [_number(item.effect_plan_year, 0), _percent(item.effect_plan_attainment)]
        if not own:
            row = head + ["", "", "", "", "", "", "", _grade(item.grade), "", published, "", "", *effect_plan]
            row[1] = f"{year}-{no}"
            out.append(row)
            continue
        for _i, m in own:
            effect = _number(m.effect, 0) if m.counted else ""
            row = head + [
                m.name,
                m.unit,
                _number(m.baseline),
                _number(m.target),
                _number(m.actual),
                _percent(m.progress),
                _percent(m.attainment),
                _grade(m.grade),
                effect,
                published,
                m.aggregation,
                _number(m.year_actual) if m.aggregation else "",
                *effect_plan,
            ]
            row[1] = f"{year}-{m.id}"
            out.append(row)
    return out


TEXT_COLUMNS = {
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "基本方針",
    "取組項目",
    "主要担当課",
    "指標名",
    "単位",
    "評価",
    "公開日",
    "集計",
}


def render_csv(plan: Plan, report: Report, generated: datetime.date) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in rows(plan, report, generated):
        writer.writerow(
            [neutralise(str(v)) if name in TEXT_COLUMNS else v for name, v in zip(COLUMNS, row, strict=True)]
        )
    return buffer.getvalue()


def write_csv(plan: Plan, report: Report, path: Path, generated: datetime.date) -> None:
    path.write_bytes(("\ufeff" + render_csv(plan, report, generated)).encode("utf-8"))
