"""Hostile workbooks made by the tests from real ones: XML with entity declarations, zip bombs (honest, lying and
by ratio), written by hand where zipfile would refuse to write them (a declared size that is not the real one)."""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

MB = 1 << 20


@dataclass
class RawPart:
    """A part as stored: compressed bytes, method, the expanded size the zip declares and its CRC."""

    raw: bytes
    method: int
    size: int
    crc: int


def deflated(data: bytes) -> RawPart:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return RawPart(c.compress(data) + c.flush(), zipfile.ZIP_DEFLATED, len(data), zlib.crc32(data))


def zero_bomb(megabytes: int, declared: int | None = None) -> RawPart:
    """A deflate stream of `megabytes` MB of zeros, about 1 KB per MB (a 1,024 MB part is a 1 MB file).

    Built from one compressed megabyte: after a full flush the encoder's output for the same input repeats."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = c.compress(bytes(MB)) + c.flush(zlib.Z_FULL_FLUSH)
    raw = one * megabytes + c.flush()
    crc = 0
    zeros = bytes(MB)
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    return RawPart(raw, zipfile.ZIP_DEFLATED, megabytes * MB if declared is None else declared, crc)


def repack(source: Path, target: Path, replace: dict[str, bytes | RawPart]) -> Path:
    """`source`'s parts in order, some replaced (bytes: deflated; RawPart: stored exactly as given)."""
    with zipfile.ZipFile(source) as zf:
        parts = [
            (info.filename, replace.get(info.filename) or zf.read(info.filename)) for info in zf.infolist()
        ]
    entries = [(name, data if isinstance(data, RawPart) else deflated(data)) for name, data in parts]
    write_zip(target, entries)
    return target


def write_zip(target: Path, entries: list[tuple[str, RawPart]]) -> None:
    """A zip written field by field (zipfile checks the declared sizes; a hostile file does not)."""
    with open(target, "wb") as out:
        central = []
        for name, part in entries:
            encoded = name.encode("utf-8")
            offset = out.tell()
            out.write(
                struct.pack(
                    "<4sHHHHHIIIHH",
                    b"PK\x03\x04",
                    20,
                    0x800,
                    part.method,
                    0,
                    0x21,
                    part.crc,
                    len(part.raw),
                    part.size,
                    len(encoded),
                    0,
                )
            )
            out.write(encoded)
            out.write(part.raw)
            central.append(
                struct.pack(
                    "<4sHHHHHHIIIHHHHHII",
                    b"PK\x01\x02",
                    20,
                    20,
                    0x800,
                    part.method,
                    0,
                    0x21,
                    part.crc,
                    len(part.raw),
                    part.size,
                    len(encoded),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + encoded
            )
        start = out.tell()
        for record in central:
            out.write(record)
        size = out.tell() - start
        out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))


LAUGHS = b"""<!DOCTYPE lolz [
 <!ENTITY lol "lollollollollollollollollollol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
]>
"""
SECRET = "ひみつの内容-XXE"


def with_doctype(xml: bytes, kind: str, secret_file: Path | None = None) -> bytes:
    """The part with a DOCTYPE after its XML declaration: "laughs" (entity expansion), "external" (a file's
    content pulled in), or "plain" (a DOCTYPE without entities: Excel never writes one either)."""
    if kind == "laughs":
        doctype = LAUGHS
    elif kind == "external":
        assert secret_file is not None
        doctype = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>\n'.encode()
    else:
        doctype = b"<!DOCTYPE workbook>\n"
    if xml.startswith(b"<?xml"):
        end = xml.index(b"?>") + 2
        return xml[:end] + b"\n" + doctype + xml[end:]
    return doctype + xml


def sheet_part(path: Path, sheet: str) -> str:
    from kaikaku_xl.xlsx.package import inspect

    return inspect(path).sheets[sheet]
