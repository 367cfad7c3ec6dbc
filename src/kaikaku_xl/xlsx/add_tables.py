"""New sheets holding one empty table each, added to an existing package part by part (never a save through
openpyxl): how a workbook made before some of its tables existed gains them. Nothing else in the file changes
except the lists that name the new parts (workbook.xml, its rels, [Content_Types].xml)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.xlsx.a1 import column_letter, range_bounds, range_ref
from kaikaku_xl.xlsx.package import NS_MAIN, NS_PKG_REL, NS_REL, part_bytes
from kaikaku_xl.xlsx.tablespec import TableSpec

REL_SHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _sheet_xml(specs: list[TableSpec], refs: list[str], titles: dict[str, tuple[str, str]]) -> bytes:
    """One new sheet holding the specs' tables (their header rows, the first one's title above it)."""
    cells: dict[int, dict[int, str]] = {}
    for spec in specs:
        title = titles.get(spec.name)
        if title and spec.anchor_row > 2:
            cells.setdefault(1, {}).setdefault(spec.anchor_col, title[0])
            cells.setdefault(2, {}).setdefault(spec.anchor_col, title[1])
        for j, header in enumerate(spec.headers):
            cells.setdefault(spec.anchor_row, {})[spec.anchor_col + j] = header
    rows = [
        f'<row r="{r}">'
        + "".join(_cell(f"{column_letter(col)}{r}", text) for col, text in sorted(cells[r].items()))
        + "</row>"
        for r in sorted(cells)
    ]
    cols = "".join(
        f'<col min="{spec.anchor_col + j}" max="{spec.anchor_col + j}" width="{col.width}" customWidth="1"/>'
        for spec in specs
        for j, col in enumerate(spec.columns)
    )
    bounds = [range_bounds(ref) for ref in refs]
    dimension = range_ref(
        min(b[0] for b in bounds),
        min(b[1] for b in bounds),
        max(b[2] for b in bounds),
        max(b[3] for b in bounds),
    )
    parts = "".join(f'<tablePart r:id="rId{k}"/>' for k in range(1, len(specs) + 1))
    return (
        f'{HEAD}<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}"><dimension ref="{dimension}"/><cols>{cols}</cols>'
        f'<sheetData>{"".join(rows)}</sheetData><tableParts count="{len(specs)}">{parts}</tableParts>'
        "</worksheet>"
    ).encode()


def _table_xml(spec: TableSpec, table_id: int, ref: str) -> bytes:
    columns = "".join(
        f'<tableColumn id="{j}" name="{escape(h)}"/>' for j, h in enumerate(spec.headers, start=1)
    )
    return (
        f'{HEAD}<table xmlns="{NS_MAIN}" id="{table_id}" name="{spec.name}" displayName="{spec.name}" '
        f'ref="{ref}" headerRowCount="1"><autoFilter ref="{ref}"/><tableColumns count="{len(spec.headers)}">'
        f'{columns}</tableColumns><tableStyleInfo name="TableStyleLight9" showFirstColumn="0" '
        'showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>'
    ).encode()


def _rels(targets: list[str]) -> bytes:
    rels = "".join(
        f'<Relationship Id="rId{k}" Type="{REL_TABLE}" Target="{target}"/>'
        for k, target in enumerate(targets, start=1)
    )
    return f'{HEAD}<Relationships xmlns="{NS_PKG_REL}">{rels}</Relationships>'.encode()


def _numbers(names: list[str], pattern: str) -> int:
    found = [int(m.group(1)) for n in names if (m := re.fullmatch(pattern, n))]
    return max(found, default=0)


def added_table_parts(
    path: Path,
    specs: list[TableSpec],
    hidden: set[str],
    blank_rows: dict[str, int],
    titles: dict[str, tuple[str, str]],
) -> dict[str, bytes]:
    """The parts to write (new and changed) so that the package gains one sheet per sheet name of the specs,
    holding their empty tables (specs naming the same sheet share it)."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        workbook = etree.fromstring(zf.read("xl/workbook.xml"))
        rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        types = etree.fromstring(zf.read("[Content_Types].xml"))
        table_ids = [
            int(m.group(1))
            for n in names
            if n.startswith("xl/tables/")
            for m in [re.search(rb'<table[^>]*\sid="(\d+)"', zf.read(n))]
            if m
        ]
    sheets = workbook.find(f"{{{NS_MAIN}}}sheets")
    if sheets is None:
        raise WorkbookError(f"{path.name} の形式が想定と異なります（シートの一覧 sheets がありません）。")
    sheet_no = _numbers(names, r"xl/worksheets/sheet(\d+)\.xml")
    table_no = _numbers(names, r"xl/tables/table(\d+)\.xml")
    next_id = max(table_ids, default=0)
    sheet_id = max((int(s.get("sheetId", "0")) for s in sheets), default=0)
    rel_ids = {r.get("Id") for r in rels}
    parts: dict[str, bytes] = {}
    by_sheet: dict[str, list[TableSpec]] = {}
    for spec in specs:
        by_sheet.setdefault(spec.sheet, []).append(spec)
    for sheet_name, group in by_sheet.items():
        sheet_no, sheet_id = sheet_no + 1, sheet_id + 1
        sheet_part = f"xl/worksheets/sheet{sheet_no}.xml"
        refs, targets = [], []
        for spec in group:
            table_no, next_id = table_no + 1, next_id + 1
            last_row = spec.anchor_row + max(1, blank_rows.get(spec.name, 1))
            ref = range_ref(
                spec.anchor_col, spec.anchor_row, spec.anchor_col + len(spec.columns) - 1, last_row
            )
            table_part = f"xl/tables/table{table_no}.xml"
            parts[table_part] = _table_xml(spec, next_id, ref)
            refs.append(ref)
            targets.append(f"../tables/table{table_no}.xml")
            etree.SubElement(types, f"{{{NS_CT}}}Override", PartName=f"/{table_part}", ContentType=CT_TABLE)
        parts[sheet_part] = _sheet_xml(group, refs, titles)
        parts[f"xl/worksheets/_rels/sheet{sheet_no}.xml.rels"] = _rels(targets)
        rid = next(f"rId{k}" for k in range(1, 10_000) if f"rId{k}" not in rel_ids)
        rel_ids.add(rid)
        etree.SubElement(
            rels,
            f"{{{NS_PKG_REL}}}Relationship",
            Id=rid,
            Type=REL_SHEET,
            Target=f"worksheets/sheet{sheet_no}.xml",
        )
        sheet = etree.SubElement(sheets, f"{{{NS_MAIN}}}sheet", name=sheet_name, sheetId=str(sheet_id))
        if sheet_name in hidden:
            sheet.set("state", "hidden")
        sheet.set(f"{{{NS_REL}}}id", rid)
        etree.SubElement(types, f"{{{NS_CT}}}Override", PartName=f"/{sheet_part}", ContentType=CT_SHEET)
    parts["xl/workbook.xml"] = part_bytes(workbook)
    parts["xl/_rels/workbook.xml.rels"] = part_bytes(rels)
    parts["[Content_Types].xml"] = part_bytes(types)
    return parts


