"""A failed init leaves no file behind (issue 21, finding 7): the master is built and refreshed under a temporary
name beside the target and takes its name only once all went well; a file it was to replace (--force) stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaikaku_xl.app import init
from kaikaku_xl.cli.program import main
from kaikaku_xl.errors import WorkbookError

NOW = "2026-06-01T10:00:00"


def _failing_refresh(*args: object, **kwargs: object) -> None:
    raise WorkbookError("更新できませんでした（試験のための失敗）。")


@pytest.mark.parametrize("xlsm", [False, True])
def test_a_failed_init_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xlsm: bool) -> None:
    monkeypatch.setattr(init, "refresh", _failing_refresh)
    target = tmp_path / ("new_master.xlsm" if xlsm else "new.xlsx")
    assert main(["init", str(target), "--now", NOW, "-q", *(["--xlsm"] if xlsm else [])]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_failed_init_with_force_keeps_the_file_it_was_to_replace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "master.xlsx"
    target.write_bytes(b"the coordinator's master")
    monkeypatch.setattr(init, "refresh", _failing_refresh)
    assert main(["init", str(target), "--force", "--now", NOW, "-q"]) == 2
    assert target.read_bytes() == b"the coordinator's master"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["master.xlsx"]


def test_init_writes_only_the_master(tmp_path: Path) -> None:
    target = tmp_path / "master.xlsx"
    assert main(["init", str(target), "--now", NOW, "-q"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["master.xlsx"]
