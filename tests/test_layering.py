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
    code = (
        "import sys, kaikaku_udfs; print(sorted(m for m in sys.modules if m.startswith('kaikaku_xl.excel')))"
    )
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


def _importers(pattern: str, outside: str = "") -> list[str]:
    """Modules of src (outside the package `outside`, whose modules import each other) importing `pattern`."""
    return sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if not (outside and path.relative_to(SRC).parts[0] == outside)
        and re.search(rf"^\s*(from|import) {pattern}\b", path.read_text(encoding="utf-8"), re.M)
    )


def test_src_never_imports_the_udfs_folder() -> None:
    """udfs/kaikaku_udfs is only the name classic Excel imports: the library must not depend on it."""
    assert _importers(r"kaikaku_udfs") == []


def test_only_the_server_project_imports_the_udfs() -> None:
    assert _importers(r"kaikaku_xl\.udfs", outside="udfs") == ["excel/officejs/custom_functions/__init__.py"]


def test_the_excel_name_and_the_server_project_serve_the_same_functions() -> None:
    code = (
        "import sys, kaikaku_udfs, kaikaku_xl.udfs as lib; "
        "sys.path.insert(0, sys.argv[1]); import custom_functions as server; "
        "assert kaikaku_udfs.__all__ == lib.__all__ == server.__all__; "
        "assert all(getattr(kaikaku_udfs, n) is getattr(lib, n) is getattr(server, n) for n in lib.__all__); "
        "print(len(lib.__all__))"
    )  # (classic xlwings marks functions with __xlfunc__ only on Windows)
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS")}
    result = subprocess.run(
        [sys.executable, "-c", code, str(SRC / "excel" / "officejs")], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 6
