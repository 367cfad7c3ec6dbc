"""Loading a plan: a TOML file, the bundled Omitama plan or a plan workbook, checked as a whole.

The per-part checks live in `parts.py`; this module reads the file and checks what spans the plan (its head, its
period, the items against that period, the grade scale).
"""

from __future__ import annotations

import logging
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from kaikaku_xl.errors import PlanError
from kaikaku_xl.plan.model import HistoricEffect, Item, ItemNo, Plan, Policy, natural_key
from kaikaku_xl.plan.money import effect_plans_in_yen
from kaikaku_xl.plan.parts import file_name_key, parse_item, parse_sections, require, same_file_name
from kaikaku_xl.plan.period import period_problems
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.scale_rows import TYPED_THRESHOLD_NOTE, own_scale, scale_from_rows, typed_thresholds
from kaikaku_xl.plan.settings import plan_settings

BUNDLED_PLAN = "omitama_2026.toml"

logger = logging.getLogger(__name__)


def plan_from_dict(raw: dict[str, Any]) -> Plan:
    """Build and check a Plan from parsed TOML; raise PlanError naming the item at fault."""
    head = raw.get("plan")
    if not isinstance(head, dict):
        raise PlanError("計画ファイルに [plan] がありません。")
    policies = tuple(
        Policy(
            no=int(require(p, "no", "基本方針")),
            name=str(require(p, "name", f"基本方針{p.get('no')}")),
            bullets=tuple(p.get("bullets", ())),
        )
        for p in raw.get("policies", ())
    )
    if not policies:
        raise PlanError("計画ファイルに基本方針（[[policies]]）がありません。")
    sections = parse_sections(raw.get("sections", ()), {p.no for p in policies})
    items = tuple(
        parse_item(i, {p.no for p in policies}, {s.no: s for s in sections}) for i in raw.get("items", ())
    )
    seen: set[ItemNo] = set()
    for item in items:
        if item.no in seen:
            raise PlanError(f"取組項目 No.{item.no} が重複しています。")
        seen.add(item.no)
    if not items:
        raise PlanError("計画ファイルに取組項目（[[items]]）がありません。")
    check_department_files(items)
    items = effect_plans_in_yen(items, head.get("effect_plan_unit"))
    history = tuple(
        HistoricEffect(
            name=str(h["name"]),
            effect_yen=int(h["effect_yen"]),
            as_of=str(h.get("as_of", "")),
            main_efforts=tuple(h.get("main_efforts", ())),
        )
        for h in raw.get("history", ())
    )
    baseline_year, start, end = (_year(head, key) for key in ("baseline_year", "start_year", "end_year"))
    problems = period_problems(baseline_year, start, end)
    if problems:
        raise PlanError("／".join(f"[plan] {key}: {message}" for key, message in problems.items()))
    for item in items:
        for year in (item.start_year, item.end_year):
            if year is not None and not start <= year <= end:
                raise PlanError(
                    f"取組項目 No.{item.no}: 開始・終了年度 {year} は推進期間（{start}〜{end}）の外です。"
                )
        for year, _amount in item.effect_plan:
            if not start <= year <= end:
                raise PlanError(
                    f"取組項目 No.{item.no}: 計画効果額の {year}年度は推進期間（{start}〜{end}）の外です。"
                )
    return Plan(
        grade_scale=_grade_scale(raw.get("grades", ())),
        name=str(require(head, "name", "[plan]")),
        city=str(require(head, "city", "[plan]")),
        city_code=str(head.get("city_code", "")),
        start_year=start,
        end_year=end,
        baseline_year=baseline_year,
        policies=policies,
        items=tuple(sorted(items, key=lambda i: natural_key(i.no))),
        history=history,
        subtitle=str(head.get("subtitle", "")),
        english_name=str(head.get("english_name", "")),
        published=str(head.get("published", "")),
        basic_goal=str(head.get("basic_goal", "")),
        basic_goal_text=str(head.get("basic_goal_text", "")),
        sections=sections,
        settings=_settings(head),
    )


def _settings(head: dict[str, Any]) -> dict[str, str]:
    """The 設定 values [plan] declares (reduction_sign, effect_plan_counting)."""
    try:
        return plan_settings(head)
    except ValueError as exc:
        raise PlanError(f"[plan] {exc}") from None


def _year(head: dict[str, Any], key: str) -> int:
    """A year of [plan]: a whole number (TOML's integer)."""
    value = require(head, key, "[plan]")
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlanError(f"[plan] {key}: {value!r} は年度（西暦の整数、例: 2026）ではありません。")
    return value


def check_department_files(items: tuple[Item, ...]) -> None:
    """Two 主要担当課 whose names make the same file name (「総務 課」/「総務　課」) would share one department file
    in distribute: refused, naming both items."""
    first: dict[str, Item] = {}
    for item in items:
        other = first.setdefault(file_name_key(item.lead), item)
        if other.lead != item.lead:
            raise PlanError(
                f"取組項目 No.{other.no} の主要担当課「{other.lead}」と No.{item.no} の「{item.lead}」は、"
                + same_file_name(item.lead)
            )


def _grade_scale(rows: Any) -> GradeScale | None:
    """The plan's [[grades]] as a GradeScale; None for none or for exactly the default S–D (the master then keeps the
    default's thresholds in its 設定 sheet). Every mistake at once."""
    if not isinstance(rows, list | tuple) or not all(isinstance(r, dict) for r in rows):
        raise PlanError("評価区分（[[grades]]）は表の配列で書いてください。")
    scale, problems = scale_from_rows(list(rows))
    if problems:
        raise PlanError(
            "評価区分（[[grades]]）: " + "／".join(f"{i + 1}番目の {k}: {m}" for i, k, m in problems)
        )
    ignored = typed_thresholds(list(rows))
    if ignored:
        shown = "・".join(f"{i + 1}番目" for i in ignored)
        logger.warning("評価区分（[[grades]]）%s の threshold: %s", shown, TYPED_THRESHOLD_NOTE)
    return own_scale(scale)


def load_plan(path: str | Path | None = None) -> Plan:
    """A plan written as TOML; without a path, the bundled Omitama plan. (A plan workbook is read by plan_io.)"""
    logger.debug("計画を読みます: %s", path or "同梱の小美玉市の計画")
    try:
        if path is None:
            text = resources.files("kaikaku_xl.data").joinpath(BUNDLED_PLAN).read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except FileNotFoundError as exc:
        raise PlanError(f"計画ファイルが見つかりません: {exc.filename}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(f"計画ファイルの書式が正しくありません: {exc}") from exc
    return plan_from_dict(raw)
