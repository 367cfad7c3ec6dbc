"""Reading what staff typed into the input tables: lenient where the meaning is clear, reported where not.

Every problem names the sheet and cell and says what to do. Nothing here raises on bad input: a value that
cannot be read becomes "missing" (評価対象外) and a problem row, and the rest is still computed. The numbers as
typed are read in typed.py, the 指標 table in inputs_measures.py, the 進捗状況 and 効果額台帳 tables in
inputs_cycle.py; this module reads the 設定 table and the yearly values (実績, 年度目標).
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

import pandas as pd

from kaikaku_xl.errors import shown
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.readers.cycle_tables import CycleTablesReader
from kaikaku_xl.master.readers.measures import MeasuresReader
from kaikaku_xl.metrics.frames import ACTUAL_COLUMNS
from kaikaku_xl.plan import item_no
from kaikaku_xl.plan.plausibility import Bounds, parse_bounds, violation
from kaikaku_xl.plan.settings import SETTING_SPECS, Settings

# Re-exported: the workflows, the UDFs and the plan reader import these from here.
from kaikaku_xl.problems import ERROR, WARNING, Problem
from kaikaku_xl.text import cell_text, match_key
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.tablespec import TableSpec
from kaikaku_xl.xlsx.typed import NotANumber, parse_number


class Reader(MeasuresReader, CycleTablesReader):
    """Turns raw tables into metric frames, collecting problems."""

    # -- settings ---------------------------------------------------------------------------------------
    def settings(self, table: RawTable) -> Settings:
        values: dict[str, Any] = {}
        key_col = table.column_index(c.SETTINGS.column("key").header)
        value_col = table.column_index(c.SETTINGS.column("value").header)
        if key_col is None or value_col is None:
            self.problems.append(
                Problem(
                    ERROR, table.sheet, "", "設定表に「キー」「値」列がありません。", "既定値で計算しました。"
                )
            )
            return Settings()
        by_key = {spec.key: spec for spec in SETTING_SPECS}
        for i, row in enumerate(table.rows):
            spec = by_key.get(cell_text(row[key_col]))
            if spec is None:
                continue
            raw = row[value_col]
            try:
                values[spec.key] = self._setting_value(spec, raw)
            except ValueError as exc:
                self.problem(
                    ERROR,
                    table,
                    i,
                    value_col,
                    f"「{spec.label}」の値「{shown(raw)}」を使えません: {exc}",
                    f"既定値（{getattr(Settings(), spec.key)}）で計算しました。正しい値を入力してください。",
                )
        self.config = Settings(**values)
        return self.config

    @staticmethod
    def _setting_value(spec: Any, raw: Any) -> Any:
        if spec.kind == "range":
            return parse_bounds(raw).text()
        if spec.kind == "text":
            text = cell_text(raw)
            if not text:
                raise ValueError("空欄です")
            return text
        if spec.kind in ("choice", "bool"):
            text = unicodedata.normalize("NFKC", cell_text(raw))
            if text not in spec.choices:
                raise ValueError("、".join(spec.choices) + " のいずれかを選んでください")
            return text == "はい" if spec.kind == "bool" else text
        number = parse_number(raw)
        if number is None:
            raise ValueError("空欄です")
        if spec.kind in ("year", "count"):
            if not number.is_integer() or number < 0:
                raise ValueError("0以上の整数を入力してください")
            return int(number)
        if number < 0:
            raise ValueError("0以上の数値を入力してください")
        return number

    # -- yearly values (actuals and own targets) --------------------------------------------------------
    def yearly(
        self,
        table: RawTable,
        spec: TableSpec,
        measures: pd.DataFrame,
        years: list[int],
        value_column: str,
        required: bool,
    ) -> pd.DataFrame:
        columns = [*ACTUAL_COLUMNS[:2], value_column, "error"]
        pos = self.require_columns(table, spec, ["item", "name"])
        if pos is None:
            return pd.DataFrame(columns=columns)
        year_cols: dict[int, int] = {}
        for j, header in enumerate(table.headers):
            match = re.fullmatch(r"(\d{4})年度", unicodedata.normalize("NFKC", header))
            if match:
                year = int(match.group(1))
                if year in years:
                    year_cols[year] = j
                else:
                    self.problems.append(
                        Problem(
                            ERROR,
                            table.sheet,
                            table.address(-1, j),
                            f"列「{shown(header)}」は計画期間（{years[0]}〜{years[-1]}年度）の外です。",
                            "この列の値は使いません。列見出しを確認してください。",
                        )
                    )
        lookup = {(r.item, match_key(r.name)): r for r in measures.itertuples()}
        out, seen = [], set()
        for i, raw in enumerate(table.rows):
            item, name = item_no(raw[pos["item"]]), cell_text(raw[pos["name"]])
            measure = lookup.get((item, match_key(name)))  # type: ignore[arg-type]
            if measure is None:
                self.problem(
                    ERROR,
                    table,
                    i,
                    pos["name"],
                    f"No「{shown(raw[pos['item']])}」「{shown(name)}」は指標シートにありません。",
                    "No と指標名を指標シートと同じにしてください。この行は使いませんでした。",
                )
                continue
            if measure.measure_id in seen:
                self.problem(
                    ERROR,
                    table,
                    i,
                    pos["name"],
                    f"No.{item}「{shown(name)}」の行が重複しています。",
                    "重複した行を削除してください。最初の行の値を使いました。",
                )
                continue
            seen.add(measure.measure_id)
            bounds = Bounds(_limit(measure.low), _limit(measure.high))
            previous: float = (
                measure.baseline
            )  # a jump is measured against the last known value (at first: baseline)
            for year, j in sorted(year_cols.items()):
                what = f"No.{item}「{shown(name)}」{year}年度の値「{shown(raw[j])}」"
                try:
                    value = parse_number(raw[j], measure.unit or None)
                    if value is not None and measure.unit == "%":
                        value = self.percent_points(
                            table, i, j, raw[j], value, f"No.{item}「{shown(name)}」{year}年度"
                        )
                    reason = None if value is None else violation(value, bounds, self.config.value_ceiling)
                    if reason:
                        raise NotANumber(reason)
                except NotANumber as exc:
                    self.problem(
                        ERROR,
                        table,
                        i,
                        j,
                        f"{what}: {exc}。",
                        f"{measure.unit}単位の正しい値を入力してください（範囲の例外は指標シートの許容下限・許容上限）。"
                        "この年度は評価せず、合計にも加えていません。",
                    )
                    out.append(
                        {
                            "measure_id": measure.measure_id,
                            "year": year,
                            value_column: None,
                            "error": str(exc),
                        }
                    )
                    continue
                if value is None:
                    continue
                if value_column == "actual" and _jumped(previous, value, self.config.jump_ratio):
                    self.problem(
                        WARNING,
                        table,
                        i,
                        j,
                        f"{what}は前の値 {previous:,g} から{self.config.jump_ratio:g}倍を超えて変わっています。",
                        "単位（円・千円・万円）や桁を確認してください。正しければそのままで構いません。",
                    )
                previous = value
                out.append({"measure_id": measure.measure_id, "year": year, value_column: value, "error": ""})
        if required:
            for r in measures.itertuples():
                if r.measure_id not in seen:
                    self.problems.append(
                        Problem(
                            ERROR,
                            table.sheet,
                            "",
                            f"No.{r.item}「{shown(r.name)}」の行が{spec.sheet}シートにありません。",
                            "指標シートと同じ No・指標名の行を追加してください。",
                        )
                    )
        return pd.DataFrame(out, columns=columns)


def _limit(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _jumped(previous: float | None, value: float, ratio: float) -> bool:
    """More than `ratio` times up or down against the previous known value (zeros are not compared)."""
    if previous is None or previous == 0 or value == 0:
        return False
    big, small = max(abs(previous), abs(value)), min(abs(previous), abs(value))
    return big > ratio * small
