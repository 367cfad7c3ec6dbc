"""Issue 20: the master's 使い方 sheet explains the yearly cycle (配布・回収・提出状況・締め・見直し) and names the
cycle's sheets."""

from __future__ import annotations

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.guide import guide_lines
from kaikaku_xl.plan import load_plan


def test_the_guide_explains_the_cycle_and_names_its_sheets() -> None:
    for macro in (True, False):
        text = "\n".join(guide_lines(macro=macro, protect=True, plan=load_plan()))
        for step in ("配布", "回収", "提出状況", "締め", "見直し"):
            assert f"・{step}：" in text
        for command in ("distribute", "collect", "status", "close-year", "reopen-year", "revise"):
            assert f"kaikaku {command}" in text
        for sheet in (
            c.DISTRIBUTIONS.sheet,
            c.CHANGE_LOG.sheet,
            c.SUBMISSIONS.sheet,
            c.CLOSED_YEARS.sheet,
            c.YEAR_RESULTS.sheet,
            c.REVISIONS.sheet,
            c.SHEET_TREND,
        ):
            assert f"「{sheet}」" in text or f"・{sheet}：" in text


def test_no_sheet_of_a_plain_xlsx_speaks_of_an_update_button() -> None:
    from kaikaku_xl.master.titles import DASHBOARD_NOTE, TITLES

    # the .xlsx has no button (only the .xlsm's 操作 sheet has one): the note says the command, and the button
    # only for the .xlsm
    assert "更新ボタン" not in DASHBOARD_NOTE and ".xlsm" in DASHBOARD_NOTE
    assert not any("更新ボタン" in " ".join(v) for v in TITLES.values())
