"""A % measure's value typed as a person types it, in LibreOffice, reaches report --json as the points meant
(issue #20, "A percentage typed as a percentage is published as one hundredth of itself").

The real commands run as processes: init --sample, distribute, then a department's file is typed through
LibreOffice's keyboard-entry dispatch (helpers/typing_uno.py) and saved by LibreOffice, collect, report --json.
The oracle for grades is the same master with the meant points written as plain numbers.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers.cycle import col_of, department_file, row_of
from helpers.processes import cli, cli_json
from helpers.typing_uno import skip_reason, type_cells
from openpyxl import load_workbook

pytestmark = [pytest.mark.slow, pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason()))]

YEAR = 2026
NOW = "2026-06-01T10:00:00"
DEPT = (
    "行革デジタル推進課"  # leads items 12 (12-1 例規見直し率, 0% → 100%) and 26 (26-1 セキュリティ研修受講率)
)
REVIEW = (12, "例規見直し率", "12-1")
TRAINING = (26, "セキュリティ研修受講率", "26-1")


@pytest.fixture(scope="module")
def distributed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("typed")
    master = folder / "master.xlsx"
    assert cli("init", "--sample", str(master)).returncode == 0
    run = cli("distribute", str(master), "--out", str(folder / "out"), "--now", NOW)
    assert run.returncode == 0, run.stderr[-2000:]
    return master, department_file(folder / "out", DEPT)


@pytest.fixture()
def copies(distributed: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    master, returned = distributed
    return (
        Path(shutil.copy2(master, tmp_path / master.name)),
        Path(shutil.copy2(returned, tmp_path / returned.name)),
    )


def year_cell(path: Path, sheet: str, item: int, name: str) -> str:
    ws = load_workbook(path)[sheet]
    return ws.cell(row=row_of(ws, No=item, 指標名=name), column=col_of(ws, f"{YEAR}年度")).coordinate


def measures(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in report["measures"]}


def oracle(
    master: Path,
    tmp_path: Path,
    points: dict[tuple[int, str, str], float],
    plan_cells: dict[tuple[str, str], float] | None = None,
) -> dict[str, Any]:
    """report --json of the master with the meant points written as plain numbers (what the person meant);
    plan_cells: (sheet, A1 cell) of the master -> points."""
    plain = Path(shutil.copy2(master, tmp_path / "oracle.xlsx"))
    wb = load_workbook(plain)
    ws = wb["実績"]
    for (item, name, _), value in points.items():
        ws.cell(row=row_of(ws, No=item, 指標名=name), column=col_of(ws, f"{YEAR}年度"), value=value)
    for (sheet, ref), value in (plan_cells or {}).items():
        wb[sheet][ref] = value
    wb.save(plain)
    return measures(cli_json("report", str(plain)))


@pytest.mark.parametrize(
    ("review_typed", "training_typed"),
    [("15%", "95%"), ("15", "95"), ("１５％", "９５％")],
    ids=["with-percent-sign", "plain-number", "zenkaku"],
)
def test_both_habits_reach_the_report_as_points(
    copies: tuple[Path, Path], tmp_path: Path, review_typed: str, training_typed: str
) -> None:
    master, returned = copies
    meant = oracle(master, tmp_path, {REVIEW: 15, TRAINING: 95})
    cells = [year_cell(returned, "実績", *REVIEW[:2]), year_cell(returned, "実績", *TRAINING[:2])]
    typed = type_cells(returned, [("実績", cells[0], review_typed), ("実績", cells[1], training_typed)])
    assert [t.outcome for t in typed] == ["written", "written"]
    collected = cli_json("collect", str(master), str(returned), "--now", NOW)
    assert not collected["refused"] and not collected["conflicts"]
    assert not [p for p in collected["problems"] if p["cell"] in cells]
    got = measures(cli_json("report", str(master)))
    for measure_id in (REVIEW[2], TRAINING[2]):
        assert got[measure_id]["actual"] == meant[measure_id]["actual"]
        assert got[measure_id]["grade"] == meant[measure_id]["grade"]
        assert got[measure_id]["progress"] == meant[measure_id]["progress"]
    assert got[REVIEW[2]]["actual"] == 15 and got[TRAINING[2]]["actual"] == 95
    # 95 of a kept 100%: 達成率 0.95, graded B (not C as when 95% was read as 0.95 points)
    assert got[TRAINING[2]]["attainment"] == pytest.approx(0.95) and got[TRAINING[2]]["grade"] == "B"


def test_an_ambiguous_value_is_warned_in_collects_report_naming_the_cell(copies: tuple[Path, Path]) -> None:
    """0.15 in a General cell may be 0.15% or 15% (the fraction habit): read as typed, warned at collect."""
    master, returned = copies
    cell = year_cell(returned, "実績", *REVIEW[:2])
    type_cells(returned, [("実績", cell, "0.15")])
    run = cli("collect", str(master), str(returned), "--now", NOW)
    assert run.returncode == 0, run.stderr[-2000:]
    (line,) = [x for x in run.stdout.splitlines() if f"実績!{cell}" in x and "0.15%" in x]
    assert "[警告]" in line and "15%" in line.replace("0.15%", "")
    collected = cli_json(
        "collect", str(master), str(returned), "--now", NOW
    )  # again: already applied, still said
    assert [p for p in collected["problems"] if p["cell"] == cell and "15% の意味" in p["message"]]


def test_the_jump_warning_of_a_percent_measure_speaks_of_percent(copies: tuple[Path, Path]) -> None:
    master, returned = copies
    cell = year_cell(returned, "実績", *REVIEW[:2])
    type_cells(returned, [("実績", cell, "0.15")])
    collected = cli_json("collect", str(master), str(returned), "--now", NOW)
    jumps = [p for p in collected["problems"] if p["cell"] == cell and "倍を超えて" in p["message"]]
    assert jumps and all("円" not in p["action"] and "95%" in p["action"] for p in jumps)


def test_typed_into_the_masters_inputs(copies: tuple[Path, Path], tmp_path: Path) -> None:
    """The coordinator types into the master: 年度実績 and 年度目標 of % measures (the 指標's 目標値 is locked:
    plan values change through `revise`)."""
    master, _ = copies
    wb = load_workbook(master)
    ms = wb["指標"]
    target = ms.cell(row=row_of(ms, ID=REVIEW[2]), column=col_of(ms, "目標値")).coordinate
    plans = wb["年度目標"]
    planned = plans.cell(
        row=row_of(plans, No=REVIEW[0], 指標名=REVIEW[1]), column=col_of(plans, f"{YEAR}年度")
    ).coordinate
    meant = oracle(master, tmp_path, {REVIEW: 15, TRAINING: 95}, {("年度目標", planned): 20})
    typed = type_cells(
        master,
        [
            ("実績", year_cell(master, "実績", *REVIEW[:2]), "15"),
            ("実績", year_cell(master, "実績", *TRAINING[:2]), "95%"),
            ("指標", target, "80%"),
            ("年度目標", planned, "２０％"),
        ],
    )
    assert [t.outcome for t in typed] == ["written", "written", "locked", "written"]
    assert cli("refresh", str(master), "--now", NOW).returncode == 0
    report = cli_json("report", str(master))
    got = measures(report)
    keys = ("actual", "target", "planned", "progress", "grade")
    for measure_id in (REVIEW[2], TRAINING[2]):
        assert [got[measure_id][k] for k in keys] == [meant[measure_id][k] for k in keys]
    assert got[TRAINING[2]]["actual"] == 95
    assert (got[REVIEW[2]]["target"], got[REVIEW[2]]["year_planned"]) == (100, 20)
    assert not [
        p for p in report["problems"] if "%" in p["message"] and p["sheet"] in ("実績", "指標", "年度目標")
    ]


def test_a_percent_cell_of_the_master_round_trips_through_a_department(tmp_path: Path) -> None:
    """The coordinator typed 95% in the master (a percent cell now); the department sees 95 and types 90."""
    master = tmp_path / "master.xlsx"
    assert cli("init", "--sample", str(master)).returncode == 0
    cell = year_cell(master, "実績", *TRAINING[:2])
    (typed,) = type_cells(master, [("実績", cell, "95%")])
    assert typed.value == pytest.approx(0.95) and "%" in typed.number_format
    run = cli("distribute", str(master), "--out", str(tmp_path / "out"), "--now", NOW)
    assert run.returncode == 0, run.stderr[-2000:]
    returned = department_file(tmp_path / "out", DEPT)
    ws = load_workbook(returned)["実績"]
    sent = ws[year_cell(returned, "実績", *TRAINING[:2])]
    assert sent.value == 95 and sent.number_format == "General"  # the points, not 0.95 in a plain cell
    type_cells(returned, [("実績", sent.coordinate, "90")])
    collected = cli_json("collect", str(master), str(returned), "--now", NOW)
    assert not collected["conflicts"] and not collected["refused"]
    assert not [p for p in collected["problems"] if p["cell"] in (cell, sent.coordinate)]
    report = cli_json("report", str(master))
    assert measures(report)[TRAINING[2]]["actual"] == 90
    assert not [p for p in report["problems"] if p["cell"] == cell]
