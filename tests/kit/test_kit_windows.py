"""The Windows kit, proved complete without Windows (issue 24): every requirement of every wheel, evaluated with
Windows markers for each supported Python, is met by a wheel of the kit (pywin32 included, which
`pip download --platform win_amd64` on Linux leaves out), pip resolves offline from the kit alone, and two
builds are identical."""

from __future__ import annotations

import email
import email.message
import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from kit_support import EPOCH, build_kit, offline_env
from packaging.requirements import Requirement
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

from kaikaku_xl import __version__

pytestmark = pytest.mark.slow  # downloads from the package index (cached) and builds the kit: about 30 s

PYTHONS = ("3.11", "3.12")
OWN_WHEEL = f"kaikaku_xl-{__version__}-py3-none-any.whl"


def windows_environment(python: str) -> dict[str, str]:
    """What packaging's markers see on 64-bit CPython on Windows 10/11."""
    return {
        "os_name": "nt",
        "sys_platform": "win32",
        "platform_system": "Windows",
        "platform_machine": "AMD64",
        "platform_release": "10",
        "platform_version": "10.0.19045",
        "platform_python_implementation": "CPython",
        "implementation_name": "cpython",
        "implementation_version": f"{python}.0",
        "python_version": python,
        "python_full_version": f"{python}.0",
    }


