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
from kaikaku_xl.xlsx.a1 import column_letter, range_ref
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


def _sheet_xml(spec: TableSpec, ref: str, title: tuple[str, str] | None) -> bytes:
    rows = []
    if title and spec.anchor_row > 2:
        rows += [
            f'<row r="1">{_cell(f"{column_letter(spec.anchor_col)}1", title[0])}</row>',
            f'<row r="2">{_cell(f"{column_letter(spec.anchor_col)}2", title[1])}</row>',
        ]
    header = "".join(
        _cell(f"{column_letter(spec.anchor_col + j)}{spec.anchor_row}", h) for j, h in enumerate(spec.headers)
    )
    rows.append(f'<row r="{spec.anchor_row}">{header}</row>')
    cols = "".join(
        f'<col min="{spec.anchor_col + j}" max="{spec.anchor_col + j}" width="{col.width}" customWidth="1"/>'
        for j, col in enumerate(spec.columns)
    )
    return (
        f'{HEAD}<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}"><dimension ref="{ref}"/><cols>{cols}</cols>'
        f'<sheetData>{"".join(rows)}</sheetData><tableParts count="1"><tablePart r:id="rId1"/></tableParts>'
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


def _rels(target: str) -> bytes:
    return (
        f'{HEAD}<Relationships xmlns="{NS_PKG_REL}"><Relationship Id="rId1" Type="{REL_TABLE}" '
        f'Target="{target}"/></Relationships>'
    ).encode()


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
    """The parts to write (new and changed) so that the package gains one sheet per spec with its empty table."""
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
    for spec in specs:
        sheet_no, table_no, next_id, sheet_id = sheet_no + 1, table_no + 1, next_id + 1, sheet_id + 1
        last_row = spec.anchor_row + max(1, blank_rows.get(spec.name, 1))
        ref = range_ref(spec.anchor_col, spec.anchor_row, spec.anchor_col + len(spec.columns) - 1, last_row)
        sheet_part, table_part = f"xl/worksheets/sheet{sheet_no}.xml", f"xl/tables/table{table_no}.xml"
        parts[sheet_part] = _sheet_xml(spec, ref, titles.get(spec.name))
        parts[f"xl/worksheets/_rels/sheet{sheet_no}.xml.rels"] = _rels(f"../tables/table{table_no}.xml")
        parts[table_part] = _table_xml(spec, next_id, ref)
        rid = next(f"rId{k}" for k in range(1, 10_000) if f"rId{k}" not in rel_ids)
        rel_ids.add(rid)
        etree.SubElement(
            rels,
            f"{{{NS_PKG_REL}}}Relationship",
            Id=rid,
            Type=REL_SHEET,
            Target=f"worksheets/sheet{sheet_no}.xml",
        )
        sheet = etree.SubElement(sheets, f"{{{NS_MAIN}}}sheet", name=spec.sheet, sheetId=str(sheet_id))
        if spec.sheet in hidden:
            sheet.set("state", "hidden")
        sheet.set(f"{{{NS_REL}}}id", rid)
        for part, kind in ((sheet_part, CT_SHEET), (table_part, CT_TABLE)):
            etree.SubElement(types, f"{{{NS_CT}}}Override", PartName=f"/{part}", ContentType=kind)
    parts["xl/workbook.xml"] = part_bytes(workbook)
    parts["xl/_rels/workbook.xml.rels"] = part_bytes(rels)
    parts["[Content_Types].xml"] = part_bytes(types)
    return parts
