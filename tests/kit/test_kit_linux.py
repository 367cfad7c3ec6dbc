"""The kit built for this machine (Linux, this Python) installs into a fresh venv with no package index
reachable, and the commands run from that venv (issue 24: the same route install.bat takes on Windows)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from kit_support import build_kit, offline_env

from kaikaku_xl import __version__

pytestmark = pytest.mark.slow  # builds a kit, makes a venv and installs numpy, pandas … into it: about 60 s


def run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, env=offline_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
    return done.stdout


def test_the_host_kit_installs_offline_and_runs_init_and_refresh(
    tmp_path_factory: pytest.TempPathFactory, kit_cache: Path
) -> None:
    kit = build_kit(tmp_path_factory.mktemp("kit-host") / "kit", kit_cache, "--target", "host")
    work = tmp_path_factory.mktemp("city-pc")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)], work)
    python, kaikaku = venv / "bin" / "python", venv / "bin" / "kaikaku"
    run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-index",
            "--find-links",
            str(kit / "wheels"),
            "kaikaku-xl",
        ],
        work,
    )
    installed = run([str(python), "-c", "import kaikaku_xl, xlwings; print(kaikaku_xl.__file__)"], work)
    assert Path(installed.strip()).is_relative_to(venv)  # the venv's copy, not this worktree's
    assert run([str(kaikaku), "--version"], work).split() == ["kaikaku", __version__]
    run([str(kaikaku), "init", "--sample", "master.xlsx"], work)
    run([str(kaikaku), "refresh", "master.xlsx"], work)
    report = run([str(kaikaku), "report", "master.xlsx", "--json"], work)
    assert json.loads(report)["problems"] == []
    # the macro-enabled master, as install.bat's check builds it (xlwings' template from the installed wheel)
    run([str(kaikaku), "init", "-q", "--xlsm", "kit_check.xlsm"], work)
    run([str(kaikaku), "refresh", "-q", "kit_check.xlsm"], work)
    assert (work / "kit_check.py").is_file()