def metadata(path: Path) -> email.message.Message:
    with zipfile.ZipFile(path) as zf:
        (name,) = [n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(zf.read(name))


def installable(kit: Path, python: str) -> dict[str, list[tuple[Version, list[Requirement]]]]:
    """The kit's wheels a Windows CPython `python` can install, by package."""
    version = tuple(int(p) for p in python.split("."))
    tags = {
        *cpython_tags(version, platforms=["win_amd64"]),
        *compatible_tags(version, f"cp{version[0]}{version[1]}", ["win_amd64"]),
    }
    found: dict[str, list[tuple[Version, list[Requirement]]]] = {}
    for path in sorted((kit / "wheels").glob("*.whl")):
        name, wheel_version, _build, wheel_tags = parse_wheel_filename(path.name)
        if set(wheel_tags) & tags:
            requires = [Requirement(r) for r in metadata(path).get_all("Requires-Dist") or []]
            found.setdefault(canonicalize_name(name), []).append((wheel_version, requires))
    return found


@pytest.mark.parametrize("python", PYTHONS)
def test_every_requirement_of_every_wheel_is_met_with_windows_markers(windows_kit: Path, python: str) -> None:
    wheels = installable(windows_kit, python)
    environment = windows_environment(python)
    reached: dict[str, Version] = {}
    todo: list[tuple[Requirement, str]] = [(Requirement("kaikaku-xl"), "")]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate(
            {**environment, "extra": extra}
        ):
            continue
        name = canonicalize_name(requirement.name)
        candidates = wheels.get(name, [])
        assert len(candidates) == 1, (
            f"Python {python}: {requirement} needs one wheel in the kit, found {candidates}"
        )
        version, requires = candidates[0]
        assert requirement.specifier.contains(version, prereleases=True), f"{requirement} vs {name} {version}"
        if name not in reached:
            reached[name] = version
            todo.extend((r, asked) for asked in ("", *sorted(requirement.extras)) for r in requires)
    assert {"pywin32", "xlwings", "pandas", "numpy", "tzdata"} <= set(reached)
    assert str(reached["kaikaku-xl"]) == __version__
    # Every wheel this Python can install is one the walk needed: the requirements of every wheel were checked.
    assert set(wheels) == set(reached)


def test_every_wheel_is_for_windows_x64_and_the_server_extra_is_left_out(windows_kit: Path) -> None:
    names = sorted(p.name for p in (windows_kit / "wheels").glob("*.whl"))
    for name in names:
        platform = name.removesuffix(".whl").rsplit("-", 1)[1]
        assert platform in {"any", "win_amd64"}, name
    compiled = [n for n in names if n.endswith("win_amd64.whl")]
    for python in ("cp311", "cp312"):  # each compiled package once per Python, pure ones once
        assert any(n.startswith("pywin32-") and f"-{python}-" in n for n in compiled)
    pure = [n for n in names if n.endswith("-any.whl")]
    assert len(pure) == len({n.split("-")[0] for n in pure})
    assert not any(n.startswith(("xlwings_server", "fastapi", "uvicorn")) for n in names)


@pytest.mark.parametrize("python", PYTHONS)
def test_pip_resolves_from_the_kit_alone(windows_kit: Path, python: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-index",
            "--find-links",
            str(windows_kit / "wheels"),
            "--platform",
            "win_amd64",
            "--python-version",
            python,
            "--only-binary=:all:",
            "--target",
            str(tmp_path / "target"),
            "kaikaku-xl",
        ],
        env=offline_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (would,) = [line for line in done.stdout.splitlines() if line.startswith("Would install")]
    assert f"kaikaku-xl-{__version__}" in would.split()
    assert "xlwings-0.37.8" in would.split()


def test_sums_cover_every_file_and_the_manifest_gives_each_wheels_licence(windows_kit: Path) -> None:
    listed = {}
    for line in (windows_kit / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(windows_kit).as_posix() for p in windows_kit.rglob("*") if p.is_file()}
    assert set(listed) == files - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((windows_kit / name).read_bytes()).hexdigest() == digest, name
    manifest = (windows_kit / "MANIFEST.csv").read_text(encoding="utf-8-sig").splitlines()
    assert manifest[0] == "file,package,version,license,python,note"
    rows = {row.split(",")[0]: row.split(",") for row in manifest[1:]}
    assert set(rows) == files - {"SHA256SUMS", "MANIFEST.csv"}
    readme = (windows_kit / "README_導入手順.txt").read_text(encoding="utf-8-sig")
    for path in (windows_kit / "wheels").glob("*.whl"):
        meta = metadata(path)
        declared = meta.get("License-Expression") or meta.get("License")
        file, package, version, licence = rows[f"wheels/{path.name}"][:4]
        assert (package, version) == (meta["Name"], meta["Version"])
        assert licence == declared.strip(), path.name
        assert f"{package} {version}: {licence}" in readme
    assert "BSD" in rows["addin/xlwings.xlam"][3]
    assert {"licenses/xlwings-0.37.8/LICENSE.txt", "licenses/xlwings-0.37.8/LICENSE_PRO.txt"} <= files
    assert rows[f"wheels/kaikaku_xl-{__version__}-py3-none-any.whl"][3] == "BSD-3-Clause"


def test_addin_is_xlwings_own_and_the_built_zips_carry_the_fixed_time(windows_kit: Path) -> None:
    addin = (windows_kit / "addin" / "xlwings.xlam").read_bytes()
    for path in (windows_kit / "wheels").glob("xlwings-*.whl"):
        with zipfile.ZipFile(path) as zf:
            assert zf.read("xlwings/addin/xlwings.xlam") == addin
            # what the master's VBA loads (install.bat checks it is in the venv) and what init --xlsm copies
            assert {
                "xlwings-0.37.8.data/data/xlwings64-0.37.8.dll",
                "xlwings/quickstart_standalone.xlsm",
            } <= set(zf.namelist())
    stamp = datetime.fromtimestamp(int(EPOCH), UTC)
    for name in ("master/omitama_master.xlsm", "template/plan_template.xlsx", f"wheels/{OWN_WHEEL}"):
        with zipfile.ZipFile(windows_kit / name) as zf:
            assert {info.date_time for info in zf.infolist()} == {stamp.timetuple()[:6]}
            if name.endswith(".whl"):
                continue
            core = zf.read("docProps/core.xml").decode()
            assert (
                re.findall(r"<dcterms:\w+[^>]*>([^<]*)<", core) == [stamp.strftime("%Y-%m-%dT%H:%M:%SZ")] * 2
            )
    with zipfile.ZipFile(windows_kit / "master" / "omitama_master.xlsm") as zf:
        assert "xl/vbaProject.bin" in zf.namelist()
    assert "kaikaku_xl.excel.macros" in (windows_kit / "master" / "omitama_master.py").read_text(
        encoding="utf-8"
    )


def test_two_builds_give_the_same_files(windows_kit: Path, kit_cache: Path, tmp_path: Path) -> None:
    """The second build takes the first one's constraints.txt, as a rebuild for the IT review would."""
    pins = (windows_kit / "constraints.txt").read_text(encoding="utf-8").splitlines()
    assert any(p.startswith("pywin32==") for p in pins)
    assert any(p.startswith("setuptools==") for p in pins)  # what built the own wheel
    again = build_kit(tmp_path / "kit", kit_cache, "--constraint", str(windows_kit / "constraints.txt"))
    assert (again / "SHA256SUMS").read_bytes() == (windows_kit / "SHA256SUMS").read_bytes()
    files = sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file())
    assert files == sorted(
        p.relative_to(windows_kit).as_posix() for p in windows_kit.rglob("*") if p.is_file()
    )


def test_the_kits_workbooks_still_open_and_refresh(windows_kit: Path, tmp_path: Path) -> None:
    """Their zip times and dates were rewritten after the build: the master refreshes, the template reads."""
    for name in ("omitama_master.xlsm", "omitama_master.py"):
        shutil.copyfile(windows_kit / "master" / name, tmp_path / name)
    done = subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", "refresh", "-q", str(tmp_path / "omitama_master.xlsm")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    template = openpyxl.load_workbook(windows_kit / "template" / "plan_template.xlsx")
    assert {"計画", "基本方針", "取組項目", "指標"} <= set(template.sheetnames)


def test_every_declared_licence_text_is_in_the_kit(windows_kit: Path) -> None:
    for path in sorted((windows_kit / "wheels").glob("*.whl")):
        meta = metadata(path)
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            (dist,) = {n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info")}
            for declared in meta.get_all("License-File") or []:
                inside = [p for p in (f"{dist}/licenses/{declared}", f"{dist}/{declared}") if p in names]
                copy = (
                    windows_kit
                    / "licenses"
                    / f"{canonicalize_name(meta['Name'])}-{meta['Version']}"
                    / declared
                )
                assert copy.read_bytes() == zf.read(inside[0]), (path.name, declared)
