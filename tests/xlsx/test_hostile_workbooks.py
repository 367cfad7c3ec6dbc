"""Hostile packages are refused as "not a workbook" before any parser sees them, on every path that reads a
workbook: XML with a DOCTYPE (entity expansion, external entities) and parts that expand too far (zip bombs:
declared, lying about their size, or by ratio). Exit 2, a Japanese message, files untouched."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from helpers.hostile import SECRET, repack, sheet_part, with_doctype, zero_bomb
from helpers.workbook import make_master

from kaikaku_xl.cli.program import main
from kaikaku_xl.xlsx.safezip import HostileWorkbook, check_package

NOW = "2026-06-01T10:00:00"
REFUSED = "Excel ブックとして受け付けられません"


def read_part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_master(tmp_path_factory.mktemp("clean"))


def hostile_variants(master: Path, folder: Path) -> dict[str, Path]:
    actuals = sheet_part(master, "実績")
    secret = folder / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    sheet = read_part(master, actuals)
    return {
        "laughs": repack(
            master,
            folder / "laughs.xlsx",
            {"xl/workbook.xml": with_doctype(read_part(master, "xl/workbook.xml"), "laughs")},
        ),
        "external": repack(
            master, folder / "external.xlsx", {actuals: with_doctype(sheet, "external", secret)}
        ),
        "doctype": repack(
            master,
            folder / "doctype.xlsx",
            {"[Content_Types].xml": with_doctype(read_part(master, "[Content_Types].xml"), "plain")},
        ),
        "bomb": repack(master, folder / "bomb.xlsx", {actuals: zero_bomb(1024)}),  # 1 MB file, 1 GB part
        "liar": repack(master, folder / "liar.xlsx", {actuals: zero_bomb(1024, declared=len(sheet))}),
        "ratio": repack(master, folder / "ratio.xlsx", {actuals: zero_bomb(300)}),  # under the size limit
    }


@pytest.fixture(scope="module")
def variants(master: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return hostile_variants(master, tmp_path_factory.mktemp("hostile"))


def refused(capsys: pytest.CaptureFixture[str], args: list[str], path: Path) -> str:
    before = path.read_bytes()
    capsys.readouterr()
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, (args, err)
    assert REFUSED in err and path.name in err and "Traceback" not in err
    assert path.read_bytes() == before
    return err


@pytest.mark.parametrize("kind", ["laughs", "external", "doctype", "bomb", "liar", "ratio"])
@pytest.mark.parametrize("command", ["refresh", "validate", "report", "status", "export"])
def test_master_paths_refuse_hostile_packages(
    variants: dict[str, Path], kind: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = variants[kind]
    extra = ["--out", str(tmp_path / "out")] if command == "export" else []
    err = refused(capsys, [command, str(path), *extra], path)
    assert SECRET not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("kind", ["laughs", "bomb"])
def test_collect_refuses_a_hostile_master_and_a_hostile_returned_file(
    variants: dict[str, Path], master: Path, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(capsys, ["collect", str(variants[kind]), str(master)], variants[kind])
    mine = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    assert main(["distribute", str(mine), "--out", str(out), "--now", NOW]) == 0
    returned = sorted(out.glob("*.xlsx"))[0]
    part = sheet_part(returned, "実績")
    hostile = {"laughs": with_doctype(read_part(returned, part), "laughs"), "bomb": zero_bomb(1024)}[kind]
    repack(returned, returned, {part: hostile})
    before, sent = mine.read_bytes(), returned.read_bytes()
    capsys.readouterr()
    code = main(["collect", str(mine), str(returned), "--now", NOW])
    out_text = capsys.readouterr().out
    assert code == 1 and REFUSED in out_text and "Traceback" not in out_text  # reported as a refused file
    assert mine.read_bytes() == before and returned.read_bytes() == sent


def test_plan_workbooks_refuse_hostile_packages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "計画.xlsx"
    assert main(["plan", "template", str(plan)]) == 0
    part = sorted(n for n in zipfile.ZipFile(plan).namelist() if n.startswith("xl/worksheets/sheet"))[0]
    repack(plan, plan, {part: with_doctype(read_part(plan, part), "laughs")})
    refused(capsys, ["plan", "--plan", str(plan)], plan)
    refused(capsys, ["init", str(tmp_path / "m.xlsx"), "--plan", str(plan)], plan)
    assert not (tmp_path / "m.xlsx").exists()
    repack(plan, plan, {part: zero_bomb(1024)})
    refused(capsys, ["plan", "--plan", str(plan)], plan)


# A child's peak RSS starts at its parent's (Linux keeps the high-water mark across fork and exec) and pytest is
# large: a small launcher starts the command and reports the command's own peak (as bench/refresh.py does).
LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def test_a_zip_bomb_is_refused_quickly_with_little_memory(variants: dict[str, Path]) -> None:
    import os

    if not hasattr(os, "wait4"):
        pytest.skip("peak memory of one child process needs os.wait4 (POSIX)")
    assert variants["bomb"].stat().st_size < 2 * 1024 * 1024  # 1 MB on disk, 1 GB expanded
    for kind in ("bomb", "liar", "ratio"):
        began = time.monotonic()
        done = subprocess.run(
            [
                sys.executable,
                "-S",
                "-c",
                LAUNCHER,
                sys.executable,
                "-m",
                "kaikaku_xl.cli",
                "refresh",
                str(variants[kind]),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        peak_kb, code = done.stdout.split()
        assert int(code) == 2, done.stderr
        assert int(peak_kb) / 1024 < 300, (
            f"{kind}: {int(peak_kb) / 1024:.0f} MB"
        )  # before: 1.1 GB for the bomb
        assert time.monotonic() - began < 60


def test_a_clean_workbook_passes_and_lxml_never_expands(master: Path, variants: dict[str, Path]) -> None:
    check_package(master)  # the product's own workbook
    with pytest.raises(HostileWorkbook):
        check_package(variants["external"])
