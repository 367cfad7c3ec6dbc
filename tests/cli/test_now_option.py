"""A malformed --now is refused by the argument parser with the form to use (issue 21, Low), never exit 3."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaikaku_xl.cli.program import main


@pytest.mark.parametrize("now", ["2027-13-45", "abc", "2027/04/30 9:00", "2027-04-30T09:00+09:00", ""])
@pytest.mark.parametrize("command", ["refresh", "export"])
def test_a_malformed_now_is_refused_with_the_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], now: str, command: str
) -> None:
    extra = ["--out", str(tmp_path / "out")] if command == "export" else []
    with pytest.raises(SystemExit) as stopped:
        main([command, str(tmp_path / "m.xlsx"), *extra, "--now", now])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--now は 2027-04-30T09:00 の形式で指定してください" in err and "Traceback" not in err


def test_a_well_formed_now_still_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "m.xlsx"), "--now", "2027-04-30T09:00", "-q"]) == 0
