"""Layers: the UDF module depends on the library only (never on the Excel doors), and the Excel doors reach the
UDFs only as the installed package (no sys.path edits towards the repository's udfs/ folder)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "kaikaku_xl"


def test_the_udf_module_imports_no_excel_door() -> None:
    code = ("import sys, kaikaku_udfs; "
            "print(sorted(m for m in sys.modules if m.startswith('kaikaku_xl.excel')))")
    # A clean environment: other tests start xlwings Server in-process, which sets XLWINGS_* variables.
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout


def test_src_does_not_reach_into_the_repository() -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"sys\.path\.(append|insert)|REPO_UDFS|parents\[3\]", line)
    ]
    assert offenders == []


def test_only_the_server_project_imports_the_udfs() -> None:
    importers = sorted(
        str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
        if re.search(r"^\s*(from|import) kaikaku_udfs", path.read_text(encoding="utf-8"), re.M)
    )
    assert importers == ["excel/officejs/custom_functions/__init__.py"]
