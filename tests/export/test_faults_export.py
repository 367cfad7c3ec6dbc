"""Exports: one run's set per folder (old or new, never mixed), a manifest with checksums and the master's
fingerprint, staff's files kept, bad targets and years refused in Japanese."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from helpers.workbook import FIXED_NOW, make_master

from kaikaku_xl.app.export import export_from_engine
from kaikaku_xl.cli.program import main
from kaikaku_xl.errors import ExportError
from kaikaku_xl.export.atomic import sha256_of
from kaikaku_xl.master.load import load
from kaikaku_xl.xlsx.file_engine import FileEngine

NOW = datetime.fromisoformat(FIXED_NOW)


def fake_pdf(tag: str):  # noqa: ANN201
    """Stands in for LibreOffice/Excel (tens of seconds per PDF here): a file that says which run made it."""

    def render(xlsx: Path, pdf: Path) -> None:
        pdf.write_bytes(b"%PDF-1.4 " + tag.encode() + b" " + xlsx.name.encode())

    return render


def export(master: Path, out: Path, renderer=None, year: int | None = None):  # noqa: ANN001, ANN201
    engine = FileEngine(master)
    try:
        return export_from_engine(
            engine, out, master_path=master, now=NOW, year=year, pdf_renderer=renderer or fake_pdf("A")
        )
    finally:
        engine.close()


def check_set(out: Path, year: int = 2026) -> dict:
    """The folder's year set is exactly its manifest's: same names, same SHA-256."""
    manifest = json.loads((out / f"kaikaku_{year}_manifest.json").read_text(encoding="utf-8"))
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    present = {p.name for p in out.iterdir() if p.name.startswith(f"kaikaku_{year}_")} - {
        f"kaikaku_{year}_manifest.json"
    }
    assert present == set(listed), (present, set(listed))
    for name, digest in listed.items():
        assert sha256_of(out / name) == digest, name
    return manifest


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_master(tmp_path_factory.mktemp("faults_export"))


def test_manifest_lists_the_set_with_checksums_and_the_master(master: Path, tmp_path: Path) -> None:
    out = tmp_path / "出力"
    result = export(master, out)
    manifest = check_set(out)
    assert {f["name"] for f in manifest["files"]} == {
        "kaikaku_2026_report.xlsx",
        "kaikaku_2026_report.pdf",
        "kaikaku_2026_report.html",
        "kaikaku_2026_opendata.csv",
    }
    assert manifest["master"]["sha256"] == sha256_of(master)
    assert manifest["master"]["name"] == master.name
    engine = FileEngine(master)
    assert manifest["master"]["fingerprint"] == load(engine).fingerprint
    engine.close()
    assert result.manifest == out / "kaikaku_2026_manifest.json" and all(
        p.parent == out for p in result.paths
    )
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kaikaku-") and p.is_dir()]


def test_a_failing_second_run_leaves_the_first_set_whole(master: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export(master, out, fake_pdf("first"))
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def crash(xlsx: Path, pdf: Path) -> None:
        pdf.write_bytes(b"%PDF half")
        raise KeyboardInterrupt  # the user stops it half-way (not an Exception: nothing turns it into a warning)

    with pytest.raises(KeyboardInterrupt):
        export(master, out, crash)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kaikaku-new")]


def test_a_pdf_that_fails_this_time_leaves_no_older_pdf(master: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export(master, out, fake_pdf("first"))

    def broken(xlsx: Path, pdf: Path) -> None:
        raise RuntimeError("Excel がありません")

    result = export(master, out, broken)
    assert result.pdf is None and result.warnings
    assert not (out / "kaikaku_2026_report.pdf").exists()
    check_set(out)


def test_staff_files_and_other_years_are_kept(master: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export(master, out, year=2027)
    (out / "メモ.txt").write_text("説明会の原稿", encoding="utf-8")
    (out / "参考").mkdir()
    (out / "参考" / "図.png").write_bytes(b"png")
    export(master, out, fake_pdf("B"))
    export(master, out, fake_pdf("C"))
    assert (out / "メモ.txt").read_text(encoding="utf-8") == "説明会の原稿"
    assert (out / "参考" / "図.png").read_bytes() == b"png"
    check_set(out, 2027)
    assert b" C " in (out / "kaikaku_2026_report.pdf").read_bytes()
    check_set(out, 2026)


def test_a_kill_between_the_two_renames_is_recovered(master: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export(master, out, fake_pdf("old"))
    parked = tmp_path / ".kaikaku-old-out-abcd1234"
    out.rename(parked)  # exactly what a kill after the first rename leaves
    (tmp_path / ".kaikaku-new-out-efgh5678").mkdir()
    (tmp_path / ".kaikaku-new-out-efgh5678" / "kaikaku_2026_report.pdf").write_bytes(b"new")
    export(master, out, fake_pdf("next"))
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["out"]
    assert b"next" in (out / "kaikaku_2026_report.pdf").read_bytes()
    check_set(out)


def test_output_target_that_is_a_file_is_refused_in_japanese(
    master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "資料.pdf"
    target.write_bytes(b"someone's file")
    assert main(["export", str(master), "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "フォルダーではなく" in err and "Errno" not in err
    assert target.read_bytes() == b"someone's file"
    assert main(["export", str(master), "--out", str(target / "sub")]) == 2
    err = capsys.readouterr().err
    assert "フォルダーではなくファイル" in err and "Errno" not in err and "NotADirectory" not in err
    with pytest.raises(ExportError):
        export(master, target)


@pytest.mark.parametrize("year", ["1900", "2031", "0", "99999"])
def test_export_year_outside_the_plan_is_refused(
    master: Path, tmp_path: Path, year: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["export", str(master), "--out", str(out), "--year", year]) == 2
    err = capsys.readouterr().err
    assert "期間外" in err and "2025〜2030" in err and "昭和" not in err
    assert not out.exists()


def test_cli_export_prints_the_manifest(master: Path, tmp_path: Path) -> None:
    env_path = str(Path(sys.executable).parent)  # no soffice: the fast path without a PDF
    result = subprocess.run(
        [sys.executable, "-m", "kaikaku_xl.cli", "export", str(master), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        env={"PATH": env_path},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "kaikaku_2026_manifest.json" in result.stdout
    assert check_set(tmp_path / "o")["files"]
