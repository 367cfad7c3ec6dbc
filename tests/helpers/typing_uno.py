"""Type into a workbook through LibreOffice as a person does (issue #20, "How to test it as a person would").

`type_cells(path, [("実績", "F5", "95%"), ...])` starts soffice headless with a private profile on a free port,
lets the system python (which has `import uno`; the venv has not) run uno_typist.py: each cell is typed through
Calc's keyboard-entry dispatch `.uno:EnterString`, its validation rule applied as the dialog would, locked cells of
protected sheets reported instead of typed into, and the book saved back as .xlsx by LibreOffice. soffice is
stopped by its pid (its process group when it does not stop).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
TYPIST = Path(__file__).with_name("uno_typist.py")


def has_uno() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=60)
    return probe.returncode == 0


def skip_reason() -> str | None:
    """Why typing through LibreOffice cannot run here (None: it can)."""
    if shutil.which("soffice") is None:
        return "LibreOffice not installed (./dev test installs it)"
    if not has_uno():
        return "python3-uno not installed for /usr/bin/python3 (./dev test installs it)"
    return None


def require_typing() -> None:
    reason = skip_reason()
    if reason:
        pytest.skip(reason)


@dataclass(frozen=True)
class TypedResult:
    sheet: str
    cell: str
    typed: str
    outcome: str  # written | refused (a stop rule of the cell's validation) | locked (protected, not typed)
    message: str  # the validation's message the person saw ("" when none)
    content: str  # what the cell holds afterwards: EMPTY | VALUE | TEXT | FORMULA
    value: float | None  # the number stored (None for text or empty)
    shown: str  # the text the cell shows
    number_format: str  # the cell's number format afterwards


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop this soffice by its pid; its whole process group (only its own, started in a new session) if it hangs."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)


def type_cells(path: Path, cells: list[tuple[str, str, str]], timeout: float = 240) -> list[TypedResult]:
    """Type `text` into each (sheet, A1 cell, text) of the .xlsx at `path` through LibreOffice and save it there.

    A run that failed before saving (soffice slow to start on a busy machine, the bridge lost) is tried once more
    with a fresh soffice: the file is untouched until LibreOffice saves it.
    """
    require_typing()
    failure = ""
    for _ in range(2):
        done, failure = _type_once(Path(path), cells, timeout)
        if done is not None:
            return done
        if "SAVED" in failure:
            break
        print(f"typing_uno: trying once more after: {failure[-1000:]}", file=sys.stderr)
    raise AssertionError(f"typing through LibreOffice failed:\n{failure[-3000:]}")


def _type_once(
    path: Path, cells: list[tuple[str, str, str]], timeout: float
) -> tuple[list[TypedResult] | None, str]:
    with tempfile.TemporaryDirectory(prefix="kaikaku-typing-") as tmp:
        work = Path(tmp)
        port = free_port()
        soffice = shutil.which("soffice") or "soffice"
        proc = subprocess.Popen(
            [
                soffice,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                f"--accept=socket,host=127.0.0.1,port={port};urp;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stop() never touches anything else
        )
        try:
            job = work / "job.json"
            out = work / "result.json"
            job.write_text(
                json.dumps({"port": port, "path": str(path.resolve()), "cells": cells}),
                encoding="utf-8",
            )
            try:
                run = subprocess.run(
                    [SYSTEM_PYTHON, str(TYPIST), str(job), str(out)],
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                )
            except subprocess.TimeoutExpired as exc:
                return None, f"timed out after {timeout:g} s: {exc.stderr!r}"
            # results are written only once LibreOffice has saved the file: a crash while closing it after that
            # (seen once in CI: the UNO bridge's exit -11) does not undo what was typed and saved
            if not out.exists():
                return None, f"exit {run.returncode}, soffice {proc.poll()}:\n{run.stderr}"
            results = json.loads(out.read_text(encoding="utf-8"))
        finally:
            stop(proc)
    return [TypedResult(**r) for r in results], ""
