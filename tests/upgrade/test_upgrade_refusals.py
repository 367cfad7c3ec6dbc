"""A master staff edited (a column renamed, rows or notes around a table, a sheet of their own named like a new
one) is upgraded, or refused naming the cell and what to do with the file untouched (never half-changed); a master
from a newer release is refused by every command, naming the release to install; the version survives openpyxl and
LibreOffice saves; and the schema comparison catches an upgrade step that is missing."""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from fixtures.releases.typing_inputs import INPUTS, add_user_sheet
from helpers.workbook import soffice_convert
from openpyxl import load_workbook
from upgrade.schema import lacking, schema, values

from kaikaku_xl.app.init import create_master
from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.cycle import SCHEMA_RELEASE_KEY, SCHEMA_VERSION_KEY
from kaikaku_xl.master.contract.upgrades import (
    SCHEMA_VERSION,
    UPGRADE_STEPS,
    AddColumns,
    AddTables,
    SyncValidations,
)
from kaikaku_xl.master.records import InfoEntry, read_records, write_records
from kaikaku_xl.master.upgrade.run import recorded_version
from kaikaku_xl.plan import load_plan
from kaikaku_xl.xlsx.file_engine import FileEngine
from kaikaku_xl.xlsx.saving import save_atomically

FIRST = Path(__file__).parents[1] / "fixtures" / "releases" / "2026-11-26_2898c4b" / "master.xlsx"
NOW = INPUTS["now"]


def _first(folder: Path) -> Path:
    path = folder / "master.xlsx"
    shutil.copyfile(FIRST, path)
    return path


