"""The plan as data: a typed model of a 行革・DX推進計画 and its loader.

The plan itself lives in a TOML file (the bundled one is transcribed from the Omitama plan); this module only
knows its shape and refuses a file that does not fit, naming the item at fault.
"""

from __future__ import annotations

import logging
import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import PlanError as PlanError  # re-exported: callers import it from here too
from .numformat import MAX_DECIMALS, default_decimals

DIRECTIONS = ("増加", "減少", "維持")
EFFECT_KINDS = ("歳出削減", "歳入増加", "参考", "")
MONEY_KINDS = ("歳出削減", "歳入増加")
# How a measure's yearly values are read: blank/単年度 = each year's value is the level reached (DOMAIN.md);
# 累計 = staff enter each year's amount and the running total over the plan years is what is graded.
CUMULATIVE = "累計"
AGGREGATIONS = ("", "単年度", CUMULATIVE)
BUNDLED_PLAN = "omitama_2026.toml"

logger = logging.getLogger(__name__)


ItemNo = int | str  # 1..27 stay ints (JSON unchanged); "R1-3", "2-(1)-3" are text


def item_no(value: Any) -> ItemNo | None:
    """An item number as typed: whole numbers (2, "２", 2.0) as int, anything else as trimmed NFKC text."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, int):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    return int(text) if re.fullmatch(r"\d+", text) else text


def natural_key(no: Any) -> tuple[tuple[int, int | str], ...]:
    """Sort key: "2" < "10" < "R1-3"; "2-(1)-3" after "2-(1)-2" (numbers inside text compare as numbers)."""
    parts = re.findall(r"\d+|\D+", str(no))
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


@dataclass(frozen=True)
class Measure:
    item: ItemNo
    seq: int  # 1 = the item's primary measure
    name: str
    unit: str
    direction: str
    baseline: float
    target: float
    effect_kind: str = ""
    include_in_effect: bool = False
    note: str = ""
    allowed_min: float | None = None  # own plausible range (None: the unit's rule; ±inf: no limit that side)
    allowed_max: float | None = None
    decimals: int | None = None  # decimals shown (None: from the unit, numformat.default_decimals)
    aggregation: str = (
        ""  # "" = a level per year (today's rule); 累計 = yearly amounts, graded on their running total
    )

    @property
    def cumulative(self) -> bool:
        return self.aggregation == CUMULATIVE

    @property
    def measure_id(self) -> str:
        return f"{self.item}-{self.seq}"

    @property
    def shown_decimals(self) -> int:
        if self.decimals is not None:
            return self.decimals
        return default_decimals(self.unit, self.baseline, self.target)


@dataclass(frozen=True)
class Item:
    no: ItemNo
    policy: int
    title: str
    summary: str
    actions: tuple[str, ...]
    lead: str
    departments: tuple[str, ...]
    measures: tuple[Measure, ...] = ()
    start_year: int | None = None  # first year the item runs (added mid-plan); None = the plan's start
    end_year: int | None = None  # last year it runs; None = the plan's end
    # Planned 財政効果額 (円) per fiscal year, where the plan sets one: ((2026, 1_000_000.0), ...), years ascending.
    effect_plan: tuple[tuple[int, float], ...] = ()
    section: str | None = (
        None  # the 推進項目 (middle level under the 基本方針) it belongs to, where the plan has them
    )

    def runs_in(self, year: int) -> bool:
        return (self.start_year is None or self.start_year <= year) and (
            self.end_year is None or year <= self.end_year
        )


@dataclass(frozen=True)
class Policy:
    no: int
    name: str
    bullets: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """A 推進項目: an optional level between the 基本方針 and its 取組項目 (基本方針 → 推進項目 → 取組)."""

    no: str  # as the plan numbers it ("1-(1)", "2"), text
    policy: int
    name: str


@dataclass(frozen=True)
class HistoricEffect:
    name: str
    effect_yen: int
    as_of: str = ""
    main_efforts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Revision:
    """A plan revision (見直し) decided by the 推進本部: from `year` on, a measure's target or baseline is `new`
    (`old` before), or the item is added (取組追加) or ended (取組終了)."""

    year: int
    kind: str  # 目標値・基準値・取組追加・取組終了 (contract.REVISION_KINDS)
    item: ItemNo
    measure_id: str = ""
    old: float | None = None
    new: float | None = None
    reason: str = ""
    decided: str = ""  # YYYY-MM-DD


@dataclass(frozen=True)
class Plan:
    name: str
    city: str
    city_code: str
    start_year: int
    end_year: int
    baseline_year: int
    policies: tuple[Policy, ...]
    items: tuple[Item, ...]
    history: tuple[HistoricEffect, ...] = ()
    subtitle: str = ""
    english_name: str = ""
    published: str = ""
    basic_goal: str = ""
    basic_goal_text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    grade_scale: Any = (
        None  # metrics.scale.GradeScale of the plan's own scale; None = DOMAIN.md's S–D (設定 sheet)
    )
    sections: tuple[Section, ...] = ()  # 推進項目, where the plan has three levels
    revisions: tuple[Revision, ...] = ()  # as the master's 計画の見直し table holds them (valid rows only)

    @property
    def years(self) -> list[int]:
        """The plan's fiscal years, e.g. 2026..2030."""
        return list(range(self.start_year, self.end_year + 1))

    @property
    def measures(self) -> list[Measure]:
        return [m for item in self.items for m in item.measures]

    def item(self, no: ItemNo) -> Item:
        for it in self.items:
            if it.no == no:
                return it
        raise KeyError(no)

    def policy_of(self, item_no: ItemNo) -> Policy:
        no = self.item(item_no).policy
        return next(p for p in self.policies if p.no == no)


