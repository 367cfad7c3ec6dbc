"""The 総括 sheet's draft cells (issue 23): refresh writes each paragraph's draft into 下書き and never touches 採用文
(staff's), as app/period.py does for the 計画期間の総括評価. No export import here (refresh)."""

from __future__ import annotations

from typing import Any

from kaikaku_xl.app.period import patch_owned
from kaikaku_xl.app.previous import previous_results
from kaikaku_xl.app.summary_draft import Facts, draft_summary, opinion_tally
from kaikaku_xl.master.contract.inputs import SUMMARY, SUMMARY_PARAGRAPHS
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.master.readers.opinions import opinions_about
from kaikaku_xl.metrics.frames import Results
from kaikaku_xl.metrics.items import exclusion_proposals
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.xlsx.engine import PatchingEngine
from kaikaku_xl.xlsx.typed import whole_number

NO_DRAFT = (
    "（この段落に書くことはありません）"  # a paragraph with nothing to say (e.g. no 懇談会 opinions yet)
)


def summary_facts(loaded: Loaded, settings: Settings, results: Results) -> Facts:
    """What the drafts are made of, for refresh and for the report alike."""
    year = results.evaluation_year
    return Facts(
        results=results,
        previous=previous_results(loaded, settings),
        status=loaded.status,
        revisions=loaded.inputs.revisions,
        proposals=exclusion_proposals(loaded.status, loaded.inputs.revisions, year),
        scale=loaded.plan.grade_scale or GradeScale(),
        start_year=loaded.plan.start_year,
        opinions=opinion_tally(tuple(opinions_about(loaded.opinions, year)["state"])),
    )


def write_summary_cells(engine: PatchingEngine, loaded: Loaded, results: Results) -> None:
    """The drafts into the 下書き cells that changed; a master without the 総括 sheet is left as it is."""
    if not engine.has_table(SUMMARY.name):
        return
    drafts = {d.key: d.text for d in draft_summary(summary_facts(loaded, loaded.settings, results))}
    keys = {no: key for no, key, _h in SUMMARY_PARAGRAPHS}
    table = engine.read_table(SUMMARY)
    at_no = table.column_index(SUMMARY.column("no").header)
    at_draft = table.column_index(SUMMARY.column("draft").header)
    if at_no is None or at_draft is None:
        return
    cells: dict[tuple[int, int], Any] = {}
    for i, row in enumerate(table.rows):
        key = keys.get(whole_number(row[at_no]) or 0)
        if key is not None:
            patch_owned(cells, table, i, at_draft, drafts.get(key, NO_DRAFT))
    if cells:  # only what changed: 採用文 and everything else stay byte for byte
        engine.patch_cells(SUMMARY.sheet, cells)
