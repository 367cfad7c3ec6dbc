"""A corpus of hostile workbooks, made by the tests, run through refresh, validate and collect. For each: the
master is the old file or a new intact one, staff's input sheets keep every value, no traceback, a Japanese
message, exit 2 where the file is refused (and then nothing changed)."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.cycle import NOW, department_file
from helpers.hostile import repack, sheet_part, with_doctype, zero_bomb
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.master import contract as c

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
INPUT_SHEETS = ("実績", c.STATUS.sheet, c.LEDGER.sheet, "設定")


def bomb(path: Path) -> None:
    repack(path, path, {sheet_part(path, "実績"): zero_bomb(1024)})


def entities(path: Path) -> None:
    part = sheet_part(path, "実績")
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part)
    repack(path, path, {part: with_doctype(xml, "laughs")})


def edited(change: Callable) -> Callable[[Path], None]:  # type: ignore[type-arg]
    def apply(path: Path) -> None:
        wb = load_workbook(path)
        change(wb["実績"])
        wb.save(path)

    return apply


def deleted_table(ws) -> None:  # noqa: ANN001  (Excel's 「範囲に変換」: the cells stay, the table goes)
    del ws.tables[next(iter(ws.tables))]


CORPUS: dict[str, tuple[Callable[[Path], None], bool]] = {  # name: (make hostile, refused whole)
    "zip bomb": (bomb, True),
    "entities": (entities, True),
    "deleted table": (edited(deleted_table), True),
    "merged cells": (edited(lambda ws: ws.merge_cells("A4:A6")), False),
    "uncalculated formula": (edited(lambda ws: ws.__setitem__("E4", "=2*3")), True),
    "1 MB string": (edited(lambda ws: ws.__setitem__("E5", "長" * 1_000_000)), False),
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", *args], capture_output=True, text=True, timeout=300
    )


def input_values(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path, read_only=True)
    return {name: [tuple(r) for r in wb[name].iter_rows(values_only=True)] for name in INPUT_SHEETS}


def intact(path: Path) -> bool:
    with zipfile.ZipFile(path) as zf:
        return zf.testzip() is None


def check_outcome(result: subprocess.CompletedProcess[str], refused: bool) -> None:
    said = result.stdout + result.stderr
    assert "Traceback" not in said and result.returncode != 3, said
    assert JAPANESE.search(said), said
    if refused:
        assert result.returncode == 2, said


@pytest.mark.parametrize("name", list(CORPUS))
def test_refresh_and_validate_on_a_hostile_master(tmp_path: Path, name: str) -> None:
    make_hostile, refused = CORPUS[name]
    path = make_master(tmp_path)
    make_hostile(path)
    before = path.read_bytes()
    inputs = None if refused else input_values(path)
    check_outcome(run("validate", str(path)), refused)
    assert path.read_bytes() == before  # validate never writes
    check_outcome(result := run("refresh", str(path)), refused)
    if result.returncode == 2:
        assert path.read_bytes() == before
    else:
        assert intact(path) and input_values(path) == inputs  # new, whole, staff's inputs all kept


@pytest.fixture(scope="module")
def distributed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("cycle")
    master = make_master(folder, sample=False)
    assert run("distribute", str(master), "--out", str(folder / "配布"), "--now", NOW).returncode == 0
    return master, department_file(folder / "配布", "人事課")


@pytest.mark.parametrize("name", list(CORPUS))
def test_collect_of_a_hostile_returned_file(
    distributed: tuple[Path, Path], tmp_path: Path, name: str
) -> None:
    clean_master, clean_returned = distributed
    master, returned = tmp_path / "master.xlsx", tmp_path / clean_returned.name
    master.write_bytes(clean_master.read_bytes())
    returned.write_bytes(clean_returned.read_bytes())
    make_hostile, refused = CORPUS[name]
    make_hostile(returned)
    before, sent = master.read_bytes(), returned.read_bytes()
    inputs = input_values(master)
    result = run("collect", str(master), str(returned), "--now", NOW)
    check_outcome(result, False)  # a refused returned file is reported (exit 1), the rest goes on
    assert returned.read_bytes() == sent  # collect never writes the file it reads
    if refused and name != "deleted table":  # found by its headers: a converted range is still read
        assert result.returncode == 1 and master.read_bytes() == before, result.stdout
    if master.read_bytes() != before:
        assert intact(master)
        after = input_values(master)
        for sheet in INPUT_SHEETS:  # only the cells collect applies may change: never a row lost
            assert len(after[sheet]) >= len(inputs[sheet]), sheet
