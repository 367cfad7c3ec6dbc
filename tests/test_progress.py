"""Long commands say what they are doing on stderr: a line per phase, silent with -q, a bar only on a terminal."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.workbook import make_master

from kaikaku_xl.progress import Progress

PHASE_LINE = re.compile(r"^(読み込み|計算|書き込み): .*（\d+\.\d 秒）$")


def kaikaku(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_master(tmp_path_factory.mktemp("progress"))


def test_refresh_prints_a_line_per_phase_on_stderr(master: Path) -> None:
    done = kaikaku("refresh", str(master))
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == ["読み込み", "計算", "書き込み"]
    assert all(PHASE_LINE.match(line) for line in lines), lines
    assert "9 表" in lines[0] and "18 指標" in lines[1] and "27 取組項目" in lines[1]
    assert "\r" not in done.stderr  # not a terminal: no bar
    assert "読み込み" not in done.stdout  # stdout stays for results


def test_quiet_silences_progress(master: Path) -> None:
    for args in (("refresh", "-q", str(master)), ("validate", str(master), "--quiet")):
        done = kaikaku(*args)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""


def test_validate_reads_and_computes_with_progress(master: Path) -> None:
    done = kaikaku("validate", str(master))
    assert [line.split(":")[0] for line in done.stderr.splitlines()] == ["読み込み", "計算"]


def test_report_reads_and_computes_with_progress_and_keeps_stdout_clean(master: Path) -> None:
    done = kaikaku("report", str(master), "--json")
    assert done.returncode == 0, done.stderr
    assert [line.split(":")[0] for line in done.stderr.splitlines()] == ["読み込み", "計算"]
    assert done.stdout.lstrip().startswith("{")  # the JSON alone
    assert kaikaku("report", "-q", str(master), "--json").stderr == ""


def test_bar_only_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, expect_bar in ((Terminal(), True), (io.StringIO(), False)):
        progress = Progress(stream)
        with progress.phase("読み込み", total=4) as phase:
            for _ in range(4):
                phase.step()
            phase.count("表", 4)
        out = stream.getvalue()
        assert ("[######" in out and "4/4" in out) is expect_bar
        assert out.rstrip("\n").split("\r")[-1].startswith("読み込み: 4 表（")


def test_a_failed_phase_writes_no_line() -> None:
    stream = io.StringIO()
    with pytest.raises(RuntimeError), Progress(stream).phase("計算"):
        raise RuntimeError("boom")
    assert stream.getvalue() == ""
