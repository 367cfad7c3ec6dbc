"""Runs tests/excel/xlwings_book in its own pytest process: the xlwings engine on xlwings' book model and xlwings Server.

xlwings fixes its mode when first imported (server decorators, remote book model, licence key), so those tests
cannot share this process, which imports xlwings in its plain mode. This test starts a fresh interpreter with
KAIKAKU_XLWINGS_BOOK=1 and XLWINGS_LICENSE_KEY=noncommercial (PolyForm Noncommercial: permitted for a government
institution) and fails with that run's output if any of its tests fails or none ran.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SUITE = REPO / "tests" / "excel" / "xlwings_book"
EXPECTED_AT_LEAST = (
    6  # the book-model tests; the xlwings Server tests add to this when xlwings-server is installed
)


@pytest.mark.slow
def test_xlwings_book_and_server_suite_passes_in_its_own_process() -> None:
    env = {**os.environ, "KAIKAKU_XLWINGS_BOOK": "1", "XLWINGS_LICENSE_KEY": "noncommercial"}
    env.pop("XLWINGS_ON_SERVER", None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "ignore::DeprecationWarning",
            str(SUITE),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = run.stdout[-6000:] + run.stderr[-3000:]
    assert run.returncode == 0, output
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed and int(passed.group(1)) >= EXPECTED_AT_LEAST, output
    assert " failed" not in run.stdout and " error" not in run.stdout, output


def test_the_server_refuses_a_process_where_xlwings_is_in_plain_mode() -> None:
    """This process imported xlwings without XLWINGS_ON_SERVER: serving from it would register no functions."""
    import pytest
    import xlwings  # noqa: F401

    from kaikaku_xl.excel.server import ServerSetupError, configure

    environ: dict[str, str] = {}
    with pytest.raises(ServerSetupError, match="kaikaku serve"):
        configure(environ)
    assert environ == {}
