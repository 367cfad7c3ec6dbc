"""Long commands say what they are doing on stderr: a line per phase, silent with -q, a bar only on a terminal."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.workbook import make_master

from kaikaku_xl.progress import Progress, columns

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


def screen(text: str, width: int = 80) -> list[str]:
    """What a terminal `width` columns wide shows after `text`: \\r goes back to the start of the row, \\n down
    a row, a wide (Japanese) character takes two columns, a character past the last column wraps."""
    rows: list[list[str]] = [[]]
    col = 0
    for ch in text:
        if ch in "\r\n":
            col = 0
            if ch == "\n":
                rows.append([])
            continue
        width_of = columns(ch)
        if col + width_of > width:
            rows.append([])
            col = 0
        row = rows[-1]
        row.extend([""] * (col + width_of - len(row)))
        row[col : col + width_of] = [ch] + [""] * (width_of - 1)
        col += width_of
    return ["".join(row).rstrip() for row in rows]


def test_the_bar_leaves_only_the_phase_line_on_a_narrow_terminal() -> None:
    """The longest phase name: the bar is blanked by exactly its own width (blanking twice its characters
    wrapped onto a second row of an 80-column terminal and left a blank line above the phase's line)."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress(stream)
    with progress.phase("返送ファイルの読み込み", total=40) as phase:
        for _ in range(40):
            phase.step()
        phase.count("ファイル", 40)
    with progress.phase("照合", total=3) as phase:
        phase.step()
    shown = screen(stream.getvalue())
    assert [re.sub(r"（\d+\.\d 秒）", "", row) for row in shown] == [
        "返送ファイルの読み込み: 40 ファイル",
        "照合: ",
        "",
    ]


@pytest.mark.skipif(
    sys.platform == "win32", reason="pty is POSIX; the bar's Windows console path is not run here"
)
def test_refresh_on_a_terminal_draws_a_bar_and_ends_with_the_phase_lines(
    master: Path, tmp_path: Path
) -> None:
    import pty
    import tty

    work = tmp_path / "m.xlsx"
    shutil.copy(master, work)
    terminal, its_end = pty.openpty()
    tty.setraw(its_end)  # no \n → \r\n translation: what is read is what the command wrote
    command = [sys.executable, "-m", "kaikaku_xl.cli", "refresh", str(work)]
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=its_end) as proc:
        os.close(its_end)
        written = b""
        while True:
            try:
                chunk = os.read(terminal, 4096)
            except OSError:  # EIO on Linux: the command closed the terminal's other end
                break
            if not chunk:
                break
            written += chunk
        stdout, _ = proc.communicate(timeout=300)
    os.close(terminal)
    assert proc.returncode == 0, written.decode()
    err = written.decode()
    assert "\r読み込み [" in err and "\r書き込み [" in err  # the bar, redrawn in place
    assert re.search(r"\r読み込み \[#+-*\] \d+/9", err) and "] 9/9" in err
    assert err.endswith("\n")
    shown = screen(err)
    assert shown[-1] == "" and [row.split(":")[0] for row in shown[:-1]] == ["読み込み", "計算", "書き込み"]
    assert all(PHASE_LINE.match(row) for row in shown[:-1]), shown
    assert "[#" not in stdout.decode() and "\r" not in stdout.decode()  # the bar is on stderr only
    assert stdout.decode().startswith("更新しました")