def _refused(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The upgrade refuses (exit 2): the master byte for byte as it was, no backup; the message."""
    before = path.read_bytes()
    capsys.readouterr()
    assert main([*(args or ("upgrade", str(path))), "-q"]) == 2
    assert path.read_bytes() == before, "a refused upgrade changed the master"
    assert not (path.parent / "backup").exists()
    return capsys.readouterr().err


def _type(
    path: Path, sheet: str, cells: dict[tuple[int, int], object], resize: tuple[str, str] | None = None
) -> None:
    engine = FileEngine(path, backups=0)
    engine.patch_cells(sheet, cells)
    if resize:
        engine.resize_table(*resize)
    engine.commit()


def test_a_renamed_column_is_refused_naming_the_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _first(tmp_path)
    engine = FileEngine(path)
    table_part, sheet_part = engine.package.tables["Measures"].part, engine.package.sheets["指標"]
    engine.close()
    _type(path, "指標", {(3, 10): "メモ"})  # 備考 renamed, as Excel renames the table's column too
    with zipfile.ZipFile(path) as zf:
        table = zf.read(table_part).replace('name="備考"'.encode(), 'name="メモ"'.encode())
        sheet = zf.read(sheet_part)
    save_atomically(path, {table_part: table, sheet_part: sheet}, 0)
    message = _refused(path, capsys)
    assert "指標" in message and "J3" in message and "「備考」に戻して" in message


def test_notes_beside_a_table_are_refused_naming_the_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _first(tmp_path)
    _type(path, "指標", {(5, 12): "確認中"})  # L5: where 許容下限 of the Measures table would go
    message = _refused(path, capsys)
    assert "指標" in message and "L5" in message and "確認中" in message and "空けて" in message


def test_notes_below_the_settings_are_refused_naming_the_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _first(tmp_path)
    _type(path, "設定", {(16, 1): "メモ: 単価は令和8年度"})  # the 設定 table gains rows 15–24
    message = _refused(path, capsys)
    assert "設定" in message and "A16" in message and "行を追加" in message


def test_rows_typed_below_a_table_and_a_row_added_to_it_are_kept(tmp_path: Path) -> None:
    path = _first(tmp_path)
    _type(path, "取組項目", {(32, 1): "※ 職員のメモ"})  # below the Items table (A3:H30)
    _type(path, "指標", {(22, 3): "職員が足した行"}, resize=("Measures", "A3:J22"))
    before = values(path)
    assert main(["upgrade", str(path), "-q", "--now", NOW]) == 0
    after = values(path)
    assert after["取組項目"]["A32"] == "※ 職員のメモ" and after["指標"]["C22"] == "職員が足した行"
    assert all(after[s].get(ref) == v for s in ("取組項目", "指標") for ref, v in before[s].items())
    wb = load_workbook(path)
    assert wb["指標"].tables["Measures"].ref == "A3:N22"
    assert wb["取組項目"].tables["Items"].ref == "A3:L30"


@pytest.mark.parametrize("sheet", [c.SUBMISSIONS.sheet, c.SHEET_TREND, c.CHANGE_LOG.sheet])
def test_a_users_sheet_named_like_a_new_sheet_is_refused(
    sheet: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _first(tmp_path)
    add_user_sheet(path, sheet)
    message = _refused(path, capsys)
    assert f"シート「{sheet}」" in message and "名前を変えて" in message


def _newer(folder: Path) -> Path:
    path = folder / "master.xlsx"
    create_master(load_plan(), path, now=datetime.fromisoformat(NOW))
    engine = FileEngine(path, backups=0)
    info = [
        r for r in read_records(engine, InfoEntry) if r.key not in (SCHEMA_VERSION_KEY, SCHEMA_RELEASE_KEY)
    ]
    info += [InfoEntry(SCHEMA_VERSION_KEY, str(SCHEMA_VERSION + 1)), InfoEntry(SCHEMA_RELEASE_KEY, "9.9.0")]
    write_records(engine, InfoEntry, info)
    engine.commit()
    return path


COMMANDS = (
    ("upgrade",),
    ("upgrade", "--dry-run"),
    ("refresh",),
    ("validate",),
    ("report", "--json"),
    ("export", "--out", "{out}"),
    ("status",),
    ("distribute", "--out", "{out}"),
    ("collect", "{out}"),
    ("close-year", "--year", "2026", "--reason", "x"),
    ("reopen-year", "--year", "2026", "--reason", "x"),
    (
        "revise",
        "--measure",
        "8-1",
        "--target",
        "60",
        "--from-year",
        "2028",
        "--reason",
        "x",
        "--date",
        "2027-03-15",
    ),
)


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(cmd) for cmd in COMMANDS])
def test_a_master_from_a_newer_release_is_refused_by_every_command(
    command: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _newer(tmp_path)
    args = [a.replace("{out}", str(tmp_path / "out")) for a in command]
    message = _refused(path, capsys, args[0], str(path), *args[1:])
    assert "kaikaku-xl 9.9.0 以降をインストール" in message
    assert not (tmp_path / "out").exists()


def test_the_version_survives_openpyxl_and_libreoffice_saves(tmp_path: Path) -> None:
    path = tmp_path / "master.xlsx"
    create_master(load_plan(), path, now=datetime.fromisoformat(NOW))
    wb = load_workbook(path)
    wb.save(tmp_path / "openpyxl.xlsx")
    saved = [tmp_path / "openpyxl.xlsx"]
    if shutil.which("soffice"):
        saved.append(soffice_convert(path, "xlsx", tmp_path / "lo", tmp_path / "profile"))
    for copy in saved:
        engine = FileEngine(copy)
        assert recorded_version(engine)[0] == SCHEMA_VERSION, copy.name
        engine.close()
        capture = main(["upgrade", str(copy), "-q"])
        assert capture == 0
    if len(saved) == 1:
        pytest.skip("LibreOffice not installed: the openpyxl save alone was checked")


def test_the_schema_comparison_catches_a_missing_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new column declared in the contract without its step: an upgraded master lacks it, and the fixtures'
    test (lacking) says which."""
    fresh = tmp_path / "fresh.xlsx"
    create_master(load_plan(), fresh, now=datetime.fromisoformat(NOW))
    dropped = AddColumns("Measures", ("aggregation",))
    assert dropped in UPGRADE_STEPS
    monkeypatch.setattr(
        "kaikaku_xl.master.upgrade.run.UPGRADE_STEPS", tuple(s for s in UPGRADE_STEPS if s != dropped)
    )
    path = _first(tmp_path)
    assert main(["upgrade", str(path), "-q", "--now", NOW]) == 0
    found = lacking(schema(path), schema(fresh), set())
    assert any("Measures" in line and "集計" in line for line in found), found


def test_a_new_input_table_gets_the_rows_of_a_new_master(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a later step adding an input sheet does (one line: AddTables((name,)) and SyncValidations(name)):
    shown with 進捗状況 taken out of a master, as if a release before it had built it."""
    fresh = tmp_path / "fresh.xlsx"
    create_master(load_plan(), fresh, now=datetime.fromisoformat(NOW))
    old = tmp_path / "old" / "master.xlsx"
    old.parent.mkdir()
    wb = load_workbook(fresh)
    del wb[c.STATUS.sheet]
    wb.save(old)
    steps = (*UPGRADE_STEPS, AddTables((c.STATUS.name,)), SyncValidations(c.STATUS.name))
    monkeypatch.setattr("kaikaku_xl.master.upgrade.run.UPGRADE_STEPS", steps)
    monkeypatch.setattr("kaikaku_xl.master.upgrade.run.SCHEMA_VERSION", len(steps))  # as the contract counts
    assert main(["upgrade", str(old), "-q", "--now", NOW]) == 0
    assert lacking(schema(old), schema(fresh), set()) == []
    got, want = values(old)[c.STATUS.sheet], values(fresh)[c.STATUS.sheet]
    assert {k: v for k, v in got.items() if k[0] in "ABC"} == {k: v for k, v in want.items() if k[0] in "ABC"}
    assert load_workbook(old)[c.STATUS.sheet].tables[c.STATUS.name].ref == "A3:H138"


def test_a_missing_defined_name_is_added_with_a_new_masters_value(tmp_path: Path) -> None:
    path = tmp_path / "master.xlsx"
    shutil.copyfile(FIRST.parents[1] / "2026-12-07_4ce04b2" / "master.xlsx", path)
    with zipfile.ZipFile(path) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
    start = workbook.index('<definedName name="kaikaku_sample"')
    end = workbook.index("</definedName>", start) + len("</definedName>")
    save_atomically(path, {"xl/workbook.xml": (workbook[:start] + workbook[end:]).encode()}, 0)
    assert "kaikaku_sample" not in load_workbook(path).defined_names
    assert main(["upgrade", str(path), "-q", "--now", NOW]) == 0
    assert load_workbook(path).defined_names["kaikaku_sample"].attr_text == "FALSE"
