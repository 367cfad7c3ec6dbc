"""The real command line as a process (python -m kaikaku_xl.cli), as a person or a scheduled job runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", *args], capture_output=True, text=True, timeout=timeout
    )


def cli_json(*args: str) -> dict[str, Any]:
    """A command's --json answer; it must succeed."""
    run = cli(*args, "--json")
    assert run.returncode == 0, run.stderr[-2000:]
    return dict(json.loads(run.stdout))
