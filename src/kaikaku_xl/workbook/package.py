"""The xlsx/xlsm file as an OPC (zip) package: which part holds which sheet and table, and a writer that
replaces only the parts refresh owns.

openpyxl drops drawings, images, VBA forms and more that it did not create when it saves a file, so refresh
never saves the master through openpyxl. It reads values (fastread.py) and writes new XML for the sheetData of
the output sheets, streamed row by row into the new package, and for the output tables' parts; every other part
is copied unchanged.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import os
import posixpath
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import from_os_error
from .a1 import column_letter, range_bounds
from .engine import WorkbookError
from .safezip import check_package

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    """XML text escaping (as xml.sax.saxutils.escape, whose import pulls in urllib, http and ssl)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class TablePart:
    name: str
    sheet: str
    part: str
    ref: str

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        """(min_col, min_row, max_col, max_row), 1-based."""
        return range_bounds(self.ref)


@dataclass
class Package:
    path: Path
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name -> part name
    tables: dict[str, TablePart] = field(default_factory=dict)  # table name -> part
    sheet_ids: dict[str, str] = field(default_factory=dict)  # sheet name -> sheetId (calcChain's "i")


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def _relationships(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """rId -> (type, target part) of a part's relationships."""
    try:
        root = etree.fromstring(zf.read(_rels_of(part)))
    except KeyError:
        return {}
    return {
        rel.get("Id"): (rel.get("Type"), _resolve(part, rel.get("Target")))
        for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship")
        if rel.get("TargetMode") != "External"
    }


def inspect(path: Path) -> Package:
    """Map sheets and tables to their parts. Refuses what is not an Excel workbook package."""
    try:
        check_package(path)  # a DOCTYPE or a zip bomb is refused before lxml or calamine parse anything
        with zipfile.ZipFile(path) as zf:
            package = Package(path=path)
            workbook = etree.fromstring(zf.read("xl/workbook.xml"))
            rels = _relationships(zf, "xl/workbook.xml")
            for sheet in workbook.iter(f"{{{NS_MAIN}}}sheet"):
                rel = rels.get(sheet.get(f"{{{NS_REL}}}id"))
                if rel:
                    package.sheets[sheet.get("name")] = rel[1]
                    package.sheet_ids[sheet.get("name")] = sheet.get("sheetId")
            for sheet_name, part in package.sheets.items():
                for rel_type, target in _relationships(zf, part).values():
                    if rel_type == REL_TABLE:
                        table = etree.fromstring(zf.read(target))
                        name = table.get("displayName") or table.get("name")
                        package.tables[name] = TablePart(name, sheet_name, target, table.get("ref"))
            return package
    except FileNotFoundError:
        raise WorkbookError(f"ファイルが見つかりません: {path}") from None
    except OSError as exc:  # a folder, a name too long, no permission: in Japanese, with what to do
        raise from_os_error(exc) from None
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        raise WorkbookError(
            f"{path.name} は Excel ブック（.xlsx/.xlsm）として読めません。パスワード付きや破損したファイルは扱えません。"
        ) from None


# ---- writing ---------------------------------------------------------------------------------------------
EXCEL_MAX_CHARS = 32_767  # characters in one cell
EXCEL_MAX_ROWS = 1_048_576


def check_row_limit(where: str, last_row: int) -> None:
    """Refuse (before anything is written) rows past Excel's last row: Excel would not open the file whole.
    where: the place in Japanese, e.g. シート「問題点」の表「Problems」."""
    if last_row > EXCEL_MAX_ROWS:
        raise RowLimitError(
            f"{where}に書き込む行が Excel の上限（{EXCEL_MAX_ROWS:,} 行）を超えます"
            f"（{last_row:,} 行目まで必要です）。ファイルは変更されていません。古い履歴の行を別のブックに移すか、"
            "問題点の多い入力を直してから、もう一度実行してください。"
        )


class RowLimitError(WorkbookError):
    """More rows than an Excel sheet holds."""


def fit_cell_text(text: str) -> str:
    """Text as one Excel cell can hold it: longer text is cut and ends with …."""
    return text if len(text) <= EXCEL_MAX_CHARS else text[: EXCEL_MAX_CHARS - 1] + "…"


def _cell_xml(ref: str, value: Any, style: int) -> str:
    s = f' s="{style}"' if style else ""
    kind = type(value)  # the common cases first: a 50,000-row table is a million calls
    if kind is str:
        text = escape(fit_cell_text(_ILLEGAL_XML.sub("", value))) if value else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if kind is int:
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        number = (
            repr(float(value))
            if isinstance(value, float) and not float(value).is_integer()
            else str(int(value))
        )
        return f'<c r="{ref}"{s}><v>{number}</v></c>'
    text = escape(fit_cell_text(_ILLEGAL_XML.sub("", str(value))))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


_SHEETDATA = re.compile(
    rb"<sheetData\s*/>|<sheetData>.*?</sheetData>|<sheetData\s[^>]*>.*?</sheetData>", re.S
)
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_ROWS_PER_CHUNK = 2_000  # rows rendered into one piece of bytes: the new sheetData never exists whole


def existing_styles(xml: bytes, max_row: int) -> dict[tuple[int, int], int]:
    """Style index of each cell in rows 1..max_row of a sheet part (rows beyond are not read)."""
    styles: dict[tuple[int, int], int] = {}
    for _, cell in etree.iterparse(io.BytesIO(xml), events=("end",), tag=f"{{{NS_MAIN}}}c"):
        min_col, row, _, _ = range_bounds(cell.get("r"))
        if row > max_row:
            break
        styles[(row, min_col)] = int(cell.get("s", "0"))
        cell.clear()
    return styles


# Excel's built-in number formats that a workbook references by id without listing them (ECMA-376 §18.8.30).
BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 49: "@"}


