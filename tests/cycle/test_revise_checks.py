"""`kaikaku revise` checks a new value as a typed 計画の見直し row is checked (issue #21, 13), shows values as the
sheets do and hints the measure ID when an item number is typed (issue #20); --exclude records the 推進本部's
対象外 for one year."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cycle import NOW, change_log
from helpers.workbook import make_master

from kaikaku_xl.app.report import report_from_file
from kaikaku_xl.cli.program import main

PERCENT = "12-1"  # 例規見直し率 (%)


def _revise(master: Path, *args: str) -> int:
    return main(
        [
            "revise",
            str(master),
            *args,
            "--from-year",
            "2027",
            "--reason",
            "見直し",
            "--date",
            "2027-03-15",
            "--now",
            NOW,
            "-q",
        ]
    )


@pytest.mark.parametrize("value", ["nan", "inf", "-50", "1e400"])
def test_a_value_a_typed_row_would_refuse_is_refused(
    tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    master = make_master(tmp_path)
    before = master.read_bytes()
    capsys.readouterr()
    assert _revise(master, "--measure", PERCENT, f"--target={value}") == 2
    said = capsys.readouterr()
    assert "記録していません" in said.err and "見直しました" not in said.out
    assert master.read_bytes() == before


def test_messages_show_values_as_the_sheets_do_and_hint_the_measure_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = make_master(tmp_path)
    capsys.readouterr()
    assert _revise(master, "--measure", "2-1", "--target", "3900000000") == 0
    said = capsys.readouterr().out
    assert "→ 3,900,000,000円" in said and ".0" not in said
    assert "3,900,000,000円" in change_log(master)[-1]["内容"]
    assert _revise(master, "--measure", "5", "--target", "100") == 2
    assert "No.5 の指標は 5-1・5-2 です" in capsys.readouterr().err


def test_exclude_takes_an_item_out_of_one_year_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = make_master(tmp_path)
    capsys.readouterr()
    assert _revise(master, "--item", "6", "--exclude") == 0
    assert "2027年度だけ対象外" in capsys.readouterr().out
    grades = {
        year: next(i.grade for i in report_from_file(master, year).items if i.no == 6)
        for year in (2027, 2028)
    }
    assert grades[2027] == "対象外" and grades[2028] != "対象外"
    assert _revise(master, "--item", "6", "--exclude", "--end") == 2
