"""The council materials' 年度推移 section: each item's grade per year and each measure's actual against its
planned path (the rows of the master's 年度推移 sheet, app/trend.py), as tables and one small chart per
measure (a native line chart in the xlsx and so in the PDF, an SVG line chart in the HTML)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kaikaku_xl.export.cells import Cell, Column, Group, Table, center, text
from kaikaku_xl.plan.scale import GRADES
from kaikaku_xl.rounding import EMPTY, YEN_UNITS, format_amount, format_number, is_missing, round_half_away

ITEMS_CAPTION = "取組項目ごとの評価の推移（締めた年度は記録した評価）。−は評価なし（未入力・評価不能）。"
MEASURES_CAPTION = "指標ごとの実績と計画値（基準値から目標値への計画の道筋）の推移。"


@dataclass
class TrendChart:
    title: str
    unit: str  # what the values are in (the display unit for 円)
    categories: list[str]
    actual: list[float | None]
    planned: list[float | None]
    decimals: int = 0  # the measure's decimals (the axis labels')
    rate: bool = False  # a % measure: its axis runs 0 to max(100, the data)

    @property
    def values(self) -> list[float]:
        return [v for v in (*self.actual, *self.planned) if v is not None]

    @property
    def alt(self) -> str:
        def v(x: float | None) -> str:
            return "−" if x is None else format_number(x, 2).rstrip("0").rstrip(".")

        pairs = "、".join(
            f"{c} 実績 {v(a)}・計画 {v(p)}"
            for c, a, p in zip(self.categories, self.actual, self.planned, strict=True)
        )
        return f"{self.title}の実績と計画値の折れ線グラフ（{self.unit}）。{pairs}。"


@dataclass(frozen=True)
class TrendData:
    """The section's input: the rows of the master's 年度推移 sheet (app/trend.trend_rows), cut to what the
    council sees (item grades up to the evaluation year)."""

    plan_years: list[int]  # the item table's years: the plan's, up to the evaluation year
    years: list[int]  # the measure table's years: the planned path to the plan's end
    items: list[list[Any]]  # No, 取組項目, 主要担当課, then a grade per plan year
    measures: list[
        list[Any]
    ]  # two rows per measure (実績, 計画値): ID, name, unit, 系列, then a value per year
    decimals: dict[str, int]  # measure ID -> decimals shown


@dataclass
class Trend:
    items: Table
    measures: Table
    charts: list[TrendChart]


def _value(x: Any, unit: str, display_unit: str, decimals: int) -> tuple[str, float | None]:
    """(the text people read, the number a chart draws) of one value; amounts in the display unit."""
    if x is None or is_missing(x):
        return EMPTY, None
    if unit == "円":
        return format_amount(float(x), display_unit), round_half_away(float(x) / YEN_UNITS[display_unit], 0)
    return format_number(float(x), decimals), round_half_away(float(x), decimals)


def trend_view(data: TrendData | None, display_unit: str) -> Trend | None:
    """The section's tables and charts; None (no section) without data."""
    if data is None:
        return None
    plan_years, years = data.plan_years, data.years
    item_columns = [
        Column("No", 5, "center"),
        Column("取組項目", 30),
        Column("主要担当課", 14),
        *(Column(f"{y}年度", 8, "center") for y in plan_years),
    ]
    item_rows = [
        [
            center(r[0]),
            text(r[1]),
            text(r[2]),
            *(center(g if g in (*GRADES, "対象外", "−") else (g or "")) for g in r[3:]),
        ]
        for r in data.items
    ]
    items = Table("trend_items", ITEMS_CAPTION, item_columns, [Group(None, item_rows)])
    measure_columns = [
        Column("指標", 30),
        Column("単位", 7, "center"),
        Column("系列", 7, "center"),
        *(Column(f"{y}年度", 12, "right") for y in years),
    ]
    rows: list[list[Cell]] = []
    charts: list[TrendChart] = []
    measures = data.measures
    for k in range(0, len(measures), 2):
        actual, planned = measures[k], measures[k + 1]
        measure_id, name, unit = actual[0], actual[1], actual[2]
        decimals = data.decimals.get(measure_id, 0)
        shown_unit = display_unit if unit == "円" else unit
        series = []
        for row in (actual, planned):
            values = [_value(x, unit, display_unit, decimals) for x in row[4:]]
            rows.append(
                [
                    text(f"{measure_id} {name}"),
                    center(shown_unit),
                    center(row[3]),
                    *(text(t, "right", False) for t, _ in values),
                ]
            )
            series.append([n for _, n in values])
        charts.append(
            TrendChart(
                f"{measure_id} {name}",
                shown_unit,
                [f"{y}" for y in years],
                series[0],
                series[1],
                decimals=0 if unit == "円" else decimals,
                rate=unit == "%",
            )
        )
    measure_table = Table("trend_measures", MEASURES_CAPTION, measure_columns, [Group(None, rows)])
    return Trend(items, measure_table, charts)