class StyleBook:
    """The cell styles (cellXfs) of a workbook, read only: finds the existing style that differs from another
    only in its number format. Refresh never adds styles; the builder registers the variants it will need."""

    def __init__(self, styles_xml: bytes | None) -> None:
        self.codes: dict[int, str] = dict(BUILTIN_FORMATS)
        self.xfs: list[tuple[tuple, str]] = []
        self._found: dict[tuple[int, str], int] = {}
        if not styles_xml:
            return
        root = etree.fromstring(styles_xml)
        for fmt in root.iter(f"{{{NS_MAIN}}}numFmt"):
            self.codes[int(fmt.get("numFmtId"))] = fmt.get("formatCode")
        cell_xfs = root.find(f"{{{NS_MAIN}}}cellXfs")
        for xf in [] if cell_xfs is None else cell_xfs:
            attributes = tuple(
                sorted((k, v) for k, v in xf.attrib.items() if k not in ("numFmtId", "applyNumberFormat"))
            )
            children = tuple(etree.tostring(child) for child in xf)
            self.xfs.append(((attributes, children), self.codes.get(int(xf.get("numFmtId", "0")), "")))

    def with_format(self, style: int, code: str) -> int:
        found = self._found.get((style, code))  # asked once per cell of a 50,000-row table: remember answers
        if found is None:
            found = self._found[(style, code)] = self._with_format(style, code)
        return found

    def _with_format(self, style: int, code: str) -> int:
        if not 0 <= style < len(self.xfs) or self.xfs[style][1] == code:
            return style
        key = self.xfs[style][0]
        return next((i for i, (k, fmt) in enumerate(self.xfs) if k == key and fmt == code), style)


@dataclass
class SheetWrite:
    """The new content of one owned sheet: runs of values per row, which rows repeat a template row's styles,
    and cells that take their template's style with another number format (a measure's decimals).

    Runs, not a dict per cell: a 50,000-row table is 50,000 references to the caller's rows, not a million
    (row, col) keys. A later run overwrites an earlier one where they overlap.
    """

    runs: dict[int, list[tuple[int, Sequence[Any]]]] = field(
        default_factory=dict
    )  # row -> [(first col, values)]
    template_rows: dict[int, int] = field(default_factory=dict)  # row -> row whose styles it takes
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)  # row -> points, for rows of wrapped text

    def put(
        self, row: int, col: int, value: Any, template_row: int | None = None, fmt: str | None = None
    ) -> None:
        self.put_run(row, col, (value,), template_row, None if fmt is None else (fmt,))

    def put_run(
        self,
        row: int,
        col: int,
        values: Sequence[Any],
        template_row: int | None = None,
        fmts: Sequence[str | None] | None = None,
    ) -> None:
        """Values from column `col` on; fmts: a number format per value (None = the template's)."""
        self.runs.setdefault(row, []).append((col, values))
        if fmts is not None:
            for j, fmt in enumerate(fmts):
                if fmt is not None:
                    self.formats[(row, col + j)] = fmt
        if template_row is not None:
            self.template_rows[row] = template_row

    def row_cells(self, row: int) -> dict[int, Any]:
        cells: dict[int, Any] = {}
        for col, values in self.runs[row]:
            for j, value in enumerate(values):
                cells[col + j] = value
        return cells


