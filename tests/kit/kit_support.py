"""What the kit tests share: the tool as a module, a build as a process, an environment with no index."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "tools" / "build_kit.py"
EPOCH = "1780000000"  # 2026-05-28: a fixed SOURCE_DATE_EPOCH, so two builds must match byte for byte


def load_tool() -> ModuleType:
    """tools/build_kit.py as a module (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("build_kit", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_kit"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _city_environ() -> dict[str, str]:
    """This process's environment without what other tests of the same run set in it (the xlwings server tests
    set XLWINGS_ON_SERVER, which a city PC does not have)."""
    return {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}


def build_kit(out: Path, cache: Path, *args: str) -> Path:
    env = dict(_city_environ(), SOURCE_DATE_EPOCH=EPOCH)
    done = subprocess.run(
        [sys.executable, str(TOOL), "--out", str(out), "--cache", str(cache), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def offline_env(**extra: str) -> dict[str, str]:
    """No package index reachable: pip's configuration files and PIP_* variables (this machine's find-links
    and extra index included) left out, proxies pointed at a closed port, the worktree not on the path."""
    env = {k: v for k, v in _city_environ().items() if not k.startswith("PIP_") and k != "PYTHONPATH"}
    closed = "http://127.0.0.1:9"
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", HTTP_PROXY=closed, HTTPS_PROXY=closed)
    env.update(http_proxy=closed, https_proxy=closed, PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env
