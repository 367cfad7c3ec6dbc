"""Hostile packages refused before any parser sees them: every path that opens a workbook, whoever made it,
calls `check_package` first.

- XML with a DOCTYPE: entity declarations expand a few bytes into gigabytes ("billion laughs") or pull in other
  files; Excel never writes one, so any part whose prolog has a DOCTYPE is "not a workbook". lxml, calamine and
  openpyxl all parse after this check (defusedxml would cover only openpyxl, and lets a DOCTYPE through).
- Zip bombs: the central directory's declared sizes, the number of parts and the expansion ratio are checked
  first (no decompression), then every part is inflated in 1 MB steps, counting, never past its declared size:
  a part whose real data is longer than declared (calamine's zip reader would believe the data) is refused too.
  Memory stays at a few MB whatever the file claims.
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile
import zlib
from pathlib import Path

from kaikaku_xl.errors import WorkbookError

MB = 1 << 20


PART_LIMIT = 512 * MB  # one part expanded: the largest sheet of a 50,000-row, 40-column workbook is ~40 MB


TOTAL_LIMIT = 2048 * MB  # all parts expanded together


PARTS_LIMIT = 250_000  # a workbook with a chart for each of 50,000 rows has a part per chart; a bomb has more


RATIO_LIMIT = 200  # expanded / compressed; worksheet XML compresses 10–40 times, a bomb about 1,000
RATIO_FLOOR = 8 * MB  # small parts may compress as they like: they cannot hurt
PROLOG_WINDOW = 64 * 1024  # a legitimate part's root element starts within the first bytes
_STEP = MB
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... name length, extra length (30 bytes)
_ROOT = re.compile(r"<[A-Za-z_]")  # the first start tag: <? and <! are not one
_checked: dict[tuple[str, int, int], None] = {}  # files already found safe: (path, size, mtime)


class HostileWorkbook(WorkbookError):
    """A file refused before parsing (a DOCTYPE, a zip bomb): "not a workbook", files untouched."""


def _refuse(path: Path, why: str) -> HostileWorkbook:
    return HostileWorkbook(
        f"{path.name} は Excel ブックとして受け付けられません（{why}）。Excel が保存したブックではないため、"
        "読み込まずに中止しました。ファイルは変更されていません。Excel で開いて「名前を付けて保存」した"
        "ブックを使うか、元のファイルを使ってください。"
    )


def not_a_regular_file(path: Path) -> str:
    """Why `path` cannot be read as a file ("" when it is a regular file): a folder, a FIFO or a device
    (/dev/zero) would hang a reader or never end."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "ファイルが見つかりません"
    except OSError as exc:
        return f"ファイルを開けません（{exc.strerror}）"
    if stat.S_ISDIR(mode):
        return "フォルダーです（ファイルではありません）"
    if not stat.S_ISREG(mode):
        return "通常のファイルではありません（パイプや装置ファイルは読みません）"
    return ""


def check_package(path: str | Path) -> None:
    """Refuse (HostileWorkbook) a package with a DOCTYPE in any XML part or parts that expand too far, and
    (WorkbookError) a path that is not a regular file, before anything opens it.

    zipfile.BadZipFile and OSError pass through to the caller, which words them for its own file kind."""
    path = Path(path)
    try:
        mode: int | None = path.stat().st_mode
    except OSError:
        mode = None  # missing, too long, under a file: the caller words the OSError for its own file kind
    if mode is not None and not stat.S_ISREG(mode):
        why = not_a_regular_file(path)
        raise WorkbookError(
            f"{path.name} は読めません: {why}。Excel ブック（.xlsx）のファイルを指定してください。"
        )
    status = path.stat()
    key = (str(path.resolve()), status.st_size, status.st_mtime_ns)
    if key in _checked:
        return
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        _check_directory(path, infos)
        with open(path, "rb") as raw:
            for info in infos:
                _check_part(path, raw, info)
    if len(_checked) > 64:
        _checked.clear()
    _checked[key] = None


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """What the central directory declares, before anything is inflated."""
    if len(infos) > PARTS_LIMIT:
        raise _refuse(path, f"部品が {len(infos):,} 個あります")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse(path, "暗号化された部品があります")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(path, f"部品「{info.filename[:80]}」の圧縮方式が Excel のものではありません")
        if info.file_size > PART_LIMIT:
            raise _refuse(
                path, f"部品「{info.filename[:80]}」が展開すると {info.file_size // MB:,} MB になります"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > RATIO_LIMIT * max(info.compress_size, 1):
            raise _refuse(path, f"部品「{info.filename[:80]}」の圧縮率が異常です（zip 爆弾の疑い）")
        total += info.file_size
    if total > TOTAL_LIMIT:
        raise _refuse(path, f"展開すると合計 {total // MB:,} MB になります")


def _check_part(path: Path, raw, info: zipfile.ZipInfo) -> None:  # noqa: ANN001 (a binary file)
    """Inflate one part in steps (never past its declared size + 1 byte) and look at its prolog."""
    raw.seek(info.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(raw.read(_LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    raw.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    remaining, produced, head = info.compress_size, 0, b""
    while remaining > 0:
        chunk = raw.read(min(_STEP, remaining))
        if not chunk:
            break  # a truncated file: the parsers report it
        remaining -= len(chunk)
        while chunk:
            if inflater is None:
                out, chunk = chunk, b""
            else:
                try:
                    out = inflater.decompress(chunk, _STEP)
                except zlib.error:
                    raise zipfile.BadZipFile("bad deflate data") from None
                chunk = inflater.unconsumed_tail
            produced += len(out)
            if produced > info.file_size:
                raise _refuse(
                    path, f"部品「{info.filename[:80]}」が申告より大きく展開されます（zip 爆弾の疑い）"
                )
            if len(head) < PROLOG_WINDOW:
                head += out[: PROLOG_WINDOW - len(head)]
                if len(head) >= PROLOG_WINDOW:
                    _check_prolog(path, info.filename, head)
            if inflater is not None and inflater.eof:
                break
    if len(head) < PROLOG_WINDOW:
        _check_prolog(path, info.filename, head)


def _text_of(head: bytes) -> str | None:
    """The start of a part as text when it is XML (UTF-8 or UTF-16 by its BOM or zero bytes); None otherwise."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        encoding = "utf-16-be" if head.startswith(b"\xfe\xff") or head[:1] == b"\x00" else "utf-16-le"
        text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    else:
        text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    return text if text.lstrip().startswith("<") else None


def _check_prolog(path: Path, part: str, head: bytes) -> None:
    text = _text_of(head)
    if text is None:
        return  # an image, vbaProject.bin: no XML parser reads it
    root = _ROOT.search(text)
    prolog = text if root is None else text[: root.start()]
    upper = prolog.upper()
    if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
        raise _refuse(path, f"部品「{part[:80]}」に DOCTYPE（実体宣言）があります")
    if root is None and len(head) >= PROLOG_WINDOW:
        raise _refuse(path, f"部品「{part[:80]}」の先頭が XML の要素ではありません")