def _rows_xml(
    write: SheetWrite, styles: dict[tuple[int, int], int], style_book: StyleBook | None
) -> Iterator[bytes]:
    """The new sheetData in pieces of _ROWS_PER_CHUNK rows."""
    yield b"<sheetData>"
    piece: list[str] = []
    formats = write.formats
    for r in sorted(write.runs):
        source = write.template_rows.get(r, r)
        cells = write.row_cells(r)
        height = write.heights.get(r)
        piece.append(f'<row r="{r}" ht="{height}" customHeight="1">' if height else f'<row r="{r}">')
        for col in sorted(cells):
            style = styles.get((source, col), 0)
            fmt = formats.get((r, col)) if formats else None
            if fmt is not None and style_book is not None:
                style = style_book.with_format(style, fmt)
            piece.append(_cell_xml(f"{column_letter(col)}{r}", cells[col], style))
        piece.append("</row>")
        if len(piece) > _ROWS_PER_CHUNK * 3:
            yield "".join(piece).encode("utf-8")
            piece = []
    piece.append("</sheetData>")
    yield "".join(piece).encode("utf-8")


def render_sheet(xml: bytes, write: SheetWrite, style_book: StyleBook | None = None) -> Iterator[bytes]:
    """The sheet part with its sheetData (and dimension) replaced, as pieces of bytes; every other byte is kept.

    The old part is read once; the new one is produced row by row while the package is written.
    """
    match = _SHEETDATA.search(xml)
    if match is None:
        raise WorkbookError("出力シートの形式が想定と異なります（sheetData がありません）。")
    fixed_rows = max(
        [*write.template_rows.values(), *(r for r in write.runs if r not in write.template_rows), 1]
    )
    styles = existing_styles(xml, fixed_rows)
    max_row = max(write.runs) if write.runs else 1
    max_col = max((col + len(values) - 1 for runs in write.runs.values() for col, values in runs), default=1)
    dimension = f'<dimension ref="A1:{column_letter(max_col)}{max_row}"/>'.encode()

    def pieces() -> Iterator[bytes]:
        yield _DIMENSION.sub(lambda _: dimension, xml[: match.start()], count=1)
        yield from _rows_xml(write, styles, style_book)
        yield xml[match.end() :]

    return pieces()


