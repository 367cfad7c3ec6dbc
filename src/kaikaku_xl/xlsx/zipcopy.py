"""Writing a new package from the old one part by part: the parts a writer owns replaced (or streamed, or
dropped), every other part copied as its compressed bytes, in the same order with the same compression.

Copying raw bytes keeps what openpyxl would drop (drawings, VBA, forms) and spares inflating and deflating a
workbook with thousands of charts.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path

REMOVED = b"\0kaikaku:remove-part"  # a value in `replaced` that drops the part (no XML part looks like this)


def rewrite_package(
    source: Path | zipfile.ZipFile,
    target: io.BufferedIOBase | Path,
    replaced: dict[str, bytes | Iterable[bytes]],
) -> None:
    """Copy `source` (a path, or an open zip the caller closes) to `target` part by part, replacing the parts in
    `replaced` (REMOVED drops one; an iterable of bytes is streamed into the part); order and compression kept.
    Unchanged parts are copied as their compressed bytes (a workbook with 10,000 charts is not inflated and
    deflated again)."""
    with contextlib.ExitStack() as stack:
        zin = source if isinstance(source, zipfile.ZipFile) else stack.enter_context(zipfile.ZipFile(source))
        zout = stack.enter_context(zipfile.ZipFile(target, "w"))
        _copy_parts(zin, zout, replaced)


def _copy_parts(
    zin: zipfile.ZipFile, zout: zipfile.ZipFile, replaced: dict[str, bytes | Iterable[bytes]]
) -> None:
    for info in zin.infolist():
        data = replaced.get(info.filename)
        if isinstance(data, bytes) and data == REMOVED:
            continue
        if data is None and copy_raw(zin, zout, info):
            continue
        if data is None or isinstance(data, bytes):
            zout.writestr(
                info, zin.read(info.filename) if data is None else data, compress_type=info.compress_type
            )
            continue
        out_info = zipfile.ZipInfo(info.filename, info.date_time)
        out_info.compress_type = info.compress_type
        out_info.external_attr, out_info.create_system = info.external_attr, info.create_system
        with zout.open(out_info, "w") as dst:  # an owned sheet stays far below zip64 sizes (2 GB)
            for chunk in data:
                dst.write(chunk)
    present = set(zin.namelist())
    for name, data in replaced.items():  # new parts (add_tables.py): bytes only, after the others
        if name not in present and isinstance(data, bytes) and data != REMOVED:
            zout.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's own layout of a local file header (30 bytes)


LOCAL_SIGNATURE = b"PK\x03\x04"  # what starts a local file header (APPNOTE.TXT 4.3.7)


_RAW_CHUNK = 1 << 20


def copy_raw(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Copy one part's compressed bytes unchanged (with its CRC and sizes); False where only a plain copy will do
    (encrypted, zip64, or a local header that does not match: then the caller inflates and deflates).

    zipfile has no public raw copy: this writes the local header and data the way ZipFile.writestr does
    (same attributes: fp, start_dir, filelist, NameToInfo), kept to parts far below zip64 sizes, into a zip
    opened for writing ("w": its central directory is written on close) that has no part of that name yet.
    """
    if (
        info.flag_bits & 0x1
        or max(info.compress_size, info.file_size, info.header_offset) >= zipfile.ZIP64_LIMIT
        or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        or zout.mode != "w"
        or info.filename in zout.NameToInfo
    ):
        return False
    fp = zin.fp
    if fp is None or zout.fp is None or getattr(zout, "_writing", False):
        return False
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size:
        return False
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != LOCAL_SIGNATURE:
        return False
    name_length, extra_length = fields[-2], fields[-1]
    if fp.read(name_length) != info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437"):
        return False
    fp.seek(extra_length, os.SEEK_CUR)
    out = copy.copy(info)
    out.flag_bits &= ~0x08  # sizes and CRC in the local header: no data descriptor after the data
    out.header_offset = zout.fp.tell()
    zout.fp.write(out.FileHeader(False))
    left = info.compress_size
    while left:
        chunk = fp.read(min(left, _RAW_CHUNK))
        if not chunk:
            raise zipfile.BadZipFile(f"{info.filename}: 圧縮データが途中で終わっています")
        zout.fp.write(chunk)
        left -= len(chunk)
    zout.filelist.append(out)
    zout.NameToInfo[out.filename] = out
    zout.start_dir = zout.fp.tell()
    return True
