"""A dropdown Excel cannot hold as a literal list (a comma or quote in a choice, over 255 characters) is written as
an input message only, never as a list that makes Excel repair the file; long messages are cut to Excel's limits."""

from __future__ import annotations

from kaikaku_xl.text import CHOICE_LIST_MAX, fits_choice_list
from kaikaku_xl.xlsx.validation import ERROR_MAX, PROMPT_MAX, choice_list


def test_a_list_excel_can_hold_is_a_dropdown() -> None:
    dv = choice_list(["S", "A", "B"], "選んでください。")
    assert dv.type == "list" and dv.formula1 == '"S,A,B"' and dv.showErrorMessage


def test_a_list_excel_cannot_hold_keeps_only_its_message() -> None:
    many = [str(n) for n in range(1, 101)]  # 100 item numbers: 291 characters
    assert not fits_choice_list(many) and len(",".join(many)) > CHOICE_LIST_MAX
    for values in (many, ["A,B", "C"], ['優"', "C"]):
        dv = choice_list(values, "選んでください。")
        assert dv.type is None and dv.formula1 is None and not dv.showErrorMessage
        assert dv.prompt == "選んでください。"


def test_messages_are_cut_to_excels_limits() -> None:
    dv = choice_list(["S"], "長" * 400)
    assert len(dv.prompt) == PROMPT_MAX and len(dv.error) == ERROR_MAX
