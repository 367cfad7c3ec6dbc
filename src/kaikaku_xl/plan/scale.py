"""評価 S/A/B/C/D/− of a measure for an evaluation year, and of an item (DOMAIN.md, "Evaluation grade").

Grades are decided exactly (fractions of the typed decimals, see exact.py); the labels and the thresholds live in
GradeScale (scale.py) only: the default S–D with the 設定 sheet's thresholds, or the plan's own scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol

from kaikaku_xl.palette import BLACK, GRADE_FILL, WHITE
from kaikaku_xl.plan.exact import typed

GRADES = ("S", "A", "B", "C", "D")
NOT_GRADED = "−"  # not computable, or nothing entered yet (未入力)
EXCLUDED = "対象外"  # entered on purpose: left out of every denominator, counted apart
ALL_GRADES = (*GRADES, NOT_GRADED, EXCLUDED)
GRADE_LABELS = {
    "S": "目標達成",
    "A": "順調",
    "B": "概ね順調",
    "C": "遅れ",
    "D": "悪化",
    NOT_GRADED: "評価対象外",
    EXCLUDED: "対象外",
}
NOT_ENTERED = "未入力"  # the label of − where the department has not entered a grade yet


BASIS_PROGRESS = "進捗率"  # 進捗率 ≥ threshold
BASIS_PLANNED = "計画比"  # 進捗率 ≥ threshold × 計画進捗 (the planned progress of the year)
BASIS_OTHERWISE = "それ以外"  # the last grade of a computed scale
BASIS_TYPED = "入力"  # graded by the department
BASES = (BASIS_PROGRESS, BASIS_PLANNED, BASIS_OTHERWISE, BASIS_TYPED)
LINE_BASES = (BASIS_PROGRESS, BASIS_PLANNED)


@dataclass(frozen=True)
class Grade:
    label: str  # what the cells show: "S", "概ね順調"
    name: str = ""  # what it means: "目標達成" (the legend); blank = the label says it
    color: str = ""  # the fill, RRGGBB
    basis: str = BASIS_OTHERWISE
    threshold: Fraction | None = None  # for 進捗率 / 計画比
    explain: bool = False  # 要説明: an item with this grade needs 取組実績・課題・今後の方向性
    points: Fraction | None = None  # 点数 (鴨川: 5..1 点): the roll-ups then show 得点・満点・得点率

    @property
    def title(self) -> str:
        return self.name or self.label

    def line(self, planned_progress: Fraction) -> Fraction | None:
        if self.threshold is None or self.basis not in LINE_BASES:
            return None
        return self.threshold if self.basis == BASIS_PROGRESS else self.threshold * planned_progress


def text_on(fill: str) -> str:
    """Black or white, whichever reads on the fill (relative luminance, WCAG)."""
    try:
        r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except (ValueError, IndexError):
        return BLACK
    lum = sum(
        w * (v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        for w, v in zip((0.2126, 0.7152, 0.0722), (r, g, b), strict=True)
    )
    return BLACK if lum > 0.179 else WHITE


def default_grades(
    s: Fraction = Fraction(1), a: Fraction = Fraction(1), b: Fraction = Fraction(3, 5)
) -> tuple[Grade, ...]:
    """DOMAIN.md's scale: S 進捗率 ≥ s; A ≥ a × 計画進捗; B ≥ b × 計画進捗; C ≥ 0; D below (C, D need narratives)."""
    return (
        Grade("S", "目標達成", GRADE_FILL["S"], BASIS_PROGRESS, s),
        Grade("A", "順調", GRADE_FILL["A"], BASIS_PLANNED, a),
        Grade("B", "概ね順調", GRADE_FILL["B"], BASIS_PLANNED, b),
        Grade("C", "遅れ", GRADE_FILL["C"], BASIS_PROGRESS, Fraction(0), explain=True),
        Grade("D", "悪化", GRADE_FILL["D"], BASIS_OTHERWISE, explain=True),
    )


class ScaleSettings(Protocol):
    """What of the 設定 a scale is chosen by (plan.settings.Settings has these; the scale does not import it)."""

    @property
    def grade_scale(self) -> GradeScale | None: ...
    @property
    def grade_s_progress(self) -> float: ...
    @property
    def grade_a_ratio(self) -> float: ...
    @property
    def grade_b_ratio(self) -> float: ...


@dataclass(frozen=True)
class GradeScale:
    """The grades of a plan, best first. `GradeScale()` is the default S/A/B/C/D."""

    grades: tuple[Grade, ...] = field(default_factory=default_grades)
    custom: bool = False  # the plan's own scale (written to the master), not the default of the 設定 sheet

    @classmethod
    def of(cls, settings: ScaleSettings) -> GradeScale:
        """The scale a run grades with: the plan's own, else the default with the 設定 sheet's thresholds."""
        if settings.grade_scale is not None:
            return settings.grade_scale
        values = [
            typed(v) for v in (settings.grade_s_progress, settings.grade_a_ratio, settings.grade_b_ratio)
        ]
        defaults = (Fraction(1), Fraction(1), Fraction(3, 5))
        return cls(
            default_grades(*(v if v is not None else d for v, d in zip(values, defaults, strict=True)))
        )

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(g.label for g in self.grades)

    @property
    def typed(self) -> bool:
        """Graded by the departments (no rule computes a grade)."""
        return all(g.basis == BASIS_TYPED for g in self.grades)

    @property
    def explained(self) -> tuple[str, ...]:
        """The grades that ask for 取組実績・課題・今後の方向性 (要説明)."""
        return tuple(g.label for g in self.grades if g.explain)

    @property
    def points(self) -> dict[str, Fraction] | None:
        """Each grade's 点数 when the scale gives them (every grade or none, scale_rows checks), else None."""
        if not self.grades or any(g.points is None for g in self.grades):
            return None
        return {g.label: g.points for g in self.grades if g.points is not None}

    def grade(self, label: str) -> Grade:
        return next(g for g in self.grades if g.label == label)

    def title(self, label: str) -> str:
        found = [g for g in self.grades if g.label == label]
        return found[0].title if found else label

    def fill(self, label: str) -> str:
        found = [g for g in self.grades if g.label == label]
        return found[0].color if found and found[0].color else ""

    def text_color(self, label: str) -> str:
        return text_on(self.fill(label)) if self.fill(label) else BLACK

    def threshold(self, label: str) -> Fraction | None:
        return self.grade(label).threshold

    def rank(self, label: str) -> int | None:
        """0 = best; None for − and 対象外."""
        return self.labels.index(label) if label in self.labels else None

    def normalize(self, typed_value: str) -> str | None:
        """The label a typed value means (case and width forgiven), or None."""
        import unicodedata

        key = unicodedata.normalize("NFKC", typed_value).strip().upper()
        for label in self.labels:
            if unicodedata.normalize("NFKC", label).strip().upper() == key:
                return label
        return None

    def decide(self, rate: Fraction | None, planned_progress: Fraction | None) -> str:
        """The grade of an exact rate; a value exactly on a line gets the higher grade. − when not computable
        (or when the scale is typed)."""
        if rate is None or planned_progress is None or self.typed:
            return NOT_GRADED
        for g in self.grades[:-1]:
            line = g.line(planned_progress)
            if line is not None and rate >= line:
                return g.label
        return self.grades[-1].label

    def legend(self) -> str:
        """「S 目標達成／A 順調／…」 for notes and legends."""
        return "／".join(
            f"{g.label} {g.name}" if g.name and g.name != g.label else g.label for g in self.grades
        )