# Elements that come before definedNames in a workbook part (CT_Workbook's sequence).
_BEFORE_NAMES = (
    "fileVersion",
    "fileSharing",
    "workbookPr",
    "workbookProtection",
    "bookViews",
    "sheets",
    "functionGroups",
    "externalReferences",
)


def defined_names(workbook_xml: bytes) -> dict[str, str]:
    """The workbook-level defined names (name -> formula text); names local to a sheet are left out."""
    root = etree.fromstring(workbook_xml)
    return {
        el.get("name", ""): el.text or ""
        for el in root.iter(f"{{{NS_MAIN}}}definedName")
        if el.get("localSheetId") is None
    }


def with_defined_name(workbook_xml: bytes, name: str, text: str) -> bytes:
    """The workbook part with a workbook-level defined name added (or its formula replaced)."""
    root = etree.fromstring(workbook_xml)
    names = root.find(f"{{{NS_MAIN}}}definedNames")
    if names is None:
        names = etree.Element(f"{{{NS_MAIN}}}definedNames")
        anchor = [child for child in root if etree.QName(child).localname in _BEFORE_NAMES]
        anchor[-1].addnext(names)
    for old in names.findall(f"{{{NS_MAIN}}}definedName"):
        if old.get("name") == name and old.get("localSheetId") is None:
            names.remove(old)
    element = etree.SubElement(names, f"{{{NS_MAIN}}}definedName", name=name)
    element.text = text
    return part_bytes(root)


def with_table_columns(table_xml: bytes, ref: str, headers: list[str]) -> bytes:
    """A table part whose range is `ref` and which gains columns named `headers` at its right (the existing
    columns, with whatever a program wrote into them, are kept)."""
    root = etree.fromstring(table_xml)
    root.set("ref", ref)
    auto = root.find(f"{{{NS_MAIN}}}autoFilter")
    if auto is not None:
        auto.set("ref", ref)
    columns = root.find(f"{{{NS_MAIN}}}tableColumns")
    if columns is None:
        raise WorkbookError("表の形式が想定と異なります（tableColumns がありません）。")
    next_id = max((int(col.get("id", "0")) for col in columns), default=0)
    for k, header in enumerate(headers, start=1):
        etree.SubElement(columns, f"{{{NS_MAIN}}}tableColumn", id=str(next_id + k), name=header)
    columns.set("count", str(len(columns)))
    return part_bytes(root)


def with_table_column_names(table_xml: bytes, names: dict[str, str]) -> bytes:
    """A table part whose columns named like a key of `names` take its value (the sheet's header cell must say the
    same: Excel repairs a table whose column names differ from its header row)."""
    root = etree.fromstring(table_xml)
    columns = root.find(f"{{{NS_MAIN}}}tableColumns")
    if columns is None:
        raise WorkbookError("表の形式が想定と異なります（tableColumns がありません）。")
    for col in columns:
        if col.get("name") in names:
            col.set("name", names[col.get("name", "")])
    return part_bytes(root)
