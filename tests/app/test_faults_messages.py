"""Every failure a user can cause: a Japanese message saying what to do, exit 2, files untouched, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers.workbook import make_master

ENGLISH = (
    "Errno",
    "Error:",
    "Traceback",
    "File exists",
    "Not a directory",
    "File name too long",
    "予期しない",
)


def kaikaku(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("messages")
    make_master(folder)
    (folder / "afile").write_text("not a folder")
    (folder / "a_folder.xlsx").mkdir()
    (folder / "noext").write_bytes((folder / "master.xlsx").read_bytes())
    return folder


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes (the writer lock's empty file aside: it is not content)."""
    return {
        p.name: (p.read_bytes() if p.is_file() else None)
        for p in folder.iterdir()
        if not p.name.endswith(".kaikaku-lock")
    }


CASES = {
    "init under a file": (["init", "afile/new.xlsx"], "ファイル"),
    "init name too long": (["init", "a" * 300 + ".xlsx"], "長すぎます"),
    "refresh under a file": (["refresh", "afile/x.xlsx"], "フォルダーではなくファイル"),
    "refresh a folder": (["refresh", "a_folder.xlsx"], "フォルダーです"),
    "refresh no extension": (["refresh", "noext"], "拡張子"),
    "report no extension": (["report", "noext"], "拡張子"),
    "refresh name too long": (["refresh", "b" * 300 + ".xlsx"], "長すぎます"),
    "export under a file": (["export", "master.xlsx", "--out", "afile/out"], "フォルダーではなくファイル"),
    "export to a file": (["export", "master.xlsx", "--out", "afile"], "フォルダーではなく"),
    "export --year 1900": (["export", "master.xlsx", "--out", "o", "--year", "1900"], "期間外"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_os_and_input_errors_speak_japanese_and_change_nothing(folder: Path, case: str) -> None:
    args, expected = CASES[case]
    before = snapshot(folder)
    result = kaikaku(*args, cwd=folder)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr, result.stderr
    assert not any(word in result.stderr for word in ENGLISH), result.stderr
    assert len(result.stderr) < 400  # a long path is shortened, not repeated whole
    assert snapshot(folder) == before
