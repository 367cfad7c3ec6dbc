"""The xlsx package is the domain-free file layer (XlsxWriter's one-module-per-part layout is the model): packages,
parts, sheets, tables, cells, styles, locks and saving, with no word of the plan, its measures, the master or the
yearly cycle in any module, docstrings and messages included. Words a message staff see may use are the file's
own: ブック, シート, セル, 表."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

XLSX = Path(__file__).resolve().parents[2] / "src" / "kaikaku_xl" / "xlsx"

DOMAIN = re.compile(
    r"\b(plans?|measures?|masters?|departments?|refresh\w*|collect(?:s|ed|ion)?|distribut\w*|close-year|"
    r"reopen\w*|city|cities|cycle|workflows?|dashboard|contract)\b"
    r"|指標|取組|計画|実績|年度|担当課|施策|マスター|効果額|進捗|回収|配布|評価|目標|基準値|履歴|問題点",
    re.IGNORECASE,
)


def _lines(path: Path) -> list[str]:
    """The lines of a module, its imports left out (`collections.abc` is Python's, not a word of ours)."""
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not re.match(r"\s*(from|import) ", line)
    ]


@pytest.mark.parametrize("module", sorted(p.name for p in XLSX.glob("*.py")))
def test_no_domain_word_in_the_file_layer(module: str) -> None:
    found = [f"{module}: {line.strip()}" for line in _lines(XLSX / module) if DOMAIN.search(line)]
    assert found == []


def test_the_domain_words_are_caught() -> None:
    """The check itself: the words it is for are found, generic ones are not."""
    assert all(
        DOMAIN.search(w) for w in ("a measure's decimals", "the master", "この指標の単位", "refreshed")
    )
    assert not any(DOMAIN.search(w) for w in ("explanation", "シート「x」の表", "セル", "collections"))
