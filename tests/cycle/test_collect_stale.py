"""A distribution already collected takes no second, different file silently (issue #21 items 1 and 4): an older
copy arriving late (the untouched original, an early draft) is a stale file naming the earlier one, and any other
different file is a conflict naming both files and the differing cells; neither is applied, exit 1. The same file
again changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers.cycle import (
    DEPT,
    NOW,
    YEAR,
    actual_in,
    col_of,
    department_file,
    fill_as_personnel_section,
    master_values,
    row_of,
    run_json,
)
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c

AMOUNT = (2, "人件費（会計年度任用職員以外）")


@pytest.fixture
def collected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, Path]:
    """(master, the filled file A collected, an untouched copy of the file as distributed)."""
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    assert main(["distribute", str(master), "--out", str(out), "--now", NOW]) == 0
    filled = department_file(out, DEPT)
    original = tmp_path / "元のファイル" / filled.name  # the attachment as sent, kept by a clerk
    original.parent.mkdir()
    shutil.copy2(filled, original)
    fill_as_personnel_section(filled)
    code, report = run_json(capsys, "collect", str(master), str(filled), "--now", NOW)
    assert code == 1 and len(report["applied"]) == 5  # (the pasted row of another department is refused)
    return master, filled, original


def _inputs(master: Path) -> tuple[object, ...]:
    return tuple(
        tuple(map(tuple, master_values(master, sheet))) for sheet in ("実績", c.STATUS.sheet, c.LEDGER.sheet)
    )


def test_the_untouched_original_collected_after_the_filled_file_reverts_nothing(
    collected: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, filled, original = collected
    before = _inputs(master)
    code, report = run_json(capsys, "collect", str(master), str(original), "--now", "2026-06-02T09:00:00")
    assert code == 1
    assert report["applied"] == []
    stale = [x for x in report["conflicts"] if x["kind"] == "stale"]
    # the two actuals, the two status cells and the ledger row the filled file brought
    assert len(stale) == 5 and len(report["conflicts"]) == 5
    assert all(
        not x["resolved"] and filled.name in x["reason"] and NOW.replace("T", " ") in x["reason"]
        for x in stale
    )
    amount = next(x for x in stale if x["sheet"] == "実績" and x["master"] == 4012345678)
    assert amount["returned"] is None and amount["master_text"] == "4,012,345,678"
    assert amount["returned_text"] == "未入力"
    assert _inputs(master) == before  # values, narratives and ledger rows all kept
    assert actual_in(master, *AMOUNT) == 4012345678
    code, status = run_json(capsys, "status", str(master))
    assert {d["department"]: d for d in status["departments"]}[DEPT]["collected"] is True


def test_a_second_different_file_is_a_conflict_naming_both_files(
    collected: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master, filled, _ = collected
    copy = tmp_path / "別の人のコピー" / filled.name
    copy.parent.mkdir()
    shutil.copy2(filled, copy)
    wb = load_workbook(copy)
    ws = wb["実績"]
    cell = ws.cell(row=row_of(ws, No=AMOUNT[0], 指標名=AMOUNT[1]), column=col_of(ws, f"{YEAR}年度"))
    cell.value = 1
    wb.save(copy)
    code, report = run_json(capsys, "collect", str(master), str(copy), "--now", "2026-06-02T09:00:00")
    assert code == 1 and report["applied"] == []
    (conflict,) = report["conflicts"]
    assert conflict["kind"] == "second" and conflict["file"] == copy.name
    assert filled.name in conflict["earlier"] and conflict["source"] == f"実績!{cell.coordinate}"
    assert conflict["master_text"] == "4,012,345,678" and conflict["returned_text"] == "1"
    assert actual_in(master, *AMOUNT) == 4012345678  # the first file's value stays

    code, report = run_json(
        capsys, "collect", str(master), str(copy), "--prefer", "returned", "--now", "2026-06-02T09:00:00"
    )
    assert report["conflicts"][0]["resolved"] and actual_in(master, *AMOUNT) == 1  # the coordinator decided


def test_the_same_file_again_changes_nothing(
    collected: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, filled, _ = collected
    before = master.read_bytes()
    code, report = run_json(capsys, "collect", str(master), str(filled), "--now", "2026-06-02T09:00:00")
    assert report["applied"] == [] and report["conflicts"] == [] and not report["written"]
    assert master.read_bytes() == before


def test_the_command_line_leads_with_what_needs_attention(
    collected: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue #20: a summary first, the problems before the applied values, values as the sheets show them."""
    master, filled, original = collected
    capsys.readouterr()
    assert main(["collect", str(master), str(original), "--now", "2026-06-02T09:00:00", "-q"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("回収: 1 ファイルを照合") and "競合 5 件（未解決 5 件）" in lines[0]
    assert "None" not in out and "{" not in out and "e+" not in out
    assert "マスター 4,012,345,678 / 返送 未入力" in out
    assert "No.4 2026年度 歳出削減 1,200,000円「職員研修の内製化」" in out


def test_the_untouched_original_first_then_the_filled_file_fills_the_master(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The other order: a clerk sends the attachment back untouched by mistake, then the filled file. Cells the
    earlier file left as sent are filled by the later one (no conflict: nothing returned is overwritten)."""
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    assert main(["distribute", str(master), "--out", str(out), "--now", NOW]) == 0
    filled = department_file(out, DEPT)
    original = tmp_path / "元のファイル" / filled.name
    original.parent.mkdir()
    shutil.copy2(filled, original)
    code, report = run_json(capsys, "collect", str(master), str(original), "--now", NOW)
    assert code == 0 and report["applied"] == [] and report["conflicts"] == []
    fill_as_personnel_section(filled)
    code, report = run_json(capsys, "collect", str(master), str(filled), "--now", "2026-06-02T09:00:00")
    assert report["conflicts"] == [] and len(report["applied"]) == 5  # as if it had come first
    assert actual_in(master, *AMOUNT) == 4012345678
