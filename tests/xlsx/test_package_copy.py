"""Unchanged parts are copied as their compressed bytes; a backup is judged by its end record and its bytes."""

from __future__ import annotations

import zipfile
from pathlib import Path

from helpers.workbook import make_master

from kaikaku_xl.xlsx.saving import ends_as_zip, opens_as_zip
from kaikaku_xl.xlsx.zipcopy import rewrite_package


def _raw(zf: zipfile.ZipFile, name: str) -> bytes:
    """A part's compressed bytes as stored (after its local header)."""
    info = zf.getinfo(name)
    with open(zf.filename, "rb") as handle:
        handle.seek(info.header_offset + 26)
        name_length, extra_length = (
            int.from_bytes(handle.read(2), "little"),
            int.from_bytes(handle.read(2), "little"),
        )
        handle.seek(name_length + extra_length, 1)
        return handle.read(info.compress_size)


def test_unchanged_parts_keep_their_bytes_and_replaced_ones_change(tmp_path: Path) -> None:
    source = make_master(tmp_path)
    target = tmp_path / "out.xlsx"
    with zipfile.ZipFile(source) as zf:
        names = zf.namelist()
        replaced_name = "xl/workbook.xml"
        new_xml = zf.read(replaced_name).replace(b"<workbook", b"<!-- x --><workbook", 1)
        streamed = next(n for n in names if n.startswith("xl/worksheets/sheet"))
    rewrite_package(source, target, {replaced_name: new_xml, streamed: iter([b"<a>", b"</a>"])})
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target) as new:
        assert new.testzip() is None  # every CRC right
        assert new.namelist() == names  # order kept
        for name in names:
            if name in (replaced_name, streamed):
                continue
            assert new.read(name) == old.read(name)
            assert _raw(new, name) == _raw(old, name), name  # not inflated and deflated again
            assert new.getinfo(name).compress_type == old.getinfo(name).compress_type
        assert new.read(replaced_name) == new_xml
        assert new.read(streamed) == b"<a></a>"


def test_rewrite_from_an_open_zip_leaves_it_open_for_the_caller(tmp_path: Path) -> None:
    source = make_master(tmp_path)
    target = tmp_path / "out.xlsx"
    with zipfile.ZipFile(source) as zf:
        rewrite_package(zf, target, {})
        assert zf.read("xl/workbook.xml")  # still open
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target) as new:
        assert all(new.read(n) == old.read(n) for n in old.namelist())


def test_the_end_record_check_refuses_truncated_and_overwritten_files(tmp_path: Path) -> None:
    source = make_master(tmp_path)
    data = source.read_bytes()
    cases = {
        "whole.xlsx": (data, True),
        "half.xlsx": (data[: len(data) // 2], False),
        "short_tail.xlsx": (data[:-10], False),
        "no_directory.xlsx": (data[: len(data) - 200] + data[-22:], False),
        "garbage.xlsx": (b"staff's own notes" * 100, False),
        "empty.xlsx": (b"", False),
    }
    for name, (content, valid) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        assert ends_as_zip(path) is valid, name
        assert opens_as_zip(path) is valid, name  # the same verdict as opening it whole
    assert not ends_as_zip(tmp_path / "missing.xlsx")
