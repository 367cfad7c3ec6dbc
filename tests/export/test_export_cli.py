"""`kaikaku export` on a refreshed master: every output agrees with `kaikaku report --json` of the same file;
stdout names the files written, stderr shows the phases (as every command does) and the warnings."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers.workbook import make_master

from kaikaku_xl.rounding import percent_points

PHASE = re.compile(r"^(?P<name>[^:：]+): (?P<counts>.*)（\d+\.\d 秒）$")
PHASES = ["読み込み", "計算", "資料の組み立て", "書き込み"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", *args], capture_output=True, text=True, env=env, timeout=400
    )


def phases(stderr: str) -> dict[str, str]:
    """The phase lines of stderr (name -> counts); every other line is a warning (注意)."""
    lines = stderr.splitlines()
    assert all(PHASE.match(line) or line.startswith("注意: ") for line in lines), lines
    return {m["name"]: m["counts"] for m in map(PHASE.match, lines) if m}


def results_only(stdout: str, out: Path) -> None:
    """stdout is one 書き出しました line per file of the folder, and nothing else."""
    written = [line.removeprefix("書き出しました: ") for line in stdout.splitlines()]
    assert all(line.startswith("書き出しました: ") for line in stdout.splitlines()), stdout
    assert sorted(written) == sorted(str(p) for p in out.iterdir())


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_master(tmp_path_factory.mktemp("export"))


def test_export_outputs_equal_the_report(master: Path, tmp_path: Path) -> None:
    report = json.loads(run("report", str(master), "--json").stdout)
    result = run("export", str(master), "--out", str(tmp_path), "--now", "2026-06-01T10:00:00")
    assert result.returncode == 0, result.stderr
    results_only(result.stdout, tmp_path)  # the progress is shown on stderr, never among the results
    seen = phases(result.stderr)
    assert list(seen) == PHASES
    assert seen["書き込み"] == ("4 ファイル" if shutil.which("soffice") else "3 ファイル")
    csv = pd.read_csv(
        tmp_path / "kaikaku_2026_opendata.csv", dtype={"全国地方公共団体コード": str}, encoding="utf-8-sig"
    )
    assert list(csv.columns[:3]) == ["全国地方公共団体コード", "ID", "地方公共団体名"]
    assert set(csv["全国地方公共団体コード"]) == {"082368"}
    by_name = csv.set_index("指標名")
    for m in report["measures"]:
        row = by_name.loc[m["name"]]
        assert row["評価"] == m["grade"]
        if m["progress"] is not None:
            assert float(row["進捗率"]) == percent_points(m["progress"])
    html = (tmp_path / "kaikaku_2026_report.html").read_text(encoding="utf-8")
    assert f'data-value="{report["effects"]["cumulative"]}"' in html
    if shutil.which("soffice"):
        pdf = tmp_path / "kaikaku_2026_report.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert f"{report['effects']['cumulative']:,}" in text


def test_export_is_reproducible_with_source_date_epoch(master: Path, tmp_path: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1780000000"}
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = run("export", str(master), "--out", str(out), env=env)
        assert result.returncode == 0, result.stderr
        # the manifest lists the PDF's checksum, and LibreOffice stamps each PDF: both left out
        outputs.append({p.name: p.read_bytes() for p in out.iterdir() if p.suffix not in (".pdf", ".json")})
    assert outputs[0] == outputs[1] and len(outputs[0]) == 3


def test_export_without_libreoffice_still_writes_the_rest(master: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # python only: no soffice on the PATH
    result = run("export", str(master), "--out", str(tmp_path), env=env)
    assert result.returncode == 0
    assert "LibreOffice" in result.stderr
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [
        ".csv",
        ".html",
        ".json",
        ".xlsx",
    ]  # .json: manifest


def test_export_phases_go_to_stderr_and_results_to_stdout(master: Path, tmp_path: Path) -> None:
    """Like every command: the phases on stderr, silent with -q; stdout the same files either way."""
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # no soffice: the fast path without a PDF
    loud = run("export", str(master), "--out", str(tmp_path / "loud"), env=env)
    quiet = run("export", str(master), "--out", str(tmp_path / "quiet"), "-q", env=env)
    assert (loud.returncode, quiet.returncode) == (0, 0), loud.stderr + quiet.stderr
    results_only(loud.stdout, tmp_path / "loud")
    results_only(quiet.stdout, tmp_path / "quiet")
    seen = phases(loud.stderr)
    assert list(seen) == PHASES
    assert re.fullmatch(r"\d+ 表・\d+ 図", seen["資料の組み立て"]) and seen["書き込み"] == "3 ファイル"
    warnings = [line for line in loud.stderr.splitlines() if line.startswith("注意: ")]
    assert len(warnings) == 1 and "LibreOffice" in warnings[0]
    assert quiet.stderr.splitlines() == warnings  # -q silences the progress, not the warnings
