"""The cycle's records: one frozen type per table whose fields are its TableSpec's column keys, read and written by
key; the one change log (refusals and conflicts logged once, with its title); the 提出状況 rows built by key."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers.cycle import change_log
from helpers.workbook import make_master
from openpyxl import load_workbook

from kaikaku_xl.cycle.status import DepartmentStatus, submission_rows
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.records import (
    RECORD_TYPES,
    STAMP,
    ChangeLog,
    ClosedYear,
    DistributedValue,
    Distribution,
    read_records,
    timestamp,
    write_records,
)
from kaikaku_xl.master.titles import TITLES
from kaikaku_xl.xlsx.file_engine import FileEngine


@pytest.mark.parametrize("kind", RECORD_TYPES, ids=lambda kind: kind.__name__)
def test_each_record_has_the_columns_of_its_table_in_order(kind: type) -> None:
    assert [f.name for f in dataclasses.fields(kind)] == [col.key for col in kind.spec.columns]
    assert kind.spec in c.CYCLE_TABLES


def test_every_cycle_table_but_the_revisions_has_a_record_type() -> None:
    typed = {kind.spec.name for kind in RECORD_TYPES}
    assert typed == {t.name for t in c.CYCLE_TABLES} - {c.REVISIONS.name}


def test_records_are_frozen() -> None:
    record = ClosedYear(2026, "2026-06-01 10:00:00", "tester", "F1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.year = 2027


def test_records_are_written_by_key_and_read_back_as_written(tmp_path: Path) -> None:
    """Whole floats are written as int, blanks (None, "", spaces) as empty cells; columns found by header."""
    master = make_master(tmp_path, sample=False)
    rows = [
        Distribution("D1", "人事課", 2026.0, "2026-06-01 10:00:00", "", "a.xlsx", "F1"),
        Distribution(
            "D2",
            " 財政課 ",
            2026,
            "2026-06-01 10:00:00",
            "2026-06-30",
            "b.xlsx",
            "F2",
            "x",
            None,
            " 山田 ",
            "0480123456",
        ),
    ]
    values = [
        DistributedValue("D1", "Actuals", "2-1", "y2026", 1.5),
        DistributedValue("D1", "Status", "1/2026", "status", "  "),
    ]
    engine = FileEngine(master)
    with engine.writing("テスト"):
        write_records(engine, Distribution, rows)
        write_records(engine, DistributedValue, values)
        engine.commit()
    engine.close()
    ws = load_workbook(master)[c.DISTRIBUTIONS.sheet]
    header = [cell.value for cell in ws[c.DISTRIBUTIONS.anchor_row]]
    assert header == c.DISTRIBUTIONS.headers
    second = [cell.value for cell in ws[c.DISTRIBUTIONS.anchor_row + 2]]
    assert second == [
        *("D2", "財政課", 2026, "2026-06-01 10:00:00", "2026-06-30", "b.xlsx", "F2", "x", None),
        *("山田", "0480123456", None),  # the contact as text: a phone number keeps its leading 0
    ]
    engine = FileEngine(master)
    read = read_records(engine, Distribution)
    assert [r.distribution_id for r in read] == ["D1", "D2"]
    assert read[0].due in (None, "") and read[0].collected_at in (None, "")
    assert [(v.row_key, v.value) for v in read_records(engine, DistributedValue)] == [
        ("2-1", 1.5),
        ("1/2026", None),
    ]
    engine.close()


def test_the_change_log_logs_a_refusal_once_and_writes_its_title(tmp_path: Path) -> None:
    master = make_master(tmp_path, sample=False)
    engine = FileEngine(master)
    with engine.writing("テスト"):
        log = ChangeLog.read(engine, "2026-06-01 10:00:00")
        for _ in range(2):
            log.add(
                c.LOG_REFUSED,
                "読み取り専用",
                department="人事課",
                file="a.xlsx",
                sheet="実績",
                cell="E4",
                new=3.0,
            )
            log.add(
                c.LOG_APPLIED, "取込元 実績!E5", department="人事課", sheet="実績", cell="E5", old=1, new=2
            )
            log.add(c.LOG_REOPEN, "2026年度の締めを解除しました。")
        assert log.added == 5
        log.write(engine)
        engine.commit()
    engine.close()
    lines = change_log(master)
    assert [line["種別"] for line in lines] == ["拒否", "適用", "締め解除", "適用", "締め解除"]
    assert lines[0]["変更後"] == 3 and lines[0]["日時"] == "2026-06-01 10:00:00"
    ws = load_workbook(master)[c.CHANGE_LOG.sheet]
    assert (ws["A1"].value, ws["A2"].value) == TITLES[c.CHANGE_LOG.name]
    engine = FileEngine(master)
    again = ChangeLog.read(engine, "2026-06-02 09:00:00")
    engine.close()
    again.add(
        c.LOG_REFUSED, "読み取り専用", department="人事課", file="a.xlsx", sheet="実績", cell="E4", new=3
    )
    assert again.added == 0  # logged before, by an earlier run


def test_one_timestamp_format() -> None:
    from datetime import datetime

    assert timestamp(datetime(2026, 6, 1, 10, 0, 5)) == "2026-06-01 10:00:05"
    assert STAMP == "%Y-%m-%d %H:%M:%S"


def test_submission_rows_follow_the_columns_of_the_contract() -> None:
    status = DepartmentStatus("人事課", 2026, "2026-06-01 10:00:00", None, None, ["実績 No.2「人件費」"], [])
    (row,) = submission_rows([status])
    by_header = dict(zip(c.SUBMISSIONS.headers, row, strict=True))
    assert by_header == {
        "主要担当課": "人事課",
        "年度": 2026,
        "配布日時": "2026-06-01 10:00:00",
        "提出期限": "",
        "回収日時": "",
        "回収済": "未",
        "未入力数": 1,
        "未入力": "実績 No.2「人件費」",
        "記述の不足": "",
        "確認": "未回収",  # issue 23: 未回収 / 回収済 / 差戻し / 確定
        "確定・差戻し": "",
    }
