"""Masters built by the earlier releases of this repository (tests/fixtures/releases, built by build.py with each
release's own CLI) upgrade to this release in place: every input cell and every part the upgrade does not own stay
as they were; they gain every sheet, table, column, validation and name a new master has (this is the test that
fails when a change to the contract comes without its upgrade step); their report equals that of a new master
given the same inputs and the same cycle; a second upgrade changes nothing and --dry-run changes nothing at all."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fixtures.releases.build import CLOSE_REASON, RELEASES
from fixtures.releases.typing_inputs import INPUTS, USER_SHEET, type_master_inputs, type_returned
from openpyxl import load_workbook
from upgrade.schema import lacking, parts, recorded, schema, values

from kaikaku_xl.app.init import create_master
from kaikaku_xl.cli.program import main
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.cycle import SCHEMA_RELEASE_KEY, SCHEMA_VERSION_KEY
from kaikaku_xl.master.contract.upgrades import RELEASE, SCHEMA_VERSION, UPGRADE_STEPS, RenameHeaders
from kaikaku_xl.plan import load_plan
from kaikaku_xl.xlsx.package import inspect

FIXTURES = Path(__file__).parents[1] / "fixtures" / "releases"
NOW = INPUTS["now"]
# The sheets whose parts the upgrade rewrites (cells added around the inputs, never over them) and the lists of
# parts; every other part of an old master stays byte for byte.
UPGRADED_SHEETS = {
    t.sheet
    for t in (
        c.SETTINGS,
        c.ITEMS,
        c.MEASURES,
        c.STATUS,
        c.LEDGER,
        c.REVISIONS,
        c.SUBMISSIONS,
        *c.CYCLE_TABLES,
    )
} | {"実績", "年度目標"}
LISTS = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/calcChain.xml"}
OUTPUT_TABLES = {t.name for t in c.Layout(years=[2025], plan_years=[2026]).outputs}
# A closed year recorded by a release before checksums (a6858ef) is reported, rightly, as such (an 情報 line).
OLD_RECORD = "チェックサムを記録する前に"


def _owned_parts(path: Path) -> set[str]:
    package = inspect(path)
    owned = {package.sheets[s] for s in UPGRADED_SHEETS if s in package.sheets}
    return owned | {t.part for t in package.tables.values() if t.sheet in UPGRADED_SHEETS}


def _copy(release: str, folder: Path) -> Path:
    path = folder / "master.xlsx"
    shutil.copyfile(FIXTURES / release / "master.xlsx", path)
    return path


def _upgrade(path: Path, *extra: str) -> int:
    return main(["upgrade", str(path), "-q", "--now", NOW, *extra])


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fresh") / "master.xlsx"
    create_master(load_plan(), path, now=datetime.fromisoformat(NOW))
    return path


RELEASE_IDS = [folder for folder, _, _ in RELEASES]


def _renamed_headers() -> dict[str, str]:
    """{earlier header: current header} of every RenameHeaders step: the one change an upgrade makes to a cell."""
    layout = c.Layout(years=[2025], plan_years=[2026])
    return {
        old: layout.table(step.table).column(key).header
        for step in UPGRADE_STEPS
        if isinstance(step, RenameHeaders)
        for key in step.keys
        for old in layout.table(step.table).column(key).also
    }


@pytest.mark.parametrize("release", RELEASE_IDS)
def test_upgrade_keeps_every_input_cell_and_every_part_it_does_not_own(release: str, tmp_path: Path) -> None:
    path = _copy(release, tmp_path)
    before_parts, before_values = parts(path), values(path)
    assert _upgrade(path) == 0
    after_parts, after_values = parts(path), values(path)
    owned = LISTS | _owned_parts(path)
    changed = [n for n, data in before_parts.items() if n not in owned and after_parts.get(n) != data]
    assert changed == [], f"parts the upgrade does not own changed: {changed}"
    renamed = _renamed_headers()
    for sheet, cells in before_values.items():
        kept = {
            ref: after_values[sheet].get(ref) for ref in cells
        }  # 変更履歴: its lines go below the old ones
        expected = {ref: renamed.get(value, value) for ref, value in cells.items()}  # declared header renames
        assert kept in (cells, expected), f"cells of {sheet} changed"
    assert USER_SHEET in after_values and any(n.startswith("xl/media/") for n in after_parts)
    assert list((tmp_path / "backup").glob("master.*.xlsx")), "no backup of the master"
    assert recorded(path) == {SCHEMA_VERSION_KEY: str(SCHEMA_VERSION), SCHEMA_RELEASE_KEY: RELEASE}


@pytest.mark.parametrize("release", RELEASE_IDS)
def test_upgrade_gains_every_sheet_table_column_validation_and_name_of_a_new_master(
    release: str, tmp_path: Path, fresh: Path
) -> None:
    path = _copy(release, tmp_path)
    assert _upgrade(path) == 0
    want = schema(fresh)
    assert lacking(schema(path), want, OUTPUT_TABLES) == []
    assert main(["refresh", str(path), "-q", "--now", NOW]) == 0  # the output tables' columns are refresh's
    assert lacking(schema(path), want, set()) == []


def _replay_cycle(master: Path, work: Path) -> None:
    """distribute, the returned file, revise and close-year of build.py, with this release's commands."""
    assert (
        main(["distribute", str(master), "-q", "--out", str(work / "dist"), "--year", "2026", "--now", NOW])
        == 0
    )
    item = INPUTS["returned"]["department_of_item"]
    wb = load_workbook(master, read_only=True)
    lead = next(str(r[6]) for r in wb["取組項目"].iter_rows(min_row=4, values_only=True) if r[0] == item)
    wb.close()
    sent = next(p for p in sorted((work / "dist").glob("*.xlsx")) if lead in p.name)
    returned = work / "returned" / sent.name
    returned.parent.mkdir()
    shutil.copyfile(sent, returned)
    type_returned(returned)
    assert main(["collect", str(master), "-q", str(returned), "--now", NOW]) == 0
    assert main(["revise", str(master), "-q", *INPUTS["revision"], "--now", NOW]) == 0
    year = str(INPUTS["close_year"])
    assert (
        main(["close-year", str(master), "-q", "--year", year, "--reason", CLOSE_REASON, "--now", NOW]) == 0
    )


