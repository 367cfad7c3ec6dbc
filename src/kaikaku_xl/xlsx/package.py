"""The xlsx/xlsm file as an OPC (zip) package: which part holds which sheet and table.

openpyxl drops drawings, images, VBA forms and more that it did not create when it saves a file, so the file
engine never saves a workbook through openpyxl. It reads values (fastread.py) and writes new XML for the
sheetData of the sheets it owns (sheetxml.py), streamed row by row into the new package, and for their tables'
parts; every other part is copied unchanged (zipcopy.py). This module only maps names to parts, so the readers and
writers agree on where a sheet or table lives.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from kaikaku_xl.errors import WorkbookError, from_os_error
from kaikaku_xl.xlsx.a1 import range_bounds
from kaikaku_xl.xlsx.safezip import check_package

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"


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
    found: dict[str, tuple[str, str]] = {}
    for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
        rid, target = rel.get("Id"), rel.get("Target")
        if rid is not None and target is not None and rel.get("TargetMode") != "External":
            found[rid] = (rel.get("Type", ""), _resolve(part, target))
    return found


def inspect(path: Path) -> Package:
    """Map sheets and tables to their parts. Refuses what is not an Excel workbook package."""
    try:
        check_package(path)  # a DOCTYPE or a zip bomb is refused before lxml or calamine parse anything
        with zipfile.ZipFile(path) as zf:
            package = Package(path=path)
            workbook = etree.fromstring(zf.read("xl/workbook.xml"))
            rels = _relationships(zf, "xl/workbook.xml")
            for sheet in workbook.iter(f"{{{NS_MAIN}}}sheet"):
                rel = rels.get(sheet.get(f"{{{NS_REL}}}id", ""))
                name = sheet.get("name")
                if rel and name is not None:
                    package.sheets[name] = rel[1]
                    package.sheet_ids[name] = sheet.get("sheetId", "")
            for sheet_name, part in package.sheets.items():
                for rel_type, target in _relationships(zf, part).values():
                    if rel_type == REL_TABLE:
                        _add_table(package, sheet_name, target, etree.fromstring(zf.read(target)))
            return package
    except FileNotFoundError:
        raise WorkbookError(f"ファイルが見つかりません: {path}") from None
    except OSError as exc:  # a folder, a name too long, no permission: in Japanese, with what to do
        raise from_os_error(exc) from None
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        raise WorkbookError(
            f"{path.name} は Excel ブック（.xlsx/.xlsm）として読めません。パスワード付きや破損したファイルは扱えません。"
        ) from None


def _add_table(package: Package, sheet: str, part: str, table: etree._Element) -> None:
    """A table part's name (displayName, as Excel's formulas say it) and range, where it has both."""
    name, ref = table.get("displayName") or table.get("name"), table.get("ref")
    if name is not None and ref is not None:
        package.tables[name] = TablePart(name, sheet, part, ref)


def part_bytes(root: etree._Element) -> bytes:
    """An XML part as Excel writes it (declaration, UTF-8, standalone)."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
