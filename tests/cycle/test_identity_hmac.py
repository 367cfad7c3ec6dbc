"""The identity of a department file is keyed with a secret kept in the master (issue #21 item 4): HMAC-SHA256 of
the distribution's fields, so it cannot be made from what a file holds; files distributed before the master had a
secret keep being accepted (with a note), and the next distribute gives the master one."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from helpers.cycle import DEPT, NOW, actual_in, department_file, fill_as_personnel_section, run_json
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.cli.program import main
from kaikaku_xl.cycle import distribute as distribute_module
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.cycle import IDENTITY_SECRET_KEY
from kaikaku_xl.master.records import keyed_fingerprint


def _info(master: Path) -> dict[str, str]:
    ws = load_workbook(master)[c.CYCLE_INFO.sheet]
    return {r[0]: r[1] for r in ws.iter_rows(min_row=c.CYCLE_INFO.anchor_row + 1, values_only=True) if r[0]}


def _identity(path: Path) -> dict[str, str]:
    ws = load_workbook(path)[c.IDENTITY.sheet]
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}


def _set_identity(path: Path, key: str, value: str) -> None:
    wb = load_workbook(path)
    for row in wb[c.IDENTITY.sheet].iter_rows():
        if row[0].value == key:
            row[1].value = value
    wb.save(path)


def _distributions(master: Path) -> list[list[object]]:
    ws = load_workbook(master)[c.DISTRIBUTIONS.sheet]
    return [list(r) for r in ws.iter_rows(min_row=c.DISTRIBUTIONS.anchor_row + 1, values_only=True) if r[0]]


@pytest.fixture
def distributed(tmp_path: Path) -> tuple[Path, Path]:
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    assert main(["distribute", str(master), "--out", str(out), "--now", NOW]) == 0
    return master, out


def test_the_fingerprint_is_keyed_with_the_masters_secret(distributed: tuple[Path, Path]) -> None:
    master, out = distributed
    secret = _info(master)[IDENTITY_SECRET_KEY]
    assert len(secret) == 64
    path = department_file(out, DEPT)
    ident = _identity(path)
    expected = keyed_fingerprint(
        secret, ident["master_id"], ident["distribution_id"], ident["department"], int(ident["year"])
    )
    assert ident["fingerprint"] == expected
    other_secret = keyed_fingerprint(
        "0" * 64, ident["master_id"], ident["distribution_id"], ident["department"], int(ident["year"])
    )
    assert other_secret != expected  # what anyone without the master's secret would compute
    with zipfile.ZipFile(path) as zf:  # the secret never leaves the master
        assert not any(secret.encode() in zf.read(n) for n in zf.namelist())


def test_a_record_forged_in_the_master_without_the_secret_is_refused(
    distributed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone with the master edits 配布記録 and a department file to a fingerprint of their own: the keyed
    fingerprint does not verify, and the file is refused whole."""
    master, out = distributed
    path = department_file(out, DEPT)
    fill_as_personnel_section(path)
    forged = "K" + "1" * 31
    _set_identity(path, "fingerprint", forged)
    wb = load_workbook(master)
    ws = wb[c.DISTRIBUTIONS.sheet]
    column = [cell.value for cell in ws[c.DISTRIBUTIONS.anchor_row]].index("フィンガープリント") + 1
    for row in range(c.DISTRIBUTIONS.anchor_row + 1, ws.max_row + 1):
        if ws.cell(row=row, column=2).value == DEPT:
            ws.cell(row=row, column=column, value=forged)
    wb.save(master)
    code, report = run_json(capsys, "collect", str(master), str(path), "--now", NOW)
    assert code == 1 and report["applied"] == []
    assert "一致しません" in report["refused"][0]["reason"]


def _legacy(master: str, distribution: str, department: str, year: int, snapshot: object = None) -> str:
    payload = json.dumps([master, distribution, department, year, []], ensure_ascii=False)
    return "F" + hashlib.sha256(payload.encode()).hexdigest()[:15]


def test_files_distributed_before_the_secret_are_accepted_and_the_next_distribute_makes_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    master = make_master(tmp_path, sample=False)
    out = tmp_path / "配布"
    with monkeypatch.context() as old:  # the distribute of a version without secrets
        old.setattr(distribute_module, "identity_secret", lambda info: "")
        old.setattr(distribute_module, "fingerprint", lambda s, *fields: _legacy(*fields))
        assert main(["distribute", str(master), "--out", str(out), "--now", NOW]) == 0
    assert IDENTITY_SECRET_KEY not in _info(master)
    path = department_file(out, DEPT)
    assert _identity(path)["fingerprint"].startswith("F")
    fill_as_personnel_section(path)
    code, report = run_json(capsys, "collect", str(master), str(path), "--now", NOW)
    assert (
        len(report["applied"]) == 5 and actual_in(master, 2, "人件費（会計年度任用職員以外）") == 4012345678
    )
    note = [p for p in report["problems"] if p["sheet"] == c.IDENTITY.sheet]
    assert note and note[0]["severity"] == "警告" and note[0]["file"] == path.name

    assert main(["distribute", str(master), "--out", str(tmp_path / "次"), "--now", NOW, "--force"]) == 0
    assert len(_info(master)[IDENTITY_SECRET_KEY]) == 64
    assert all(str(r[6]).startswith("K") for r in _distributions(master)[-6:])
