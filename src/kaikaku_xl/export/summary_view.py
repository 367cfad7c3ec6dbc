"""The 総括 of the council materials (issue 23): each paragraph's 採用文 where staff adopted one, else its draft
marked 「（下書き）」."""

from __future__ import annotations

from dataclasses import dataclass

from kaikaku_xl.export.report import Report

DRAFT_MARK = "（下書き）"


@dataclass(frozen=True)
class SummaryText:
    heading: str
    text: str  # as printed: the adopted text, or the draft with DRAFT_MARK in front
    adopted: bool


def summary_texts(report: Report) -> list[SummaryText]:
    return [
        SummaryText(p.heading, p.text if p.adopted else DRAFT_MARK + p.text, p.adopted)
        for p in report.summary
    ]
