"""A refresh process does the least work: it never imports xlwings, the exports, the server or openpyxl.

openpyxl alone takes longer to import than a city master takes to read with calamine; the fast reader and the
package writer need none of it (openpyxl stays the reference reader and the builder of new masters).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers.workbook import make_master

NOT_FOR_REFRESH = (
    "xlwings",
    "xlwings_server",
    "fastapi",
    "uvicorn",
    "openpyxl",
    "PIL",
    "kaikaku_udfs",
    "kaikaku_xl.udfs",
    "kaikaku_xl.export",
    "kaikaku_xl.excel",
    "kaikaku_xl.master.builder",
)

SCRIPT = """
import json, sys
from kaikaku_xl.cli import main
code = main(["refresh", sys.argv[1], "-q"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_refresh_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    path = make_master(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    loaded = [m for m in result["modules"] if any(m == p or m.startswith(p + ".") for p in NOT_FOR_REFRESH)]
    assert loaded == []
    assert "python_calamine" in result["modules"]  # the fast reader did the reading
