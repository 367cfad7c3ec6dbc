"""A grade scale as rows (the plan's [[grades]], the plan workbook's 評価区分 sheet, the master's 評価区分 table):
read with every mistake found at once (row, column key, Japanese message), and written back.

Row keys: label, name, color, basis, threshold, explain, points (contract.PLAN_GRADES / GRADE_SCALE; points, the
grade's 点数, is optional: a scale gives every grade points or none).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from kaikaku_xl.plan.exact import typed
from kaikaku_xl.plan.scale import (
    BASES,
    BASIS_OTHERWISE,
    BASIS_TYPED,
    EXCLUDED,
    LINE_BASES,
    NOT_ENTERED,
    NOT_GRADED,
    Grade,
    GradeScale,
)
from kaikaku_xl.plan.vocabulary import YES_NO
from kaikaku_xl.text import CHOICE_BREAKERS, CHOICE_LIST_MAX, cell_text, choice_list_text

YES, NO = YES_NO
RESERVED = (NOT_GRADED, "-", EXCLUDED, NOT_ENTERED)  # marks the product keeps for itself
Problem = tuple[int, str, str]  # (row index, column key, message)


def _nfkc(value: Any) -> str:
    """A cell of the scale as compared: its text, NFKC (全角 digits and letters read as typed in 半角)."""
    return unicodedata.normalize("NFKC", cell_text(value))


MAX_THRESHOLD = 1000  # 100,000%: a larger しきい値 is a slip (1e400), and no rate compares with it as a float


def _threshold(value: Any) -> Fraction | None:
    """The typed decimal exactly ("60%" and 0.6 alike); None when it is not a usable number (not one, infinite,
    NaN, or beyond ±MAX_THRESHOLD)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = typed(value)
    else:
        text = _nfkc(value).replace(",", "")
        try:
            decimal = Decimal(text.rstrip("%").strip())
        except (InvalidOperation, ValueError):
            return None
        if not decimal.is_finite() or abs(decimal) > MAX_THRESHOLD * 100:
            return None
        number = Fraction(decimal) / (100 if text.endswith("%") else 1)
    return number if number is not None and abs(number) <= MAX_THRESHOLD else None


MAX_POINTS = 1_000_000  # a larger 点数 is a slip


