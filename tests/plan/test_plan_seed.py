"""Checks the transcribed plan data (src/kaikaku_xl/data/omitama_2026.toml).

The expected values below were typed independently from the plan text
(小美玉市行革・DX推進計画, 2026年3月). Where the seed text itself is available,
every title, measure figure, action line and lead department is also looked up in it.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest

DATA = Path(__file__).parents[2] / "src/kaikaku_xl/data/omitama_2026.toml"
SEED_NAME = "000_8b4c9ba48e2b9aa2.txt"

UNITS = {"円", "時間", "件", "枚", "㎡", "%"}
DIRECTIONS = {"増加", "減少", "維持"}
EFFECT_KINDS = {"歳出削減", "歳入増加", "参考", ""}

NO_MEASURE_ITEMS = {1, 4, 7, 10, 13, 14, 15, 20, 23, 27}

# (item no, measure name, unit, direction, baseline FY2024, target FY2030)
EXPECTED_MEASURES = [
    (2, "人件費（会計年度任用職員以外）", "円", "減少", 4031724014, 4000000000),
    (3, "会計年度任用職員人件費", "円", "減少", 390829228, 387000000),
    (5, "時間外勤務総時間", "時間", "減少", 39757, 32000),
    (5, "時間外勤務手当", "円", "減少", 94603965, 76160000),
    (6, "BPRによる業務削減時間", "時間", "増加", 3216, 6500),
    (8, "市民向けフォーム数", "件", "増加", 549, 1000),
    (9, "対象公金数", "件", "増加", 4, 9),
    (11, "AI導入数", "件", "増加", 4, 10),
    (12, "例規見直し率", "%", "増加", 0, 100),
    (16, "土地売払料・貸付料", "円", "増加", 6751896, 15500000),
    (17, "公共施設延床面積", "㎡", "減少", 165000, 153000),
    (18, "借地料", "円", "減少", 27496859, 26000000),
    (19, "市単独補助金額", "円", "減少", 505167000, 480000000),
    (21, "ふるさと寄附金受入額", "円", "増加", 742095000, 1000000000),
    (22, "広告収入額（ネーミングライツ料含む）", "円", "増加", 4785000, 7000000),
    (24, "用紙削減枚数", "枚", "増加", 505114, 1374000),
    (25, "オープンデータ数", "件", "増加", 15, 31),
    (26, "セキュリティ研修受講率", "%", "維持", 100, 100),
]

# (item no, measure name) -> (effect_kind, include_in_effect)
EXPECTED_EFFECT = {
    (2, "人件費（会計年度任用職員以外）"): ("歳出削減", True),
    (3, "会計年度任用職員人件費"): ("歳出削減", True),
    (5, "時間外勤務総時間"): ("参考", False),
    (5, "時間外勤務手当"): ("歳出削減", False),
    (6, "BPRによる業務削減時間"): ("参考", True),
    (16, "土地売払料・貸付料"): ("歳入増加", True),
    (18, "借地料"): ("歳出削減", True),
    (19, "市単独補助金額"): ("歳出削減", True),
    (21, "ふるさと寄附金受入額"): ("歳入増加", True),
    (22, "広告収入額（ネーミングライツ料含む）"): ("歳入増加", True),
    (24, "用紙削減枚数"): ("参考", True),
}

EXPECTED_HISTORY = [
    ("第1次行財政改革大綱", 1190380000, ""),
    ("第2次行財政改革大綱", 933370000, ""),
    ("第3次行財政改革大綱", 1238730000, ""),
    ("第4次行財政改革大綱", 2050040000, "2024"),
]

EXPECTED_LEADS = {
    1: "人事課",
    2: "人事課",
    3: "人事課",
    4: "人事課",
    5: "人事課",
    6: "行革デジタル推進課",
    7: "行革デジタル推進課",
    8: "行革デジタル推進課",
    9: "会計課",
    10: "市民課",
    11: "行革デジタル推進課",
    12: "行革デジタル推進課",
    13: "行革デジタル推進課",
    14: "政策企画課",
    15: "行革デジタル推進課",
    16: "管財課",
    17: "行革デジタル推進課",
    18: "管財課",
    19: "行革デジタル推進課",
    20: "行革デジタル推進課",
    21: "政策企画課",
    22: "政策企画課",
    23: "行革デジタル推進課",
    24: "行革デジタル推進課",
    25: "行革デジタル推進課",
    26: "行革デジタル推進課",
    27: "行革デジタル推進課",
}


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def plan() -> dict:
    with DATA.open("rb") as f:
        return tomllib.load(f)


def _norm(s: str) -> str:
    """Remove all whitespace (the seed is a PDF extraction with stray spaces)."""
    return re.sub(r"\s+", "", s)


def _norm_paren(s: str) -> str:
    return _norm(s).replace("（", "(").replace("）", ")")


def _seed_path() -> Path | None:
    candidates = []
    env = os.environ.get("KAIKAKU_SEED")
    if env:
        candidates.append(Path(env))
    candidates.append(Path(__file__).resolve().parents[3] / "shared/seed" / SEED_NAME)
    for p in candidates:
        if p.is_file():
            return p
    return None


@pytest.fixture(scope="module")
def seed_text() -> str:
    p = _seed_path()
    if p is None:
        pytest.skip(f"seed text {SEED_NAME} not found (set KAIKAKU_SEED to its path)")
    return p.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_rows(seed_text: str) -> dict[int, str]:
    """The 実施計画 table rows of the seed, by item number, whitespace removed."""
    rows: dict[int, str] = {}
    for line in seed_text.splitlines():
        m = re.match(r"^(\d+)\t", line)
        if m:
            rows[int(m.group(1))] = _norm(line)
    return rows


def _printed(value: int | float, unit: str) -> list[str]:
    """How a figure is printed in the seed (several candidate spellings)."""
    if unit == "㎡" and value >= 10000:
        return [f"{value / 10000:g}万㎡"]
    if unit == "%":
        return [f"{value:g}%"]
    text = f"{value:,}"
    if unit == "件":
        return [f"{text}件", text]  # AI導入数 and オープンデータ数 are printed without unit
    return [f"{text}{unit}"]


def _all_measures(plan: dict) -> list[tuple[int, dict]]:
    return [(it["no"], m) for it in plan["items"] for m in it.get("measures", [])]


# ---------------------------------------------------------------- structure


def test_schema_and_plan_header(plan):
    assert plan["schema_version"] == 1
    p = plan["plan"]
    assert p["name"] == "小美玉市行革・DX推進計画"
    assert p["subtitle"] == "第5次小美玉市行財政改革大綱・第2次小美玉市DX推進計画"
    assert p["english_name"] == "Administrative Reform and Digital Transformation Promotion Plan"
    assert p["city"] == "小美玉市"
    assert p["city_code"] == "082368"
    assert (p["start_year"], p["end_year"], p["baseline_year"]) == (2026, 2030, 2024)
    assert p["published"] == "2026-03"
    assert p["basic_goal"] == "持続可能な行財政運営による質の高い行政サービスの実現"
    assert p["basic_goal_text"].startswith("行財政改革とDXの推進を融合し、")


def test_policies(plan):
    pols = plan["policies"]
    assert [p["no"] for p in pols] == [1, 2, 3]
    assert [p["name"] for p in pols] == [
        "変革を推進する職場風土の形成",
        "部局横断的な業務変革",
        "財政健全化と持続可能な運営",
    ]
    assert [len(p["bullets"]) for p in pols] == [3, 2, 2]


def test_items_numbered_and_assigned_to_policies(plan):
    items = plan["items"]
    assert [it["no"] for it in items] == list(range(1, 28))
    for it in items:
        expected = 1 if it["no"] <= 5 else 2 if it["no"] <= 13 else 3
        assert it["policy"] == expected, it["no"]
        assert it["title"] and it["summary"] and it["actions"], it["no"]
        assert all(a.strip() == a and a for a in it["actions"]), it["no"]
        assert not any(a[0] in "▶▪・-" for a in it["actions"]), it["no"]


def test_departments_and_lead(plan):
    for it in plan["items"]:
        assert it["lead"] == EXPECTED_LEADS[it["no"]], it["no"]
        assert it["departments"][0] == it["lead"], it["no"]
        assert len(set(it["departments"])) == len(it["departments"]), it["no"]
        assert not any("★" in d for d in it["departments"]), it["no"]


def test_measure_counts(plan):
    assert len(_all_measures(plan)) == 18
    without = {it["no"] for it in plan["items"] if not it.get("measures")}
    assert without == NO_MEASURE_ITEMS
    counts = {it["no"]: len(it.get("measures", [])) for it in plan["items"]}
    assert counts[5] == 2
    assert all(c == 1 for n, c in counts.items() if n not in NO_MEASURE_ITEMS | {5})


def test_measures_match_literal_table(plan):
    actual = [
        (n, m["name"], m["unit"], m["direction"], m["baseline"], m["target"]) for n, m in _all_measures(plan)
    ]
    assert actual == EXPECTED_MEASURES
    for n, m in _all_measures(plan):
        assert type(m["baseline"]) is int and type(m["target"]) is int, (n, m["name"])


def test_measure_fields_valid(plan):
    for n, m in _all_measures(plan):
        assert m["unit"] in UNITS
        assert m["direction"] in DIRECTIONS
        assert m["effect_kind"] in EFFECT_KINDS
        assert isinstance(m["include_in_effect"], bool)
        assert isinstance(m.get("note", ""), str)
        b, t = m["baseline"], m["target"]
        if m["direction"] == "増加":
            assert t > b, (n, m["name"])
        elif m["direction"] == "減少":
            assert t < b, (n, m["name"])
        else:
            assert t == b, (n, m["name"])


def test_effect_kinds(plan):
    for n, m in _all_measures(plan):
        expected = EXPECTED_EFFECT.get((n, m["name"]), ("", False))
        assert (m["effect_kind"], m["include_in_effect"]) == expected, (n, m["name"])
        if m["effect_kind"] in ("歳出削減", "歳入増加"):
            assert m["unit"] == "円", (n, m["name"])
    (allowance,) = [m for n, m in _all_measures(plan) if m["name"] == "時間外勤務手当"]
    assert "重複" in allowance["note"]


def test_history(plan):
    hist = plan["history"]
    assert [(h["name"], h["effect_yen"], h["as_of"]) for h in hist] == EXPECTED_HISTORY
    assert [len(h["main_efforts"]) for h in hist] == [4, 4, 7, 7]
    for h in hist:
        assert all(e and not e.startswith(("・", "-")) for e in h["main_efforts"])


# ---------------------------------------------------------------- against the seed text


def test_titles_in_seed(plan, seed_text, seed_rows):
    seed = _norm(seed_text)
    for it in plan["items"]:
        assert _norm(it["title"]) in seed, it["no"]
        assert seed_rows[it["no"]].startswith(f"{it['no']}{_norm(it['title'])}"), it["no"]


def test_actions_and_summary_in_seed(plan, seed_rows):
    for it in plan["items"]:
        row = seed_rows[it["no"]]
        assert _norm(it["summary"]) in row, it["no"]
        for a in it["actions"]:
            assert _norm(a) in row, (it["no"], a)


def test_departments_in_seed(plan, seed_rows):
    for it in plan["items"]:
        row = seed_rows[it["no"]]
        depts = it["departments"]
        if len(depts) > 1:
            assert f"★{it['lead']}" in row, it["no"]
        expected_tail = "".join(("★" + d) if (d == it["lead"] and len(depts) > 1) else d for d in depts)
        assert row.endswith(expected_tail), it["no"]


def test_measure_figures_in_seed(plan, seed_rows):
    for n, m in _all_measures(plan):
        row = seed_rows[n]
        assert _norm_paren(m["name"]) in _norm_paren(row), (n, m["name"])
        for key in ("baseline", "target"):
            spellings = _printed(m[key], m["unit"])
            assert any(s in row for s in spellings), (n, m["name"], key, spellings)
    # single-measure rows: baseline immediately followed by target, as in the table
    for it in plan["items"]:
        ms = it.get("measures", [])
        if len(ms) == 1:
            m = ms[0]
            pairs = [
                b + t for b in _printed(m["baseline"], m["unit"]) for t in _printed(m["target"], m["unit"])
            ]
            assert any(p in seed_rows[it["no"]] for p in pairs), it["no"]
    # the two measures of item 5 share one cell: 39,757時間 (94,603,965円)
    assert "39,757時間(94,603,965円)32,000時間(76,160,000円)" in seed_rows[5]


def test_history_in_seed(plan, seed_text):
    seed = _norm(seed_text)
    printed = {
        1190380000: "11億9,038万円",
        933370000: "9億3,337万円",
        1238730000: "12億3,873万円",
        2050040000: "20億5,004万円",
    }
    for h in plan["history"]:
        y = h["effect_yen"]
        oku, man = divmod(y // 10000, 10000)
        assert f"{oku}億{man:,}万円" == printed[y]
        assert _norm(f"{h['name']}") in seed
        assert f"財政効果額：{printed[y]}" in seed
        for e in h["main_efforts"]:
            assert _norm(f"・{e}") in seed, e
    assert "20億5,004万円(2024時点)" in seed


def test_policy_bullets_in_seed(plan, seed_text):
    seed = _norm(seed_text)
    for p in plan["policies"]:
        assert _norm(p["name"]) in seed
        for b in p["bullets"]:
            assert _norm(b) in seed, b
    assert _norm(plan["plan"]["basic_goal_text"]) in seed
