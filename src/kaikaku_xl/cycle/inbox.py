"""The returned files of a collect: every file given or in a folder given is taken, or listed as not taken with
the reason and what to do (nothing in the 回収 folder is passed over without a word).

.xlsx and .xlsm are read in any letter case; .ods (LibreOffice's own 「名前を付けて保存」) is converted to .xlsx by
LibreOffice itself where it is installed (headless, a private profile, a time limit), else refused with what to
do. Excel's and LibreOffice's lock files and hidden files are listed as skipped, without failing the collect.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.xlsx.safezip import not_a_regular_file

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")  # read as they are (compared in lower case)
ODS = ".ods"
CONVERT_SECONDS = 180  # one .ods converted by LibreOffice

SAVE_AS_XLSX = "Excel で開き「名前を付けて保存」で「Excel ブック (.xlsx)」を選んで保存し直してください。"
SAVE_AS_XLSX_LO = "LibreOffice で開き「名前を付けて保存」でファイルの種類に「Excel 2007-365 (.xlsx)」を選んで保存し直してください。"
_NOT_RETURNED = "返送されたファイルでなければ、回収フォルダーから移してください。"


@dataclass
class Inbox:
    files: list[Path] = field(default_factory=list)  # taken, in order
    skipped: list[dict[str, Any]] = field(default_factory=list)  # file, reason, action, blocking


def _unreadable(path: Path) -> tuple[str, str] | None:
    """(reason, what to do) for a file collect cannot take by its kind; None when it can."""
    suffix = path.suffix.lower()
    if suffix in (*WORKBOOK_SUFFIXES, ODS):
        return None
    if not suffix:
        return "拡張子がありません", "Excel ブックなら名前の末尾に .xlsx を付けてください。" + _NOT_RETURNED
    if suffix in (".xls", ".xlsb"):
        return f"Excel ブック (.xlsx) ではありません（{suffix} 形式）", SAVE_AS_XLSX
    if suffix in (".csv", ".txt"):
        return (
            f"配布した Excel ブックではありません（{suffix}）",
            "配布した .xlsx に入力して返送してもらってください。",
        )
    return f"Excel ブックではありません（拡張子 {path.suffix}）", _NOT_RETURNED


def _skip(inbox: Inbox, path: Path, reason: str, action: str, blocking: bool = True) -> None:
    inbox.skipped.append({"file": path.name, "reason": reason, "action": action, "blocking": blocking})


def _folder_entry(inbox: Inbox, path: Path) -> None:
    name = path.name
    if name.startswith("~$") or name.startswith(".~lock."):
        _skip(
            inbox,
            path,
            "Excel・LibreOffice が開いている間のロックファイルです（読みません）",
            "元のファイルを閉じ忘れていないか確認してください。",
            blocking=False,
        )
    elif name.startswith("."):
        _skip(inbox, path, "隠しファイルです（読みません）", "", blocking=False)
    elif path.is_dir():
        _skip(inbox, path, "フォルダーです（中のファイルは読みません）", "", blocking=False)
    else:
        _file_entry(inbox, path)


def _file_entry(inbox: Inbox, path: Path) -> None:
    why = not_a_regular_file(path)
    if why:
        _skip(inbox, path, why, _NOT_RETURNED)
        return
    unreadable = _unreadable(path)
    if unreadable:
        _skip(inbox, path, *unreadable)
    else:
        inbox.files.append(path)


def list_returned(paths: list[Path]) -> Inbox:
    """Every file given, and every entry of every folder given: taken or skipped with why."""
    inbox = Inbox()
    for path in paths:
        if path.is_dir():
            for entry in sorted(path.iterdir(), key=lambda p: p.name):
                _folder_entry(inbox, entry)
        elif path.exists() or path.is_symlink():
            _file_entry(inbox, path)
        else:
            raise WorkbookError(f"ファイルが見つかりません: {path}")
    return inbox


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run(command: list[str]) -> None:
    """Run LibreOffice with a time limit; on timeout its whole process group is ended (soffice starts soffice.bin,
    which a kill of the first process alone would leave running), on Windows the process itself."""
    posix = os.name == "posix"
    proc = subprocess.Popen(  # noqa: S603 (our own command line)
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=posix
    )
    try:
        proc.wait(timeout=CONVERT_SECONDS)
    except subprocess.TimeoutExpired:
        if posix:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        proc.wait()
        raise


def convert_ods(path: Path, workdir: Path) -> Path:
    """An .ods as an .xlsx converted by LibreOffice (headless, a private profile in `workdir`, a time limit).
    Raises WorkbookError naming the file and what to do when it cannot be."""
    program = soffice()
    if program is None:
        raise WorkbookError(
            f"{path.name} は LibreOffice の形式（.ods）で、この環境には変換する LibreOffice がありません。"
            + SAVE_AS_XLSX_LO
        )
    out = Path(tempfile.mkdtemp(prefix="ods_", dir=workdir))
    profile = (workdir / "profile").resolve()
    command = [
        program,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(out),
        str(path.resolve()),
    ]
    try:
        _run(command)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise WorkbookError(
            f"{path.name}（.ods）を .xlsx に変換できませんでした（{exc}）。" + SAVE_AS_XLSX_LO
        ) from None
    produced = out / (path.stem + ".xlsx")
    if not produced.is_file():
        raise WorkbookError(f"{path.name}（.ods）を .xlsx に変換できませんでした。" + SAVE_AS_XLSX_LO)
    return produced