def _points(value: Any) -> Fraction | None:
    """A grade's 点数 exactly (5, "5", "５点", 2.5); None when it is not a usable number (text, negative, too large).
    A blank cell is no points (the caller tells blank from wrong)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = typed(value)
    else:
        text = _nfkc(value).replace(",", "").removesuffix("点").strip()
        try:
            decimal = Decimal(text)
        except (InvalidOperation, ValueError):
            return None
        if not decimal.is_finite() or abs(decimal) > MAX_POINTS:
            return None
        number = Fraction(decimal)
    return number if number is not None and 0 <= number <= MAX_POINTS else None


def _color(value: Any) -> str | None:
    text = _nfkc(value).lstrip("#").upper()
    return text if re.fullmatch(r"[0-9A-F]{6}", text) else None


def _explain(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _nfkc(value)
    return {"": False, YES: True, NO: False, "○": True, "〇": True, "TRUE": True, "FALSE": False}.get(
        text.upper()
    )


def scale_from_rows(rows: list[dict[str, Any]]) -> tuple[GradeScale | None, list[Problem]]:
    """The scale the rows describe (None when there are no rows: the default), and every mistake in them."""
    problems: list[Problem] = []
    grades: list[Grade] = []
    seen: dict[str, int] = {}  # label (upper case) -> its row
    for i, row in enumerate(rows):
        found = _row_problems(i, row, seen)
        if found:
            problems += found
        else:
            grades.append(_grade(row))
    if not rows:
        return None, problems
    if len(rows) < 2:
        problems.append((0, "label", "評価は2段階以上にしてください。"))
    problems += _order(rows) + _points_order(rows) + _list_problems(rows)
    if problems:
        return None, problems
    return GradeScale(tuple(grades), custom=True), problems


def _grade(row: dict[str, Any]) -> Grade:
    """The grade of a row without mistakes."""
    basis = _nfkc(row.get("basis"))
    threshold = _threshold(row.get("threshold")) if basis in LINE_BASES else None
    color = _color(row.get("color")) if _nfkc(row.get("color")) else ""
    explain = bool(_explain(row.get("explain")))
    points = _points(row.get("points")) if _nfkc(row.get("points")) else None
    return Grade(
        _nfkc(row.get("label")), _nfkc(row.get("name")), color or "", basis, threshold, explain, points
    )


def _row_problems(i: int, row: dict[str, Any], seen: dict[str, int]) -> list[Problem]:
    """Every mistake of row i, one check per column in the order of the columns; a good label joins `seen`."""
    label, basis = _nfkc(row.get("label")), _nfkc(row.get("basis"))
    found = [
        _label_problem(label, seen, i),
        _basis_problem(basis, label),
        _threshold_problem(row.get("threshold"), basis, label),
        _color_problem(row.get("color")),
        _explain_problem(row.get("explain")),
        _points_problem(row.get("points"), label),
    ]
    if found[0] is None:
        seen[label.upper()] = i
    return [(i, key, message) for key, message in (f for f in found if f is not None)]


Found = tuple[str, str] | None  # (column key, message) of one cell's mistake


def _label_problem(label: str, seen: dict[str, int], i: int) -> Found:
    if not label:
        return "label", "評価の記号がありません。"
    if label in RESERVED:
        return "label", f"「{label}」は未入力・対象外の表示に使うため、評価の記号にできません。"
    if label.upper() in seen:
        return "label", f"評価「{label}」が重複しています（{seen[label.upper()] + 1}行目と同じ）。"
    if any(breaker in label for breaker in CHOICE_BREAKERS):
        return "label", f'評価の記号「{label}」に「,」や「"」は使えません（評価の選択肢が壊れます）。'
    return None


def _list_problems(rows: list[dict[str, Any]]) -> list[Problem]:
    """The 評価 dropdown lists every label and 対象外: Excel keeps such a list up to CHOICE_LIST_MAX characters."""
    labels = [_nfkc(row.get("label")) for row in rows]
    length = len(choice_list_text((*labels, EXCLUDED)))
    if length <= CHOICE_LIST_MAX:
        return []
    return [
        (
            len(rows) - 1,
            "label",
            f"評価の記号が長すぎます（選択肢「対象外」と合わせて {length} 文字、{CHOICE_LIST_MAX} 文字まで）。"
            "記号を短くし、説明は名称の列に書いてください。",
        )
    ]


def _basis_problem(basis: str, label: str) -> Found:
    if not basis:
        return "basis", f"評価「{label}」の基準がありません。{'・'.join(BASES)} から選んでください。"
    if basis not in BASES:
        return "basis", f"基準「{basis}」は使えません。{'・'.join(BASES)} から選んでください。"
    return None


def _threshold_problem(raw: Any, basis: str, label: str) -> Found:
    """A basis drawn as a line needs a number; the others none."""
    if basis in LINE_BASES:
        if _threshold(raw) is not None:
            return None
        shown = "空欄" if _nfkc(raw) == "" else f"「{_nfkc(raw)}」"
        return (
            "threshold",
            f"評価「{label}」（基準 {basis}）のしきい値が{shown}です。"
            f"数値を入力してください（1 = 100%、{MAX_THRESHOLD:,} まで）。",
        )
    if _nfkc(raw) != "" and basis != BASIS_TYPED:  # under 入力 a threshold is ignored (typed_thresholds)
        return "threshold", f"基準「{basis}」の評価「{label}」にしきい値は使いません。空欄にしてください。"
    return None


# A clerk who turns the template's S–D into a typed scale changes 基準 to 入力 and leaves the thresholds: they are not
# read, and one note (not an error per row) says so (docs/decisions.md).
TYPED_THRESHOLD_NOTE = (
    "基準が「入力」の評価（担当課が選ぶ）にしきい値は使わないため、読み飛ばしました（消さなくて構いません）。"
)


def typed_thresholds(rows: list[dict[str, Any]]) -> list[int]:
    """The rows of grades typed by the departments (基準 入力) that still hold a しきい値, which is not read."""
    return [
        i
        for i, row in enumerate(rows)
        if _nfkc(row.get("basis")) == BASIS_TYPED and _nfkc(row.get("threshold")) != ""
    ]


def _color_problem(raw: Any) -> Found:
    if _nfkc(raw) and _color(raw) is None:
        return "color", f"色「{_nfkc(raw)}」は RRGGBB の16進6桁（例 2E75B6）で入力してください。"
    return None


def _explain_problem(raw: Any) -> Found:
    if _explain(raw) is None:
        return "explain", f"要説明「{_nfkc(raw)}」は {YES}・{NO} のどちらかです。"
    return None


def _points_problem(raw: Any, label: str) -> Found:
    if _nfkc(raw) and _points(raw) is None:
        return (
            "points",
            f"評価「{label}」の点数「{_nfkc(raw)}」は使えません。0 以上の数値を入力してください（例: 5）。",
        )
    return None


def _points_order(rows: list[dict[str, Any]]) -> list[Problem]:
    """Points are given to every grade or to none, and fall from the best grade down (the top grade's points are
    the 満点 of an item)."""
    given = [_nfkc(r.get("points")) != "" for r in rows]
    if any(given) and not all(given):
        return [
            (
                i,
                "points",
                f"評価「{_nfkc(rows[i].get('label'))}」の点数が空欄です。点数はすべての評価に入力するか、"
                "すべて空欄にしてください。",
            )
            for i, ok in enumerate(given)
            if not ok
        ]
    out: list[Problem] = []
    previous: tuple[int, Fraction] | None = None
    for i, row in enumerate(rows):
        if (value := _points(row.get("points"))) is None:
            continue
        if previous is not None and value >= previous[1]:
            out.append(
                (
                    i,
                    "points",
                    f"点数 {_nfkc(row.get('points'))} が上の評価（{previous[0] + 1}行目）の点数以上です。"
                    "上の評価ほど大きくしてください（最上位の評価の点数が満点になります）。",
                )
            )
        previous = (i, value)
    return out


def _order(rows: list[dict[str, Any]]) -> list[Problem]:
    """The rules in order: typed scales are typed throughout; a computed scale ends with one それ以外, and on
    each basis the thresholds fall from the best grade down."""
    bases = [_nfkc(r.get("basis")) for r in rows]
    out: list[Problem] = []
    if BASIS_TYPED in bases and any(b and b != BASIS_TYPED for b in bases):
        first = next(i for i, b in enumerate(bases) if b and b != BASIS_TYPED)
        out.append(
            (
                first,
                "basis",
                "基準「入力」（担当課が評価を入力）と計算する基準は混ぜられません。すべて「入力」にするか、"
                "すべて計算する基準にしてください。",
            )
        )
        return out
    if BASIS_TYPED in bases:
        return out
    others = [i for i, b in enumerate(bases) if b == BASIS_OTHERWISE]
    last = len(rows) - 1
    if last not in others and bases[last] in BASES:
        out.append((last, "basis", f"最後（最も低い）の評価の基準は「{BASIS_OTHERWISE}」にしてください。"))
    out += [(i, "basis", f"「{BASIS_OTHERWISE}」は最後の評価だけに使えます。") for i in others if i != last]
    for basis in LINE_BASES:
        previous: tuple[int, Fraction] | None = None
        for i, row in enumerate(rows):
            if bases[i] != basis or (value := _threshold(row.get("threshold"))) is None:
                continue
            if previous is not None and value >= previous[1]:
                out.append(
                    (
                        i,
                        "threshold",
                        f"しきい値 {_nfkc(row.get('threshold'))} が上の評価（{previous[0] + 1}行目、"
                        f"基準 {basis}）のしきい値以上です。上の評価ほど大きくしてください。",
                    )
                )
            previous = (i, value)
    return out


def own_scale(scale: GradeScale | None) -> GradeScale | None:
    """The scale to keep as the plan's own: None when it is exactly the default S–D (names, colours, rules)."""
    return None if scale is None or scale.grades == GradeScale().grades else scale


def _decimal(value: Fraction | None) -> Any:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def scale_to_rows(scale: GradeScale, as_json: bool = False) -> list[dict[str, Any]]:
    """The scale as rows: cell values (要説明 はい/いいえ, 点数 blank without points), or JSON values (explain
    true/false; points only for a scale with points, so the JSON of a scale without is unchanged)."""
    with_points = not as_json or scale.points is not None
    return [
        {
            "label": g.label,
            "name": g.name or None,
            "color": g.color or None,
            "basis": g.basis,
            "threshold": _decimal(g.threshold),
            "explain": g.explain if as_json else (YES if g.explain else NO),
            **({"points": _decimal(g.points)} if with_points else {}),
        }
        for g in scale.grades
    ]
