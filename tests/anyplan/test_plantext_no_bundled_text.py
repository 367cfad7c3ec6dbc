"""Nothing of 小美玉 in another city's master (issue 22): masters of other shaped plans, built the way a city
builds them (a plan workbook typed from the template, a TOML file), are searched text by text (every cell, note,
defined name, data-validation message, header/footer, chart and drawing text, table column) for the bundled
plan's names and numbers, derived from the bundled plan itself."""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from helpers.plan_workbook import fill_plan
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c
from kaikaku_xl.plan import Plan, load_plan
from kaikaku_xl.plan.settings import hourly_basis
from kaikaku_xl.plan_io import read_plan_workbook

# ---- two plans shaped like other cities' --------------------------------------------------------------------

SANDA_HEAD = {
    "name": "三田市行財政改革推進計画",
    "city": "三田市",
    "baseline_year": 2019,
    "start_year": 2020,
    "end_year": 2022,
}
SANDA = {
    "PlanPolicies": [
        {"no": 1, "name": "市民とともに進める行政"},
        {"no": 2, "name": "効率的で持続可能な経営"},
    ],
    "PlanItems": [
        {"no": 1, "policy": 1, "title": "窓口サービスの見直し", "lead": "市民課"},
        {"no": 2, "policy": 2, "title": "事務事業の点検", "lead": "企画課"},
        {"no": 3, "policy": 2, "title": "電子申請の拡充", "lead": "情報推進課"},
    ],
    "PlanMeasures": [
        # An hour measure and a yen measure of one item: the plan's own 時間単価 (15,000,000円 ÷ 6,000時間).
        {
            "item": 1,
            "name": "窓口の残業時間",
            "unit": "時間",
            "direction": "減少",
            "baseline": 6000,
            "target": 4500,
            "effect_kind": "参考",
        },
        {
            "item": 1,
            "name": "窓口の残業手当",
            "unit": "円",
            "direction": "減少",
            "baseline": 15_000_000,
            "target": 11_250_000,
            "effect_kind": "歳出削減",
        },
        {
            "item": 3,
            "name": "電子申請の件数",
            "unit": "件",
            "direction": "増加",
            "baseline": 0,
            "target": 9000,
            "aggregation": "累計",
        },
    ],
}