def _report(path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    capsys.readouterr()
    assert main(["report", str(path), "-q", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("release", "commands"), [(folder, commands) for folder, _, commands in RELEASES])
def test_upgraded_master_reports_as_a_new_master_with_the_same_inputs(
    release: str, commands: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _copy(release, tmp_path)
    assert _upgrade(old) == 0
    new = tmp_path / "new" / "master.xlsx"
    create_master(load_plan(), new, now=datetime.fromisoformat(NOW))
    type_master_inputs(new)
    if commands:
        _replay_cycle(new, tmp_path)
    got, want = _report(old, capsys), _report(new, capsys)
    # the only difference allowed: a year closed by a release that recorded no checksum says so
    got["problems"] = [p for p in got["problems"] if OLD_RECORD not in p["message"]]
    assert got == want


@pytest.mark.parametrize("release", RELEASE_IDS)
def test_a_second_upgrade_changes_nothing_and_dry_run_changes_nothing_at_all(
    release: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _copy(release, tmp_path)
    original = path.read_bytes()
    capsys.readouterr()
    assert _upgrade(path, "--dry-run") == 0
    listed = capsys.readouterr().out
    assert "--dry-run" in listed and "変更していません" in listed
    assert path.read_bytes() == original, "--dry-run changed the master"
    assert not (tmp_path / "backup").exists(), "--dry-run made a backup"
    assert _upgrade(path) == 0
    done = capsys.readouterr().out
    assert [line for line in listed.splitlines() if line.startswith("  - ")] == [
        line for line in done.splitlines() if line.startswith("  - ")
    ], "--dry-run listed other changes than the upgrade made"
    upgraded = path.read_bytes()
    assert _upgrade(path) == 0
    assert "変更はありません" in capsys.readouterr().out
    assert path.read_bytes() == upgraded, "the second upgrade changed the master"
    assert main(["refresh", str(path), "-q", "--now", NOW]) == 0
    assert "更新しました（元の版" not in capsys.readouterr().err  # refresh finds nothing left to upgrade