def _require(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table or table[key] is None or table[key] == "":
        raise PlanError(f"{where}: 「{key}」がありません。")
    return table[key]


def _number(value: Any, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PlanError(f"{where}: 「{key}」が数値ではありません（{value!r}）。")
    return float(value)


def _limit(value: Any, where: str, key: str, none: float) -> float | None:
    """A measure's own plausible limit: a number, or "なし" for no limit on that side."""
    if value is None:
        return None
    if value == "なし":
        return none
    return _number(value, where, f"{key}（許容範囲）")


def _measure(raw: dict[str, Any], item_no: ItemNo, seq: int) -> Measure:
    where = f"取組項目 No.{item_no} の指標{seq}"
    name = str(_require(raw, "name", where))
    where = f"取組項目 No.{item_no} の指標「{name}」"
    unit = str(_require(raw, "unit", where))
    direction = str(_require(raw, "direction", where))
    if direction not in DIRECTIONS:
        raise PlanError(f"{where}: 方向「{direction}」は不明です（増加・減少・維持のいずれか）。")
    effect_kind = str(raw.get("effect_kind", ""))
    if effect_kind not in EFFECT_KINDS:
        raise PlanError(
            f"{where}: 財政効果区分「{effect_kind}」は不明です（歳出削減・歳入増加・参考・空欄）。"
        )
    aggregation = str(raw.get("aggregation") or "")
    if aggregation not in AGGREGATIONS:
        raise PlanError(f"{where}: 集計「{aggregation}」は不明です（単年度・累計・空欄）。")
    aggregation = "" if aggregation == "単年度" else aggregation
    if aggregation == CUMULATIVE:
        check_cumulative(raw.get("baseline"), direction, where)
        raw = {**raw, "baseline": raw.get("baseline") or 0}
    baseline = _number(_require(raw, "baseline", where), where, "baseline（基準値）")
    target = _number(_require(raw, "target", where), where, "target（目標値）")
    if direction == "維持" and baseline != target:
        raise PlanError(f"{where}: 方向が維持なのに基準値と目標値が異なります。")
    decimals = raw.get("decimals")
    if decimals is not None and (
        isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= MAX_DECIMALS
    ):
        raise PlanError(
            f"{where}: 小数桁（decimals）は 0〜{MAX_DECIMALS} の整数にしてください（{decimals!r}）。"
        )
    return Measure(
        item=item_no,
        seq=seq,
        name=name,
        unit=unit,
        direction=direction,
        baseline=baseline,
        target=target,
        effect_kind=effect_kind,
        include_in_effect=bool(raw.get("include_in_effect", effect_kind in MONEY_KINDS)),
        note=str(raw.get("note", "")),
        decimals=decimals,
        allowed_min=_limit(raw.get("allowed_min"), where, "allowed_min", -math.inf),
        allowed_max=_limit(raw.get("allowed_max"), where, "allowed_max", math.inf),
        aggregation=aggregation,
    )


def check_cumulative(baseline: Any, direction: str, where: str) -> None:
    """A 累計 measure adds up yearly amounts from the plan's first year: its baseline is that running total before
    the plan, 0 by definition (blank reads as 0), and it can only grow towards its target (増加)."""
    if baseline not in (None, "", 0, 0.0):
        raise PlanError(
            f"{where}: 累計の指標の基準値は 0（計画期間が始まる前の累計）です（{baseline!r}）。"
            "計画前の実績は指標の備考に書いてください。"
        )
    if direction != "増加":
        raise PlanError(
            f"{where}: 累計の指標の方向は「増加」です（各年度の値を足し上げ、目標値と比べます）。"
        )


def section_no(value: Any) -> str | None:
    """A 推進項目 number as text (1 and "1" are the same 推進項目)."""
    no = item_no(value)
    return None if no is None else str(no)


def _item(raw: dict[str, Any], policy_nos: set[int], sections: dict[str, Section] | None = None) -> Item:
    no = item_no(raw.get("no"))
    if no is None:
        raise PlanError(f"取組項目「{raw.get('title', '?')}」: 番号（no）がありません。")
    where = f"取組項目 No.{no}"
    section = section_no(raw.get("section"))
    if section is not None:
        if section not in (sections or {}):
            raise PlanError(f"{where}: 推進項目「{section}」は計画にありません（[[sections]]）。")
        owner = (sections or {})[section].policy
        if raw.get("policy") not in (None, "", owner):
            raise PlanError(
                f"{where}: 基本方針 {raw.get('policy')} が推進項目「{section}」の基本方針 {owner} と違います。"
            )
        raw = {**raw, "policy": owner}
    policy = _require(raw, "policy", where)
    if policy not in policy_nos:
        raise PlanError(f"{where}: 基本方針 {policy} は計画にありません。")
    departments = tuple(str(d) for d in raw.get("departments", ()))
    lead = str(raw.get("lead") or (departments[0] if len(departments) == 1 else ""))
    if not lead:
        raise PlanError(f"{where}: 主要担当課（lead）がありません。")
    if lead not in departments:
        departments = (lead, *departments)
    measures = tuple(_measure(m, no, i) for i, m in enumerate(raw.get("measures", ()), start=1))
    years = []
    for key, label in (("start_year", "開始年度"), ("end_year", "終了年度")):
        value = raw.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise PlanError(f"{where}: {label}（{key}）が整数ではありません。")
        years.append(value)
    if None not in years and years[0] > years[1]:
        raise PlanError(f"{where}: 開始年度が終了年度より後です。")
    return Item(
        effect_plan=_effect_plan(raw.get("effect_plan"), where),
        section=section,
        no=no,
        policy=int(policy),
        title=str(_require(raw, "title", where)),
        summary=str(raw.get("summary", "")),
        actions=tuple(str(a) for a in raw.get("actions", ())),
        lead=lead,
        departments=departments,
        measures=measures,
        start_year=years[0],
        end_year=years[1],
    )


def _sections(raw: Any, policy_nos: set[int]) -> tuple[Section, ...]:
    """The plan's 推進項目 ([[sections]] no, policy, name), in the plan's order; none for a two-level plan."""
    out: list[Section] = []
    for entry in raw or ():
        no = section_no(entry.get("no"))
        where = f"推進項目 {no or '?'}"
        if no is None:
            raise PlanError("推進項目: 番号（no）がありません。")
        policy = _require(entry, "policy", where)
        if policy not in policy_nos:
            raise PlanError(f"{where}: 基本方針 {policy} は計画にありません。")
        if any(s.no == no for s in out):
            raise PlanError(f"{where} が重複しています。")
        out.append(Section(no=no, policy=int(policy), name=str(_require(entry, "name", where))))
    return tuple(out)


def _effect_plan(raw: Any, where: str) -> tuple[tuple[int, float], ...]:
    """An item's planned 財政効果額 per year: a table {"2026" = 1000000, ...} (TOML keys are text)."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise PlanError(
            f"{where}: 計画効果額（effect_plan）は {{2026 = 1000000, ...}} の形で書いてください。"
        )
    out = {}
    for key, value in raw.items():
        try:
            year = int(str(key))
        except ValueError:
            raise PlanError(f"{where}: 計画効果額の年度「{key}」が西暦の整数ではありません。") from None
        out[year] = _number(value, where, f"計画効果額（{year}年度）")
    return tuple(sorted(out.items()))


def plan_from_dict(raw: dict[str, Any]) -> Plan:
    """Build and check a Plan from parsed TOML; raise PlanError naming the item at fault."""
    head = raw.get("plan")
    if not isinstance(head, dict):
        raise PlanError("計画ファイルに [plan] がありません。")
    policies = tuple(
        Policy(
            no=int(_require(p, "no", "基本方針")),
            name=str(_require(p, "name", f"基本方針{p.get('no')}")),
            bullets=tuple(p.get("bullets", ())),
        )
        for p in raw.get("policies", ())
    )
    if not policies:
        raise PlanError("計画ファイルに基本方針（[[policies]]）がありません。")
    sections = _sections(raw.get("sections", ()), {p.no for p in policies})
    items = tuple(
        _item(i, {p.no for p in policies}, {s.no: s for s in sections}) for i in raw.get("items", ())
    )
    seen: set[ItemNo] = set()
    for item in items:
        if item.no in seen:
            raise PlanError(f"取組項目 No.{item.no} が重複しています。")
        seen.add(item.no)
    if not items:
        raise PlanError("計画ファイルに取組項目（[[items]]）がありません。")
    history = tuple(
        HistoricEffect(
            name=str(h["name"]),
            effect_yen=int(h["effect_yen"]),
            as_of=str(h.get("as_of", "")),
            main_efforts=tuple(h.get("main_efforts", ())),
        )
        for h in raw.get("history", ())
    )
    start, end = int(_require(head, "start_year", "[plan]")), int(_require(head, "end_year", "[plan]"))
    baseline_year = int(_require(head, "baseline_year", "[plan]"))
    if not baseline_year < start <= end:
        raise PlanError("[plan]: 基準年度 < 開始年度 ≦ 終了年度 になっていません。")
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
        name=str(_require(head, "name", "[plan]")),
        city=str(_require(head, "city", "[plan]")),
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
    )


def _grade_scale(rows: Any) -> Any:
    """The plan's [[grades]] as a GradeScale; None for none or for exactly the default S–D (the master then keeps the
    default's thresholds in its 設定 sheet). Every mistake at once."""
    from .metrics.scale_rows import own_scale, scale_from_rows  # the metrics layer imports this module

    if not isinstance(rows, list | tuple) or not all(isinstance(r, dict) for r in rows):
        raise PlanError("評価区分（[[grades]]）は表の配列で書いてください。")
    scale, problems = scale_from_rows(list(rows))
    if problems:
        raise PlanError(
            "評価区分（[[grades]]）: " + "／".join(f"{i + 1}番目の {k}: {m}" for i, k, m in problems)
        )
    return own_scale(scale)


def load_plan(path: str | Path | None = None) -> Plan:
    logger.debug("計画を読みます: %s", path or "同梱の小美玉市の計画")
    return _load_plan(path)


def _load_plan(path: str | Path | None = None) -> Plan:
    """Load a plan: a TOML file or a plan workbook (.xlsx); without a path, the bundled Omitama plan."""
    if path is not None and Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        from .plan_io.reader import read_plan_workbook  # the plan layer's Excel reader (imports this module)

        return read_plan_workbook(path)
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


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data (what `kaikaku plan --json` prints)."""
    return {
        "name": plan.name,
        "subtitle": plan.subtitle,
        "city": plan.city,
        "city_code": plan.city_code,
        "period": [plan.start_year, plan.end_year],
        "baseline_year": plan.baseline_year,
        "basic_goal": plan.basic_goal,
        "policies": [{"no": p.no, "name": p.name, "bullets": list(p.bullets)} for p in plan.policies],
        **(
            {"sections": [{"no": s.no, "policy": s.policy, "name": s.name} for s in plan.sections]}
            if plan.sections
            else {}
        ),
        "history": [{"name": h.name, "effect_yen": h.effect_yen, "as_of": h.as_of} for h in plan.history],
        **({"grades": _scale_rows(plan.grade_scale)} if plan.grade_scale is not None else {}),
        "items": [
            {
                "no": it.no,
                "policy": it.policy,
                **({"section": it.section} if it.section is not None else {}),
                "title": it.title,
                "summary": it.summary,
                "actions": list(it.actions),
                "lead": it.lead,
                "departments": list(it.departments),
                **({"start_year": it.start_year} if it.start_year is not None else {}),
                **({"end_year": it.end_year} if it.end_year is not None else {}),
                **(
                    {"effect_plan": {str(y): plain_number(a) for y, a in it.effect_plan}}
                    if it.effect_plan
                    else {}
                ),
                "measures": [
                    {
                        "id": m.measure_id,
                        "name": m.name,
                        "unit": m.unit,
                        "direction": m.direction,
                        "baseline": plain_number(m.baseline),
                        "target": plain_number(m.target),
                        "effect_kind": m.effect_kind,
                        "include_in_effect": m.include_in_effect,
                        "note": m.note,
                        "decimals": m.shown_decimals,
                        **({"aggregation": m.aggregation} if m.aggregation else {}),
                    }
                    for m in it.measures
                ],
            }
            for it in plan.items
        ],
    }


def _scale_rows(scale: Any) -> list[dict[str, Any]]:
    from .metrics.scale_rows import scale_to_rows

    return scale_to_rows(scale, as_json=True)


def plain_number(x: float) -> int | float:
    """Integral floats as ints, so JSON shows 4031724014 rather than 4031724014.0."""
    return int(x) if float(x).is_integer() else x
