"""The 設定 table (contract.SETTINGS) read into Settings: a value that cannot be used is an error naming its cell,
and the setting keeps its default. The problem log keeps the settings read (the other readers check values by
them); the UDFs read a 設定 range given to a formula with the same reader."""

from __future__ import annotations

import unicodedata
from typing import Any

from kaikaku_xl.errors import shown
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.readers.base import ProblemLog
from kaikaku_xl.plan.plausibility import parse_bounds
from kaikaku_xl.plan.settings import SETTING_SPECS, Settings, SettingSpec
from kaikaku_xl.problems import ERROR, Problem
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import RawTable
from kaikaku_xl.xlsx.typed import parse_number


def read_settings(log: ProblemLog, table: RawTable) -> Settings:
    """The settings the table holds (defaults where a row is missing or unusable); kept as log.config."""
    values: dict[str, Any] = {}
    key_col = table.column_index(c.SETTINGS.column("key").header)
    value_col = table.column_index(c.SETTINGS.column("value").header)
    if key_col is None or value_col is None:
        log.problems.append(
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
            values[spec.key] = setting_value(spec, raw)
        except ValueError as exc:
            log.problem(
                ERROR,
                table,
                i,
                value_col,
                f"「{spec.label}」の値「{shown(raw)}」を使えません: {exc}",
                f"既定値（{getattr(Settings(), spec.key)}）で計算しました。正しい値を入力してください。",
            )
    log.config = Settings(**values)
    return log.config


def setting_value(spec: SettingSpec, raw: Any) -> Any:
    """One setting's value as typed, by its kind; ValueError (the reason, in Japanese) where it cannot be used."""
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
