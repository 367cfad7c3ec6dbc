"""Excel's last row (1,048,576): a table the product writes that would pass it (problem lists, logs, history,
export sheets) is refused with a Japanese message naming the sheet and table, before anything is written.

End-to-end tests lower the limit (a module constant, read when checked) so a small master reaches it; one test
uses the real limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.workbook import make_master

from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c
from kaikaku_xl.xlsx import limits
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.limits import EXCEL_MAX_ROWS, RowLimitError, check_row_limit


def test_the_real_limit_is_checked_before_rows_are_built(tmp_path: Path) -> None:
    check_row_limit("シート「x」", EXCEL_MAX_ROWS)  # the last row itself is fine
    with pytest.raises(RowLimitError, match="1,048,576 行"):
        check_row_limit("シート「x」", EXCEL_MAX_ROWS + 1)
    engine = FileEngine(make_master(tmp_path))
    row = [None] * len(c.PROBLEMS.columns)
    with pytest.raises(RowLimitError, match=f"シート「{c.PROBLEMS.sheet}」の表「{c.PROBLEMS.name}」"):
        engine.write_table(c.PROBLEMS, [row] * (EXCEL_MAX_ROWS - c.PROBLEMS.anchor_row + 1))
    engine.write_table(c.PROBLEMS, [row] * 10)  # a normal size still goes through
    engine.close()


@pytest.mark.parametrize("command", ["refresh", "export"])
def test_a_master_past_the_limit_is_refused_and_untouched(
    tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_master(tmp_path)
    monkeypatch.setattr(limits, "EXCEL_MAX_ROWS", 12)  # the sample's output tables are longer than this
    before = path.read_bytes()
    out = tmp_path / "出力"
    capsys.readouterr()
    args = [command, str(path)] + (["--out", str(out)] if command == "export" else [])
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Excel の上限（12 行）を超えます" in err and "シート「" in err and "Traceback" not in err
    assert path.read_bytes() == before
    if command == "export":
        assert not out.exists() or not any(out.iterdir())
        assert "書き出すブックのシート" in err  # refused at the export workbook, not at reading
        left = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".kaikaku-lock"))
        assert left == ["master.xlsx"]  # no staging folder left


def test_collect_refuses_rows_past_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from helpers.cycle import NOW, department_file
    from openpyxl import load_workbook

    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    assert main(["distribute", str(master), "--out", str(out), "--now", NOW]) == 0
    returned = department_file(out, "人事課")
    wb = load_workbook(returned)
    ws = wb["実績"]
    year_col = [cell.value for cell in ws[3]].index("2026年度") + 1
    ws.cell(row=4, column=year_col, value=123)
    wb.save(returned)
    before = master.read_bytes()
    limit = c.CHANGE_LOG.anchor_row  # the change log has no room for this run's row
    monkeypatch.setattr(limits, "EXCEL_MAX_ROWS", limit)
    capsys.readouterr()
    code = main(["collect", str(master), str(returned), "--now", NOW])
    err = capsys.readouterr().err
    assert code == 2 and "Excel の上限" in err, err
    assert master.read_bytes() == before
