"""`kaikaku ... | head`: when the reader closes the pipe the command stops quietly, as command-line tools do."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_closed_pipe_ends_the_command_quietly() -> None:
    read_end, write_end = os.pipe()
    os.close(
        read_end
    )  # the reader is gone before the first line: every write fails with EPIPE, deterministically
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kaikaku_xl.cli", "plan"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""  # no 予期しないエラー, no Python traceback from the exit flush
    assert done.returncode == 128 + 13  # as a Unix tool stopped by SIGPIPE
