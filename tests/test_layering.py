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


# ---- the floor plan (pyproject.toml [tool.importlinter]; `lint-imports` checks it in .ci/run) ---------------
def _modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(["kaikaku_xl", *parts])] = path
    return out


def _top(module: str) -> str:
    """The room of a module: its package under kaikaku_xl (master, cycle …), or the ground module itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def test_every_package_and_module_has_its_floor() -> None:
    """A package or top-level module missing from the layers contract would escape it: every one is listed."""
    import tomllib

    config = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    listed = {name.strip() for layer in contract["layers"] for name in re.split(r"[|:]", layer)}
    rooms = {
        p.name if p.is_dir() else p.stem
        for p in SRC.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.name != "__init__.py")
    }
    assert rooms == listed


def test_no_module_imports_itself_back_through_others() -> None:
    """0 module circles, counting every import: inside functions and under TYPE_CHECKING too (grimp reads them
    all), and a package's __init__ as a module of its own."""
    import grimp

    graph = grimp.build_graph("kaikaku_xl", include_external_packages=False)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    assert circles == []


def test_no_function_is_longer_than_80_lines() -> None:
    """A long function is the smell, not a long file: split along what it does (ruff: C901, PLR0915 too)."""
    import ast

    long = [
        f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in SRC.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > 80
    ]
    assert long == []


def test_no_private_name_crosses_a_package() -> None:
    """A name starting with _ is its package's own: another package imports a public name instead."""
    import ast

    crossing = []
    for module, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kaikaku_xl"):
                for alias in node.names:
                    private = alias.name.startswith("_") and not alias.name.startswith("__")
                    if private and _top(node.module or "") != _top(module):
                        crossing.append(f"{module}: from {node.module} import {alias.name}")
    assert crossing == []


def test_names_have_one_address() -> None:
    """No re-export shims: outside a package's __init__ (which may hand names on), an import kept only to be
    imported from here again (`# noqa: F401`) is allowed for side effects alone, at most two of them."""
    kept = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        if path.name != "__init__.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "noqa: F401" in line
    ]
    assert len(kept) <= 2, kept
