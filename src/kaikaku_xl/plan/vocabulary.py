"""The plan's words staff choose from: the 進捗状況 and 効果額台帳 choices and how a typed 評価 is matched,
checked in one place for the master's readers, the department files and the exports."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from kaikaku_xl.plan.model import MONEY_KINDS
from kaikaku_xl.plan.scale import EXCLUDED, GRADES

YES_NO = ("はい", "いいえ")  # the answer of a yes/no cell (設定, 効果額に算入, 要説明)
# 対象外 picked by a department is a proposal: the item stays graded until the 推進本部's decision is recorded as a
# 計画の見直し row (区分 対象外) for that year (docs/decisions.md; metrics.items.exclusion_proposals).
STATUS_VALUES = ("未着手", "実施中", "完了", EXCLUDED)
EXCLUSION_NOTE = (
    "対象外は推進本部への提案です。理由を取組実績・課題・今後の方向性のいずれかに書いてください"
    "（推進本部が認めるまでは評価に含めます）。"
)


LEDGER_KINDS = MONEY_KINDS  # the ledger holds money only (no 参考 conversions)


NARRATIVE_KEYS = ("results", "issues", "next")  # 取組実績, 課題, 今後の方向性


STATUS_CHOICES = "未着手・実施中・完了・対象外から選んでください。"


def grade_choices(labels: tuple[str, ...] = GRADES) -> str:
    """The prompt naming the plan's grades (S・A・B・C・D by default) and 対象外."""
    return f"{'・'.join((*labels, EXCLUDED))} のいずれかを選んでください。"


def typed_grade(value: Any, labels: tuple[str, ...] = GRADES) -> str:
    """A typed 評価 as matched: 全角 and lower case letters read as the grade (ｓ is S; a plan's own labels too)."""
    # cached by text: a few distinct grades over thousands of cells (KK_ROLLUP asks once per cell)
    return _typed_text("" if value is None else str(value), labels)


@lru_cache(maxsize=1024)
def _typed_text(value: str, labels: tuple[str, ...]) -> str:
    text = unicodedata.normalize("NFKC", value.strip())
    return _label_of(labels).get(text.upper(), text.upper() if labels == GRADES else text)


@lru_cache(maxsize=32)
def _label_of(labels: tuple[str, ...]) -> dict[str, str]:
    """Each label by its NFKC upper-case form, the first label winning."""
    index: dict[str, str] = {}
    for label in labels:
        index.setdefault(unicodedata.normalize("NFKC", label).upper(), label)
    return index


def unknown_grade(grade: str, also: tuple[str, ...] = (), labels: tuple[str, ...] = GRADES) -> bool:
    """A 評価 other than blank, the plan's grades, 対象外 and `also` (the export also meets −, the tool's mark)."""
    return bool(grade) and grade not in (*labels, EXCLUDED, *also)


def unknown_status(status: str) -> bool:
    """A 状況 other than blank and the list's choices (未着手・実施中・完了・対象外)."""
    return bool(status) and status not in STATUS_VALUES
