"""A master path that is not a regular file (a FIFO, a folder) is refused by name, without hanging (issue #21, 12):
every command reads the package through xlsx.safezip.check_package first."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers.processes import cli


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX only")
@pytest.mark.parametrize("command", ["refresh", "validate", "report", "status", "collect"])
def test_a_fifo_as_the_master_is_refused_without_hanging(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "master.xlsx"
    os.mkfifo(fifo)
    extra = [str(tmp_path / "返送.xlsx")] if command == "collect" else []
    run = cli(command, str(fifo), *extra, timeout=60)  # a hang ends in TimeoutExpired, failing the test
    assert run.returncode == 2, run.stderr
    assert "master.xlsx は読めません: 通常のファイルではありません" in run.stderr


def test_a_folder_named_like_a_master_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "master.xlsx"
    folder.mkdir()
    run = cli("refresh", str(folder), timeout=60)
    assert run.returncode == 2 and "フォルダーです" in run.stderr
