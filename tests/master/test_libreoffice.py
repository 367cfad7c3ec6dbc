"""The master as a real spreadsheet program sees it: LibreOffice opens, renders and re-saves it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.workbook import add_user_content, make_master, soffice_convert

from kaikaku_xl.app.refresh import refresh
from kaikaku_xl.app.report import report_from_file
from kaikaku_xl.xlsx.file_engine import FileEngine

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice not installed (./dev test installs it)"
)


def test_refreshed_master_renders_in_libreoffice(tmp_path: Path) -> None:
    master = make_master(tmp_path)
    pdf = soffice_convert(master, "pdf", tmp_path / "pdf", tmp_path / "profile")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    report = report_from_file(master)
    assert "小美玉市行革・DX推進計画" in text
    cumulative = f"{report.effects.cumulative:,}円"
    assert cumulative in text  # the yen format renders in LibreOffice as in Excel
    assert "評価結果（指標別）" in text and "定員管理の適正化" in text


def test_a_master_saved_by_libreoffice_refreshes_to_the_same_figures(tmp_path: Path) -> None:
    """LibreOffice rewrites every part its own way (shared strings, styles); refresh must still work on it."""
    master = make_master(tmp_path)
    before = report_from_file(master)
    saved = soffice_convert(master, "xlsx", tmp_path / "lo", tmp_path / "profile")
    refresh(FileEngine(saved, backups=0))
    after = report_from_file(saved)
    assert after.measures == before.measures
    assert after.effects == before.effects
    # and LibreOffice opens what refresh wrote
    pdf = soffice_convert(saved, "pdf", tmp_path / "pdf2", tmp_path / "profile")
    assert pdf.stat().st_size > 10_000


def test_user_content_survives_refresh_as_libreoffice_sees_it(tmp_path: Path) -> None:
    master = add_user_content(make_master(tmp_path))
    refresh(FileEngine(master, backups=0))
    pdf = soffice_convert(master, "pdf", tmp_path / "pdf", tmp_path / "profile")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "件数" in text and "評価結果（指標別）" in text
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert len(images.strip().splitlines()) >= 3  # header lines + the user's picture
