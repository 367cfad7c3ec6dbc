"""The loader reads in named steps: a bug in one says which step broke; a failure the user can act on
(KaikakuError) keeps its own message."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.workbook import make_master

from kaikaku_xl.cli.program import main
from kaikaku_xl.errors import EXIT_BUG, WorkbookError
from kaikaku_xl.master import load as loader
from kaikaku_xl.master.load import LoadStepFailed, load
from kaikaku_xl.progress import SILENT, Phase
from kaikaku_xl.xlsx.file_engine import FileEngine


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_master(tmp_path_factory.mktemp("steps"))


def test_every_step_has_a_name_and_runs_once(master: Path) -> None:
    engine = FileEngine(master, backups=0)
    names = [name for name, _ in loader.MasterLoader(engine, _phase()).steps()]
    assert len(names) == len(set(names)) and all(name.endswith(("読み込み", "確認")) for name in names)
    loaded = load(engine)
    assert loaded.errors == [] and len(loaded.inputs.items) == 27


def test_a_bug_names_the_step_that_broke(master: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise KeyError("policy")

    monkeypatch.setattr(loader, "read_items", broken)
    with pytest.raises(LoadStepFailed, match="「取組項目の読み込み」で失敗しました") as failed:
        load(FileEngine(master, backups=0))
    assert "KeyError" in str(failed.value) and isinstance(failed.value.__cause__, KeyError)


def test_a_failure_the_user_can_act_on_keeps_its_message(
    master: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = WorkbookError("指標シートの表がありません。")

    def refuse(*_args: object) -> None:
        raise refused

    monkeypatch.setattr(loader, "read_measures", refuse)
    with pytest.raises(WorkbookError) as failed:
        load(FileEngine(master, backups=0))
    assert failed.value is refused


def test_the_command_line_names_the_step(
    master: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(loader, "read_status", broken)
    assert main(["validate", str(master)]) == EXIT_BUG
    err = capsys.readouterr().err
    assert "「進捗状況の読み込み」で失敗しました" in err and "ZeroDivisionError" in err


def _phase() -> Phase:
    with SILENT.phase("読み込み") as phase:
        return phase
