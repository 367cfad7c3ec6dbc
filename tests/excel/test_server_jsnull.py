"""The is_jsnull guard for xlwings Server (excel/jsnull.py): installed outside Pyodide, and still needed.

xlwings 0.37.8's `xlwings.utils.is_jsnull` runs `from pyodide.ffi import JsNull` on every call, and outside
Pyodide that import fails every time. The last test fails on the day an xlwings release stops doing so: then
delete excel/jsnull.py and this file.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

# Not importorskip: importing xlwings_server here would fix its settings for the whole test process.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("xlwings_server") is None,
    reason="the server extra (xlwings-server) is not installed",
)

GUARD_CHECK = """
from kaikaku_xl.excel import jsnull, server
server.app()  # xlwings may only be imported after the server configured it
import xlwings.conversion.standard as s, xlwings.utils as u
print(u.is_jsnull is jsnull._never_jsnull, s.is_jsnull is jsnull._never_jsnull, u.is_jsnull(None))
"""


def test_the_server_installs_the_guard_outside_pyodide() -> None:
    done = subprocess.run([sys.executable, "-c", GUARD_CHECK], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "False"]


def test_the_guard_stays_away_under_pyodide(monkeypatch: pytest.MonkeyPatch) -> None:
    from kaikaku_xl.excel import jsnull

    monkeypatch.setattr(sys, "platform", "emscripten")
    assert jsnull.under_pyodide() is True
    assert jsnull.install() is False


UPSTREAM_CHECK = """
import importlib.abc, sys
from kaikaku_xl.excel import server
server.configure()  # what the server does before xlwings is imported
import xlwings, xlwings.utils

class Count(importlib.abc.MetaPathFinder):
    lookups = 0
    def find_spec(self, name, path=None, target=None):
        if name == "pyodide" or name.startswith("pyodide."):
            Count.lookups += 1
        return None

sys.meta_path.insert(0, Count())
assert all(xlwings.utils.is_jsnull(object()) is False for _ in range(100))
print(xlwings.__version__, Count.lookups)
"""


def test_upstream_still_imports_per_call() -> None:
    """When this fails, xlwings no longer needs the guard: remove excel/jsnull.py (see its docstring)."""
    from kaikaku_xl.excel import jsnull

    done = subprocess.run([sys.executable, "-c", UPSTREAM_CHECK], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    version, lookups = done.stdout.split()
    assert int(lookups) >= 100, (
        f"xlwings {version} no longer imports pyodide per call: remove excel/jsnull.py"
    )
    assert version == jsnull.APPLIES_TO, f"xlwings {version}: check whether excel/jsnull.py is still needed"
