"""The kit's texts for Windows: batch files cmd.exe reads correctly (CP932, CRLF, ASCII before `chcp 932`,
no unescaped specials in messages, every goto's label), the Japanese guide, and verify_kit.py catching a
damaged copy. Plus the target-marker walk of tools/build_kit.py on made-up wheels (no network)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from kit_support import load_tool

BATCH_FILES = ("install.bat", "uninstall.bat")


def fake_wheel(folder: Path, name: str, version: str, *requires: str) -> None:
    dist = f"{name}-{version}.dist-info"
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        *(f"Requires-Dist: {r}" for r in requires),
    ]
    with zipfile.ZipFile(folder / f"{name}-{version}-py3-none-any.whl", "w") as zf:
        zf.writestr(f"{dist}/METADATA", "\n".join(lines) + "\n")


def test_walk_uses_the_targets_markers_not_the_build_machines(tmp_path: Path) -> None:
    tool = load_tool()
    fake_wheel(
        tmp_path,
        "app",
        "1.0",
        'winonly>=2; platform_system == "Windows"',
        'linuxonly; sys_platform == "linux"',
    )
    fake_wheel(tmp_path, "linuxonly", "1.0")
    wheels = tool.wheels_in(tmp_path)
    root = [tool.Requirement("app==1.0")]
    windows = tool.walk(wheels, tool.Target("3.12", windows=True), root)
    assert [str(r) for r in windows.missing] == ['winonly>=2; platform_system == "Windows"']
    assert set(windows.reached) == {"app"}  # linuxonly is not needed on Windows
    assert tool.merged(windows.missing) == ["winonly>=2"]
    fake_wheel(tmp_path, "winonly", "2.1")
    windows = tool.walk(tool.wheels_in(tmp_path), tool.Target("3.12", windows=True), root)
    assert (windows.missing, set(windows.reached)) == ([], {"app", "winonly"})
    if sys.platform == "linux":
        host = tool.walk(tool.wheels_in(tmp_path), tool.Target("3.11", windows=False), root)
        assert (host.missing, set(host.reached)) == ([], {"app", "linuxonly"})


def test_pins_hold_per_target_python(tmp_path: Path) -> None:
    """A kit's constraints.txt pins numpy per Python; each target gets its own line, without the marker (pip
    would evaluate it on the build machine)."""
    tool = load_tool()
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(
        '# comment\nnumpy==2.4.6; python_version == "3.11"\nnumpy==2.5.5; python_version == "3.12"\npywin32==312\n',
        encoding="utf-8",
    )
    for python, numpy in (("3.11", "2.4.6"), ("3.12", "2.5.5")):
        target = tool.Target(python, windows=True)
        pins = tool.pins_for(constraints, target.environment(), tmp_path / f"{python}.txt")
        assert pins.read_text(encoding="utf-8").splitlines() == [f"numpy=={numpy}", "pywin32==312"]


def batch_lines(kit: Path, name: str) -> list[str]:
    data = (kit / name).read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b""), f"{name}: every line ends in CRLF"
    return data.decode("cp932").split("\r\n")  # strict: CP932, as cmd.exe reads it after chcp 932


@pytest.mark.slow
@pytest.mark.parametrize("name", BATCH_FILES)
def test_batch_files_read_right_in_cmd(windows_kit: Path, name: str) -> None:
    lines = batch_lines(windows_kit, name)
    chcp = lines.index("chcp 932 >nul")
    assert all(line.isascii() for line in lines[:chcp]), "before chcp 932 the code page is not known"
    for line in lines:
        if line.lower().startswith("echo "):
            text = re.sub(r"%[A-Z_]+%", "", line[5:])  # variables expand before parsing
            assert not set(text) & set("&|<>^()%"), f"{name}: {line!r} needs escaping in cmd.exe"
    label_lines = [line[1:].split()[0].lower() for line in lines if line.startswith(":")]
    labels = set(label_lines)
    assert len(labels) == len(label_lines), f"{name}: a label twice ({sorted(label_lines)})"
    for target in re.findall(r"goto :(\w+)", "\n".join(lines)):
        assert target.lower() in labels, f"{name}: goto :{target} has no label"
    assert "${" not in "".join(lines)
    assert lines[-1] == "" and lines[-2].startswith("endlocal & exit /b")


@pytest.mark.slow
def test_install_bat_takes_the_offline_route_and_checks_the_result(windows_kit: Path) -> None:
    text = "\n".join(batch_lines(windows_kit, "install.bat"))
    steps = [
        'py -%PYV%-64 -m venv "%VENV%"',
        '-m pip install --no-index --find-links "%KIT%wheels"',
        'xlwings.exe" addin install',
        'xlwings.exe" config create --force',
        'type nul > "%MARK%"',  # after its own xlwings.conf: a second run keeps the user's backup
        'kaikaku.exe" --version',
        'if not exist "%VENV%\\xlwings64-0.37.8.dll" goto :no_dll',
        'kaikaku.exe" init -q --xlsm "%CHECK%\\kit_check.xlsm"',
        'kaikaku.exe" refresh -q "%CHECK%\\kit_check.xlsm"',
    ]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions)
    assert 'set "PYV=3.12"' in text and 'set "PYV=3.11"' in text
    assert text.index('set "PYV=3.12"') < text.index('set "PYV=3.11"')  # 3.12 first, 3.11 the fallback


@pytest.mark.slow
def test_the_guide_names_the_installer_and_opens_in_notepad(windows_kit: Path) -> None:
    data = (windows_kit / "README_導入手順.txt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\n" not in data.replace(b"\r\n", b"")
    text = data.decode("utf-8-sig")
    for needed in (
        "python-3.12.10-amd64.exe",
        "Windows installer (64-bit)",
        "https://www.python.org/downloads/release/python-31210/",
        "uninstall.bat",
        "PolyForm Noncommercial",
        "pywin32",
    ):
        assert needed in text


@pytest.mark.slow
def test_verify_kit_finds_a_damaged_or_missing_file(windows_kit: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kit"
    shutil.copytree(windows_kit, copy)

    def verify() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(copy / "verify_kit.py")], capture_output=True, text=True)

    assert verify().returncode == 0
    wheel = next((copy / "wheels").glob("pywin32-*.whl"))
    wheel.write_bytes(wheel.read_bytes()[:-1])
    (copy / "addin" / "xlwings.xlam").unlink()
    done = verify()
    assert done.returncode == 1
    assert f"内容が違います: wheels/{wheel.name}" in done.stdout
    assert "ありません: addin/xlwings.xlam" in done.stdout
