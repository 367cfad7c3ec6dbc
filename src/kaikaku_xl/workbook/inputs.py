"""Reading what staff typed into the input tables: lenient where the meaning is clear, reported where not.

Every problem names the sheet and cell and says what to do. Nothing here raises on bad input: a value that
cannot be read becomes "missing" (評価対象外) and a problem row, and the rest is still computed. The numbers as
typed are read in typed.py, the 進捗状況 and 効果額台帳 tables in inputs_cycle.py.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from typing import Any

import pandas as pd

from ..errors import shown as quoted
from ..metrics.frames import ACTUAL_COLUMNS, MEASURE_COLUMNS
from ..numformat import MAX_DECIMALS
from ..plan import AGGREGATIONS, CUMULATIVE, DIRECTIONS, EFFECT_KINDS, item_no
from ..plausibility import NO_LIMIT, Bounds, parse_bounds, shown, violation
from ..settings import SETTING_SPECS, Settings
from . import contract as c
from .engine import RawTable
from .inputs_cycle import CycleTablesReader, runs_in  # noqa: F401  (runs_in: re-exported)

# Re-exported: the workflows, the UDFs and the plan reader import these from here.
from .problems import ERROR, NARRATIVE_KEYS, WARNING, Problem  # noqa: F401
from .typed import NotANumber, _int, _key, _text, parse_number  # noqa: F401


class Reader(CycleTablesReader):
    """Turns raw tables into metric frames, collecting problems."""

    # -- settings ---------------------------------------------------------------------------------------
    def settings(self, table: RawTable) -> Settings:
        values: dict[str, Any] = {}
        key_col, value_col = table.column_index("キー"), table.column_index("値")
        if key_col is None or value_col is None:
            self.problems.append(
                Problem(
                    ERROR, table.sheet, "", "設定表に「キー」「値」列がありません。", "既定値で計算しました。"
                )
            )
            return Settings()
        by_key = {spec.key: spec for spec in SETTING_SPECS}
        for i, row in enumerate(table.rows):
            spec = by_key.get(_text(row[key_col]))
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
                    f"「{spec.label}」の値「{quoted(raw)}」を使えません: {exc}",
                    f"既定値（{getattr(Settings(), spec.key)}）で計算しました。正しい値を入力してください。",
                )
        self.config = Settings(**values)
        return self.config

    @staticmethod
    def _setting_value(spec: Any, raw: Any) -> Any:
        if spec.kind == "range":
            return parse_bounds(raw).text()
        if spec.kind == "text":
            text = _text(raw)
            if not text:
                raise ValueError("空欄です")
            return text
        if spec.kind in ("choice", "bool"):
            text = unicodedata.normalize("NFKC", _text(raw))
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

    # -- measures ---------------------------------------------------------------------------------------
    def measures(self, table: RawTable, items: pd.DataFrame) -> pd.DataFrame:
        keys = [col.key for col in c.MEASURES.columns if col.key not in c.MEASURE_OPTIONAL_KEYS]
        pos = self.require_columns(table, c.MEASURES, keys)
        if pos is None:
            return pd.DataFrame(columns=MEASURE_COLUMNS)
        decimals_at = table.column_index(c.MEASURES.column("decimals").header)
        limit_at = {
            key: table.column_index(c.MEASURES.column(key).header) for key in ("allowed_min", "allowed_max")
        }
        aggregation_at = table.column_index(c.MEASURES.column("aggregation").header)
        policy_of = dict(
            zip(items["item"], items["policy"], strict=True)
        )  # dicts: one lookup per row is cheap
        lead_of = dict(zip(items["item"], items["lead"], strict=True))
        rows, seen = [], set()
        seq: dict[int, int] = {}
        for i, raw in enumerate(table.rows):
            item = item_no(raw[pos["item"]])
            name = _text(raw[pos["name"]])
            if item is None or item not in policy_of:
                self.problem(
                    ERROR,
                    table,
                    i,
                    pos["item"],
                    f"取組項目 No「{quoted(raw[pos['item']])}」は計画にありません。",
                    "取組項目シートにある No を入力してください。この指標は計算から除きました。",
                )
                continue
            if (item, _key(name)) in seen:
                self.problem(
                    ERROR,
                    table,
                    i,
                    pos["name"],
                    f"No.{item}「{quoted(name)}」の行が重複しています。",
                    "重複した行を削除してください。最初の行で計算しました。",
                )
                continue
            seen.add((item, _key(name)))
            direction = _text(raw[pos["direction"]])
            if direction not in DIRECTIONS:
                self.problem(
                    ERROR,
                    table,
                    i,
                    pos["direction"],
                    f"方向「{quoted(direction)}」は使えません。",
                    "増加・減少・維持のいずれかを入力してください。この指標は計算から除きました。",
                )
                continue
            unit = _text(raw[pos["unit"]])
            numbers: dict[str, float | None] = {}
            for key, label in (("baseline", "基準値"), ("target", "目標値")):
                try:
                    numbers[key] = parse_number(raw[pos[key]], unit or None)
                    if unit == "%" and numbers[key] is not None:
                        numbers[key] = self.percent_points(
                            table,
                            i,
                            pos[key],
                            raw[pos[key]],
                            numbers[key],  # type: ignore[arg-type]
                            f"No.{item}「{quoted(name)}」の{label}",
                        )
                except NotANumber as exc:
                    numbers[key] = None
                    self.problem(
                        ERROR,
                        table,
                        i,
                        pos[key],
                        f"{label}「{quoted(raw[pos[key]])}」: {exc}。",
                        f"{label}を数値で入力してください。この指標は計算から除きました。",
                    )
            limits = self.measure_limits(table, i, limit_at, raw)
            bounds = self.config.bounds(unit).override(*limits)
            for key, label in (("baseline", "基準値"), ("target", "目標値")):
                reason = (
                    None
                    if numbers[key] is None
                    else violation(numbers[key], bounds, self.config.value_ceiling)
                )  # type: ignore[arg-type]
                if reason:
                    self.problem(
                        ERROR,
                        table,
                        i,
                        pos[key],
                        f"No.{item}「{quoted(name)}」の{label}「{shown(raw[pos[key]])}」は{reason}。",
                        f"{label}を正しい値にしてください。この指標は計算から除きました。",
                    )
                    numbers[key] = None
            if numbers["baseline"] is None or numbers["target"] is None:
                if all(raw[pos[k]] is None for k in ("baseline", "target")):
                    self.problem(
                        ERROR,
                        table,
                        i,
                        pos["baseline"],
                        f"No.{item}「{quoted(name)}」の基準値・目標値が空欄です。",
                        "基準値と目標値を入力してください。",
                    )
                continue
            kind = _text(raw[pos["effect_kind"]])
            if kind not in EFFECT_KINDS:
                self.problem(
                    WARNING,
                    table,
                    i,
                    pos["effect_kind"],
                    f"効果区分「{quoted(kind)}」は使えません。",
                    "歳出削減・歳入増加・参考・空欄のいずれかにしてください。区分なしとして計算しました。",
                )
                kind = ""
            decimals = None if decimals_at is None else _int(raw[decimals_at])
            if (
                decimals_at is not None
                and raw[decimals_at] not in (None, "")
                and (decimals is None or not 0 <= decimals <= MAX_DECIMALS)
            ):
                self.problem(
                    WARNING,
                    table,
                    i,
                    decimals_at,
                    f"小数桁「{quoted(raw[decimals_at])}」は使えません。",
                    f"0〜{MAX_DECIMALS} の整数を入力してください（空欄は単位から決めます）。単位から決めて表示しました。",
                )
                decimals = None
            aggregation = self.aggregation(
                table, i, aggregation_at, raw, numbers["baseline"], direction, f"No.{item}「{name}」"
            )
            if aggregation is None:
                continue
            seq[item] = seq.get(item, 0) + 1
            measure_id = _text(raw[pos["measure_id"]]) or f"{item}-{seq[item]}"
            rows.append(
                {
                    "measure_id": measure_id,
                    "item": item,
                    "seq": seq[item],
                    "policy": int(policy_of[item]),
                    "lead": lead_of[item],
                    "name": name,
                    "unit": unit,
                    "direction": direction,
                    "baseline": numbers["baseline"],
                    "target": numbers["target"],
                    "effect_kind": kind,
                    "include_in_effect": _text(raw[pos["include_in_effect"]])
                    in ("はい", "TRUE", "True", "1", "○"),
                    "aggregation": aggregation,
                    "row": i,
                    "decimals": decimals,
                    "low": bounds.low,
                    "high": bounds.high,
                }
            )
        return pd.DataFrame(rows, columns=[*MEASURE_COLUMNS, "row", "decimals", "low", "high"])

    def aggregation(
        self,
        table: RawTable,
        i: int,
        at: int | None,
        raw: list[Any],
        baseline: float | None,
        direction: str,
        what: str,
    ) -> str | None:
        """A measure's 集計 ("" or 累計); None (and an error naming the cell) where a 累計 measure cannot be one."""
        value = "" if at is None else unicodedata.normalize("NFKC", _text(raw[at]))
        if value not in AGGREGATIONS:
            self.problem(
                WARNING,
                table,
                i,
                at,
                f"{what}の集計「{shown(raw[at])}」は使えません。",  # type: ignore[arg-type,index]
                "累計・単年度・空欄のいずれかにしてください。各年度の値をそのまま評価しました。",
            )
            return ""
        if value != CUMULATIVE:
            return ""
        if baseline != 0 or direction != "増加":
            self.problem(
                ERROR,
                table,
                i,
                at,
                f"{what}は累計の指標ですが、基準値が 0 でないか方向が増加ではありません。",  # type: ignore[arg-type]
                "累計の指標は基準値 0・方向 増加にしてください（各年度の値を足し上げます）。この指標は計算から除きました。",
            )
            return None
        return CUMULATIVE

    def measure_limits(
        self, table: RawTable, i: int, limit_at: dict[str, int | None], raw: list[Any]
    ) -> tuple[float | None, float | None]:
        """A measure's own 許容下限/許容上限 (blank: the unit's rule; なし: no limit on that side)."""
        out: list[float | None] = []
        for key, infinite in (("allowed_min", -math.inf), ("allowed_max", math.inf)):
            j = limit_at[key]
            value = None if j is None else raw[j]
            if value is None or _text(value) == "":
                out.append(None)
                continue
            if _key(value) == NO_LIMIT:
                out.append(infinite)
                continue
            try:
                out.append(parse_number(value))
            except NotANumber as exc:
                self.problem(
                    ERROR,
                    table,
                    i,
                    j,
                    f"{c.MEASURES.column(key).header}「{shown(value)}」: {exc}。",
                    "数値か「なし」を入力してください。空欄として単位の範囲を使いました。",
                )
                out.append(None)
        return out[0], out[1]

    def percent_points(self, table: RawTable, i: int, j: int, raw: Any, value: float, what: str) -> float:
        """A % measure's number in points (30 = 30%): a fraction only where the cell's own format is a percentage.

        No guessing from the size of the value (docs/decisions.md): 1 in a plain cell is 1%. Where the engine
        cannot see formats (Excel on the web), a value between 0 and 1 is read as points and flagged.
        """
        percent_cell = table.is_percent(i, j)
        if percent_cell and isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(
                Decimal(repr(float(raw))) * 100
            )  # in decimal: 0.3 × 100 is 30, not 30.000000000000004
        if percent_cell is None and 0 < abs(value) <= 1:
            self.problem(
                WARNING,
                table,
                i,
                j,
                f"{what}の値 {raw} を {value:g}% として読みました（セルの表示形式を確認できません）。",
                "％の指標は 30 のように％の数値で入力してください。30% と表示される書式のセルなら問題ありません。",
            )
        return value

    # -- yearly values (actuals and own targets) --------------------------------------------------------
    def yearly(
        self,
        table: RawTable,
        spec: c.TableSpec,
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
                            f"列「{quoted(header)}」は計画期間（{years[0]}〜{years[-1]}年度）の外です。",
                            "この列の値は使いません。列見出しを確認してください。",
                        )
                    )
        lookup = {(r.item, _key(r.name)): r for r in measures.itertuples()}
        out, seen = [], set()
        for i, raw in enumerate(table.rows):
            item, name = item_no(raw[pos["item"]]), _text(raw[pos["name"]])
            measure = lookup.get((item, _key(name)))  # type: ignore[arg-type]
            if measure is None:
                self.problem(
                    ERROR,
                    table,
                    i,
                    pos["name"],
                    f"No「{quoted(raw[pos['item']])}」「{quoted(name)}」は指標シートにありません。",
                    "No と指標名を指標シートと同じにしてください。この行は使いませんでした。",
                )
                continue
            if measure.measure_id in seen:
                self.problem(
                    ERROR,
                    table,
                    i,
                    pos["name"],
                    f"No.{item}「{quoted(name)}」の行が重複しています。",
                    "重複した行を削除してください。最初の行の値を使いました。",
                )
                continue
            seen.add(measure.measure_id)
            bounds = Bounds(_limit(measure.low), _limit(measure.high))
            previous: float = (
                measure.baseline
            )  # a jump is measured against the last known value (at first: baseline)
            for year, j in sorted(year_cols.items()):
                what = f"No.{item}「{quoted(name)}」{year}年度の値「{shown(raw[j])}」"
                try:
                    value = parse_number(raw[j], measure.unit or None)
                    if value is not None and measure.unit == "%":
                        value = self.percent_points(
                            table, i, j, raw[j], value, f"No.{item}「{quoted(name)}」{year}年度"
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
                            f"No.{r.item}「{quoted(r.name)}」の行が{spec.sheet}シートにありません。",
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
