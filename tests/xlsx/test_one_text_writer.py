"""Every openpyxl writer of the product sets a cell's value through xlsx.textcell.put_value (issue 21, finding 6),
so that no text becomes a formula: a value set any other way (ws["A1"] = …, ws.cell(…, value=…), cell.value = …)
is found in the source. The xlwings engine gives Excel its values through textcell.typed_value."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "kaikaku_xl"
DIRECT = re.compile(r"\.cell\([^)]*\bvalue=|\bws\[[^\]]+\]\s*=(?!=)|\.value\s*=(?!=)")
# the helper itself; the xlwings engine sets ranges of an open book (through typed_value, pinned below)
EXEMPT = {"xlsx/textcell.py", "excel/engine.py"}


def test_no_writer_sets_a_cell_value_but_through_put_value() -> None:
    found = [
        f"{path.relative_to(SRC)}:{n}: {line.strip()}"
        for path in sorted(SRC.rglob("*.py"))
        if str(path.relative_to(SRC)) not in EXEMPT
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DIRECT.search(line) and not line.lstrip().startswith("#")
    ]
    assert found == []


def test_the_xlwings_engine_types_every_value_it_sets() -> None:
    source = (SRC / "excel" / "engine.py").read_text(encoding="utf-8")
    sets = [line.strip() for line in source.splitlines() if re.search(r"\.value\s*=(?!=)", line)]
    assert sets and all("typed_value" in line or "body" in line for line in sets)
    assert "typed_value(plain(v))" in source  # the table body


def test_the_check_finds_direct_writes() -> None:
    for line in ('ws["A1"] = name', "ws.cell(row=1, column=2, value=x)", "target.value = text"):
        assert DIRECT.search(line)
    for line in ("put_value(ws.cell(row=1, column=2), x)", "if cell.value == x:", "rows[key] = value"):
        assert not DIRECT.search(line)