def render_table(xml: bytes, ref: str, headers: list[str] | None) -> bytes:
    """A table part with a new range; its columns are rewritten when the headers changed (None: kept)."""
    root = etree.fromstring(xml)
    root.set("ref", ref)
    auto = root.find(f"{{{NS_MAIN}}}autoFilter")
    if auto is not None:
        auto.set("ref", ref)
    columns = root.find(f"{{{NS_MAIN}}}tableColumns")
    if headers is not None and columns is not None and [c.get("name") for c in columns] != headers:
        for child in list(columns):
            columns.remove(child)
        for i, header in enumerate(headers, start=1):
            etree.SubElement(columns, f"{{{NS_MAIN}}}tableColumn", id=str(i), name=header)
        columns.set("count", str(len(headers)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_CALC_PR = re.compile(rb"<calcPr\b([^>]*?)(/?)>")
_FULL_CALC = re.compile(rb'\s+fullCalcOnLoad="[^"]*"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def holds_formulas(xml: bytes) -> bool:
    """A sheet part with at least one formula cell (<f>)."""
    return _FORMULA.search(xml) is not None


def with_full_calc_on_load(xml: bytes, wanted: bool = True) -> bytes:
    """workbook.xml asking Excel/LibreOffice to recalculate on open (wanted), so formulas over refreshed outputs
    agree; or without that request when no formula could use them (else Excel asks to save on every close)."""
    match = _CALC_PR.search(xml)
    if not wanted:
        if match is None or b"fullCalcOnLoad" not in match.group(1):
            return xml
        attributes = _FULL_CALC.sub(b"", match.group(1))
        return xml[: match.start()] + b"<calcPr" + attributes + match.group(2) + b">" + xml[match.end() :]
    if match is None:
        return xml.replace(b"</workbook>", b'<calcPr fullCalcOnLoad="1"/></workbook>', 1)
    if b"fullCalcOnLoad" in match.group(1):
        return xml
    return (
        xml[: match.start()]
        + b"<calcPr"
        + match.group(1)
        + b' fullCalcOnLoad="1"'
        + match.group(2)
        + b">"
        + xml[match.end() :]
    )


CALC_CHAIN = "xl/calcChain.xml"
REMOVED = b"\0kaikaku:remove-part"  # a value in `replaced` that drops the part (no XML part looks like this)


def prune_calc_chain(
    zf: zipfile.ZipFile, owned_sheet_ids: set[str], owned_cells: set[tuple[str, str]] = frozenset()
) -> dict[str, bytes]:  # type: ignore[assignment]
    """Excel's calculation chain without the cells of owned sheets (refresh writes values there, not formulas).

    owned_cells: (sheetId, A1) of single cells given a value (collect writes into input sheets).
    A chain naming a cell that no longer holds a formula makes Excel "repair" the file. The chain is a cache:
    an empty one is dropped with its relationship and content type. Nothing changes when no entry is owned.
    """
    if CALC_CHAIN not in zf.namelist():
        return {}
    root = etree.fromstring(zf.read(CALC_CHAIN))
    current, touched = None, False
    for cell in list(root):
        current = cell.get("i") or current  # "i" is omitted while it stays the same sheet
        if current in owned_sheet_ids or (current, cell.get("r")) in owned_cells:
            root.remove(cell)
            touched = True
        elif current is not None:
            cell.set("i", current)
    if not touched:
        return {}
    if len(root):
        return {CALC_CHAIN: etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)}
    rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for rel in list(rels):
        if rel.get("Type", "").endswith("/calcChain"):
            rels.remove(rel)
    types = etree.fromstring(zf.read("[Content_Types].xml"))
    for override in list(types):
        if override.get("PartName") == "/" + CALC_CHAIN:
            types.remove(override)
    return {
        CALC_CHAIN: REMOVED,
        "xl/_rels/workbook.xml.rels": etree.tostring(
            rels, xml_declaration=True, encoding="UTF-8", standalone=True
        ),
        "[Content_Types].xml": etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True),
    }


def rewrite_package(
    source: Path | zipfile.ZipFile,
    target: io.BufferedIOBase | Path,
    replaced: dict[str, bytes | Iterable[bytes]],
) -> None:
    """Copy `source` (a path, or an open zip the caller closes) to `target` part by part, replacing the parts in
    `replaced` (REMOVED drops one; an iterable of bytes is streamed into the part); order and compression kept.
    Unchanged parts are copied as their compressed bytes (a master with 10,000 charts is not inflated and
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
    for name, data in replaced.items():  # new parts (workbook/add_tables.py): bytes only, after the others
        if name not in present and isinstance(data, bytes) and data != REMOVED:
            zout.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's own layout of a local file header (30 bytes)
_RAW_CHUNK = 1 << 20


def copy_raw(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Copy one part's compressed bytes unchanged (with its CRC and sizes); False where only a plain copy will do
    (encrypted, zip64, or a local header that does not match: then the caller inflates and deflates).

    zipfile has no public raw copy: this writes the local header and data the way ZipFile.writestr does
    (same attributes: fp, start_dir, filelist, NameToInfo), kept to parts far below zip64 sizes.
    """
    if (
        info.flag_bits & 0x1
        or max(info.compress_size, info.file_size, info.header_offset) >= zipfile.ZIP64_LIMIT
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
    if fields[0] != zipfile.stringFileHeader:
        return False
    name_length, extra_length = fields[-2], fields[-1]
    if fp.read(name_length) != info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437"):
        return False
    fp.seek(extra_length, os.SEEK_CUR)
    out = copy.copy(info)
    out.flag_bits &= ~0x08  # sizes and CRC in the local header: no data descriptor after the data
    out.header_offset = zout.fp.tell()
    zout._writecheck(out)  # noqa: SLF001 (zipfile's own checks: duplicate name, sizes)
    zout._didModify = True  # noqa: SLF001
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
