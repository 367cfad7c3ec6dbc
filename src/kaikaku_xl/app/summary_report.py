"""前年度比較 and the 総括 in the report (issue 23): `status_counts`, `previous` and `summary` of `report --json`,
and refresh's draft cells on the 総括 sheet (never the 採用文 staff type)."""

from __future__ import annotations

from dataclasses import replace

from kaikaku_xl.app.compare import previous_record, status_record, with_effect_change
from kaikaku_xl.app.summary_cells import summary_facts
from kaikaku_xl.app.summary_draft import Draft, draft_summary
from kaikaku_xl.export.report import CitedFigure, Report, SummaryParagraph
from kaikaku_xl.master.contract.inputs import SUMMARY, SUMMARY_PARAGRAPHS
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.metrics.frames import Results
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.text import cell_text
from kaikaku_xl.xlsx.engine import Engine
from kaikaku_xl.xlsx.typed import whole_number

DRAFT_MARK = "（下書き）"  # the materials print a paragraph staff have not adopted with this mark


def adopted_texts(engine: Engine) -> dict[str, str]:
    """Paragraph key -> the 採用文 staff typed (none on a master without the 総括 sheet)."""
    if not engine.has_table(SUMMARY.name):
        return {}
    table = engine.read_table(SUMMARY)
    at_no = table.column_index(SUMMARY.column("no").header)
    at_text = table.column_index(SUMMARY.column("adopted").header)
    if at_no is None or at_text is None:
        return {}
    keys = {no: key for no, key, _h in SUMMARY_PARAGRAPHS}
    out = {}
    for row in table.rows:
        key = keys.get(whole_number(row[at_no]) or 0)
        text = cell_text(row[at_text])
        if key and text:
            out[key] = text
    return out


def paragraphs(drafts: list[Draft], adopted: dict[str, str]) -> tuple[SummaryParagraph, ...]:
    return tuple(
        SummaryParagraph(
            key=d.key,
            heading=d.heading,
            text=adopted.get(d.key, d.text),
            adopted=d.key in adopted,
            draft=d.text,
            figures=tuple(CitedFigure(c.pointer, c.value, c.text) for c in d.figures),
        )
        for d in drafts
    )


def compare_and_summarize(
    loaded: Loaded, settings: Settings, results: Results, report: Report, engine: Engine
) -> Report:
    """The report with this year's 状況 counts, the previous year (none in the plan's first year) and the 総括."""
    labels = report.scale.labels
    facts = summary_facts(loaded, settings, results)
    now = status_record(loaded, results, labels)
    previous = None
    if facts.previous is not None:
        previous = with_effect_change(
            previous_record(loaded, now, facts.previous, labels),
            report.effects.single_year,
            report.effects.cumulative,
        )
    summary = paragraphs(draft_summary(facts), adopted_texts(engine))
    return replace(report, status_counts=now, previous=previous, summary=summary)