KAMOGAWA = {
    "plan": {
        "name": "鴨川市行政改革実施計画",
        "city": "鴨川市",
        "baseline_year": 2010,
        "start_year": 2011,
        "end_year": 2015,
    },
    "policies": [
        {"no": 1, "name": "簡素で効率的な組織"},
        {"no": 2, "name": "健全な財政の確立"},
        {"no": 3, "name": "市民参画の推進"},
    ],
    "items": [
        {
            "no": 1,
            "policy": 1,
            "title": "定員の適正化",
            "departments": ["総務課"],
            "measures": [
                {"name": "職員数", "unit": "人", "direction": "減少", "baseline": 420, "target": 400},
            ],
        },
        {
            "no": 2,
            "policy": 2,
            "title": "使用料の見直し",
            "departments": ["財政課"],
            "measures": [
                {
                    "name": "使用料収入",
                    "unit": "円",
                    "direction": "増加",
                    "baseline": 52_000_000,
                    "target": 58_000_000,
                    "effect_kind": "歳入増加",
                },
                {
                    "name": "会議の時間",
                    "unit": "時間",
                    "direction": "減少",
                    "baseline": 1200,
                    "target": 900,
                    "effect_kind": "参考",
                },
            ],
        },
        {"no": 3, "policy": 3, "title": "協働事業の推進", "departments": ["市民協働課"]},
    ],
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(_toml_value(v) for v in value) + "]"


def write_toml(path: Path, plan: dict[str, Any]) -> Path:
    """The plan as a city writes its TOML: [plan], then each array of tables."""
    lines = ["schema_version = 1", "[plan]", *(f"{k} = {_toml_value(v)}" for k, v in plan["plan"].items())]
    for key, rows in plan.items():
        if key == "plan":
            continue
        for row in rows:
            lines += [f"[[{key}]]", *(f"{k} = {_toml_value(v)}" for k, v in row.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sanda_workbook(path: Path) -> Path:
    assert main(["plan", "template", str(path)]) == 0
    return fill_plan(path, SANDA_HEAD, SANDA)


# ---- what of the bundled plan must not appear ---------------------------------------------------------------


def _figure(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"


def bundled_needles(bundled: Plan, other: Plan) -> tuple[set[str], set[str]]:
    """(texts, whole numbers) of the bundled plan: its names and its figures of four digits or more, its years
    where the other plan's differ, and the bundled period's length. Texts the other plan has itself are left out."""
    city = bundled.city.removesuffix("市")
    names = {
        bundled.city,
        city,
        bundled.name,
        bundled.subtitle,
        bundled.basic_goal,
        bundled.english_name,
        *(p.name for p in bundled.policies),
        *(x.name for x in bundled.sections),
        *(h.name for h in bundled.history),
        *(it.title for it in bundled.items),
        *(m.name for m in bundled.measures),
        *(m.note for m in bundled.measures),
        *(d for it in bundled.items for d in it.departments),
        *(a for it in bundled.items for a in it.actions),
        *(b for p in bundled.policies for b in p.bullets),
        *(e for h in bundled.history for e in h.main_efforts),
        bundled.basic_goal_text,
    }
    # The former towns of the bundled city (its subtitle and texts may name them): 美野里町・玉里村.
    names |= {"美野里", "玉里"}
    numbers = {
        abs(v)
        for m in bundled.measures
        for v in (m.baseline, m.target)
        if float(v).is_integer() and abs(v) >= 1000
    }
    numbers |= {h.effect_yen for h in bundled.history}
    hours = next(m for m in bundled.measures if m.unit == "時間" and m.effect_kind == "参考")
    yen = next(m for m in bundled.measures if m.unit == "円" and m.item == hours.item)
    numbers.add(round(yen.baseline / hours.baseline))  # the bundled 時間単価 (2,380): an integer, exact here
    texts = {n for n in names if n} | {_figure(n) for n in numbers}
    span = bundled.end_year - bundled.baseline_year
    if span != other.end_year - other.baseline_year:
        texts.add(f"÷ {span}")
    own = {other.city, other.name, *(p.name for p in other.policies), *(it.title for it in other.items)}
    own |= {m.name for m in other.measures} | {d for it in other.items for d in it.departments}
    texts = {t for t in texts if not any(t in o for o in own)}
    years = set(range(bundled.baseline_year, bundled.end_year + 1)) - set(
        range(other.baseline_year, other.end_year + 1)
    )
    return texts, {int(n) for n in numbers} | years


# ---- every text of a master ---------------------------------------------------------------------------------

TEXT_NODE = re.compile(r">([^<>]+)<")
ATTRIBUTES = re.compile(r'\b(?:name|prompt|promptTitle|error|errorTitle|displayName)="([^"]*)"')
SHEET_DATA = re.compile(r"<sheetData>.*</sheetData>|<sheetData/>", re.S)
DATES = re.compile(r"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def master_texts(path: Path) -> list[tuple[str, str]]:
    """(where, text) of everything a person can read in the workbook: cell values (openpyxl) and, from the
    package's XML, every other text (notes, defined names, validation messages, headers and footers, charts,
    drawings, table columns, document properties but their dates)."""
    out: list[tuple[str, str]] = []
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    value = cell.value
                    if isinstance(value, float) and value.is_integer():
                        value = int(value)
                    out.append((f"{ws.title}!{cell.coordinate}", str(value)))
                if cell.comment is not None:
                    out.append((f"{ws.title}!{cell.coordinate} のメモ", cell.comment.text))
    with zipfile.ZipFile(path) as zf:
        for part in zf.namelist():
            if not part.endswith((".xml", ".rels", ".vml")) or part.endswith("sharedStrings.xml"):
                continue
            xml = zf.read(part).decode("utf-8", "replace")
            xml = DATES.sub("", SHEET_DATA.sub("", xml))
            for found in (*TEXT_NODE.findall(xml), *ATTRIBUTES.findall(xml)):
                text = html.unescape(found).strip()
                if text:
                    out.append((part, text))
    return out


def hits(texts: list[tuple[str, str]], needles: set[str], numbers: set[int]) -> list[str]:
    found = []
    number_re = re.compile(r"(?<![\d,.])(" + "|".join(str(n) for n in sorted(numbers)) + r")(?![\d,])")
    for where, text in texts:
        found += [f"{where}: 「{n}」 in {text[:80]!r}" for n in needles if n in text]
        found += [f"{where}: {m.group(1)} in {text[:80]!r}" for m in number_re.finditer(text)]
    return found


# ---- the masters --------------------------------------------------------------------------------------------

NOW = {"sanda": "2021-06-30T09:00", "kamogawa": "2013-06-30T09:00"}


@pytest.fixture(scope="module")
def masters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Plan]]:
    root = tmp_path_factory.mktemp("plans")
    sanda = sanda_workbook(root / "三田市.xlsx")
    kamogawa = write_toml(root / "kamogawa.toml", KAMOGAWA)
    out = {}
    for key, plan_path in (("sanda", sanda), ("kamogawa", kamogawa)):
        master = root / f"{key}_master.xlsx"
        assert main(["init", str(master), "--plan", str(plan_path), "--now", NOW[key]]) == 0
        plan = read_plan_workbook(plan_path) if plan_path.suffix == ".xlsx" else load_plan(plan_path)
        out[key] = (master, plan)
    return out


def test_the_needles_are_found_in_the_bundled_master(tmp_path: Path) -> None:
    """The search can fail: the bundled master holds its own names and figures (the same search, own-plan
    exclusions aside, finds them)."""
    bundled = load_plan()
    master = tmp_path / "omitama.xlsx"
    assert main(["init", str(master), "--now", "2026-06-30T09:00"]) == 0
    texts = master_texts(master)
    needles, _numbers = bundled_needles(bundled, load_plan(write_toml(tmp_path / "k.toml", KAMOGAWA)))
    found = {n for n in needles if any(n in t for _w, t in texts)}
    assert {"小美玉市", "94,603,965", "39,757", "2,380", "÷ 6"} <= found
    # ... and beyond the cells: the plan's name in a defined name (workbook.xml)
    assert any(w == "xl/workbook.xml" and bundled.name in t for w, t in texts)


@pytest.mark.parametrize("key", ["sanda", "kamogawa"])
def test_nothing_of_the_bundled_plan_in_another_citys_master(
    masters: dict[str, tuple[Path, Plan]], key: str
) -> None:
    master, plan = masters[key]
    needles, numbers = bundled_needles(load_plan(), plan)
    texts = master_texts(master)
    assert len(texts) > 1000  # the search reads the whole workbook
    if hourly_basis(plan) is None:
        # The one figure left: a plan without its own price keeps the product's default 時間単価 (its note, tested
        # below, asks the city for its own); its cell is the only one passed over.
        value_cell = _setting_cell(master, "hourly_cost")
        texts = [(w, t) for w, t in texts if w != value_cell]
    found = hits(texts, needles, numbers)
    assert not found, "\n".join(found)


def _setting_row(master: Path, key: str) -> tuple[Any, ...]:
    """(value, note, where the value is) of one row of the master's 設定 table."""
    ws = load_workbook(master)[c.SETTINGS.sheet]
    headers = [cell.value for cell in ws[c.SETTINGS.anchor_row]]
    at_key, at_value, at_note = (headers.index(c.SETTINGS.column(k).header) for k in ("key", "value", "note"))
    for row in ws.iter_rows(min_row=c.SETTINGS.anchor_row + 1):
        if row[at_key].value == key:
            return row[at_value].value, str(row[at_note].value), f"{ws.title}!{row[at_value].coordinate}"
    raise AssertionError(key)


def _setting_note(master: Path, key: str) -> tuple[Any, str]:
    return _setting_row(master, key)[:2]


def _setting_cell(master: Path, key: str) -> str:
    return str(_setting_row(master, key)[2])


def test_the_period_and_the_hourly_cost_are_the_plans(masters: dict[str, tuple[Path, Plan]]) -> None:
    """三田 (3 years, an hour and a yen measure in one item): ÷ 3 and its own 時間単価; 鴨川 (5 years, no such
    pair): ÷ 5 and a note that asks the city for its price, with no figure of another plan."""
    sanda, _ = masters["sanda"]
    assert "経過年数 ÷ 3" in _setting_note(sanda, "grade_a_ratio")[1]
    value, note = _setting_note(sanda, "hourly_cost")
    assert value == 2500
    assert "計画値 15,000,000円÷6,000時間 ≒ 2,500円" in note
    kamogawa, _ = masters["kamogawa"]
    assert "経過年数 ÷ 5" in _setting_note(kamogawa, "grade_a_ratio")[1]
    _value, note = _setting_note(kamogawa, "hourly_cost")
    assert "計画に" in note and not re.search(r"\d\d", note)
