"""Changing single cells of a sheet people type into: values, styles and sheet protection, in the sheet's XML,
with every other cell, row and element kept; the styles part gains locked copies of the styles it is asked for.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from lxml import etree

from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.textfit import row_height
from kaikaku_xl.xlsx.a1 import column_letter, range_bounds
from kaikaku_xl.xlsx.package import NS_MAIN, part_bytes
from kaikaku_xl.xlsx.sheetxml import ILLEGAL_XML


def _tag(name: str) -> str:
    return f"{{{NS_MAIN}}}{name}"


def _cell_column(cell: etree._Element, previous: int) -> int:
    ref = cell.get("r")
    return range_bounds(ref)[0] if ref else previous + 1


def _set_value(cell: etree._Element, value: Any) -> None:
    for child in list(cell):
        if child.tag in (_tag("f"), _tag("v"), _tag("is")):
            cell.remove(child)
    if "t" in cell.attrib:
        del cell.attrib["t"]
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return
    if isinstance(value, bool):
        cell.set("t", "b")
        element = etree.Element(_tag("v"))
        element.text = str(int(value))
    elif isinstance(value, int | float):
        element = etree.Element(_tag("v"))
        element.text = (
            repr(float(value))
            if isinstance(value, float) and not float(value).is_integer()
            else str(int(value))
        )
    else:
        cell.set("t", "inlineStr")
        element = etree.Element(_tag("is"))
        text = etree.SubElement(element, _tag("t"))
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        text.text = ILLEGAL_XML.sub("", str(value))
    cell.insert(0, element)


def patch_sheet(
    xml: bytes,
    cells: dict[tuple[int, int], Any],
    styles: dict[tuple[int, int], int] | None = None,
    protect: bool | None = None,
    password: str = "",
) -> bytes:
    """The sheet part with the given cells (row, col) set to new values and/or new style indices; formulas
    elsewhere, other cells, rows and every other element are kept. A new cell takes the style of the cell above
    it (a new table row). protect: True adds sheet protection with `password`, False removes it."""
    styles = styles or {}
    root = etree.fromstring(xml)
    data = root.find(_tag("sheetData"))
    if data is None:
        raise WorkbookError("シートの形式が想定と異なります（sheetData がありません）。")
    rows = _numbered_rows(data)
    for r, col in sorted(set(cells) | set(styles)):
        cell = _cell_at(rows, _row_at(data, rows, r), r, col)
        if (r, col) in cells:
            _set_value(cell, cells[(r, col)])
        if (r, col) in styles:
            cell.set("s", str(styles[(r, col)]))
    if protect is not None:
        _protection(root, protect, password)
    _grow_rows(root, rows, cells)
    _fit_dimension(root, rows)
    return part_bytes(root)


DEFAULT_WIDTH = 8.43  # Excel's column width where <cols> says none


def _column_widths(root: etree._Element) -> dict[int, float]:
    widths: dict[int, float] = {}
    cols = root.find(_tag("cols"))
    for col in cols.findall(_tag("col")) if cols is not None else ():
        try:
            low, high, width = int(col.get("min", "0")), int(col.get("max", "0")), float(col.get("width", ""))
        except ValueError:
            continue
        for n in range(low, min(high, low + 1000) + 1):  # (a <col> may span to column 16384)
            widths[n] = width
    return widths


def _grow_rows(
    root: etree._Element, rows: dict[int, etree._Element], cells: dict[tuple[int, int], Any]
) -> None:
    """A row given text longer than its columns show gets the height of its wrapped lines (never lower): neither
    Excel nor LibreOffice fits a row's height to text when it opens a file (textfit)."""
    widths = _column_widths(root)
    texts: dict[int, list[tuple[str, float]]] = {}
    for (r, col), value in cells.items():
        if isinstance(value, str) and value:
            texts.setdefault(r, []).append((value, widths.get(col, DEFAULT_WIDTH)))
    for r, row_texts in texts.items():
        needed = row_height(row_texts)
        row = rows.get(r)
        if needed is None or row is None:
            continue
        try:
            current = float(row.get("ht") or 0)
        except ValueError:
            current = 0.0
        if needed > current:
            row.set("ht", str(needed))
            row.set("customHeight", "1")


def _numbered_rows(data: etree._Element) -> dict[int, etree._Element]:
    """The rows of a sheetData by number, each given its `r` (Excel may leave it out where rows follow on)."""
    rows: dict[int, etree._Element] = {}
    previous_row = 0
    for row in data.findall(_tag("row")):
        previous_row = int(row.get("r") or previous_row + 1)
        row.set("r", str(previous_row))
        rows[previous_row] = row
    return rows


def _cells_of(row: etree._Element) -> dict[int, etree._Element]:
    """The cells of a row by column, each given its `r` (Excel may leave it out where cells follow on)."""
    found, col = {}, 0
    for cell in row.findall(_tag("c")):
        col = _cell_column(cell, col)
        cell.set("r", f"{column_letter(col)}{row.get('r')}")
        found[col] = cell
    return found


def _row_at(data: etree._Element, rows: dict[int, etree._Element], r: int) -> etree._Element:
    """Row `r`, made in its place among the others where the sheet has none; its spans go (they may grow)."""
    row = rows.get(r)
    if row is None:
        row = etree.Element(_tag("row"), r=str(r))
        later = [n for n in rows if n > r]
        if later:
            rows[min(later)].addprevious(row)
        else:
            data.append(row)
        rows[r] = row
    if "spans" in row.attrib:
        del row.attrib["spans"]
    return row


def _cell_at(rows: dict[int, etree._Element], row: etree._Element, r: int, col: int) -> etree._Element:
    """Cell (r, col) of `row`, made in its place where the row has none, with the style of the cell above it."""
    existing = _cells_of(row)
    cell = existing.get(col)
    if cell is not None:
        return cell
    cell = etree.Element(_tag("c"), r=f"{column_letter(col)}{r}")
    above = _cells_of(rows[r - 1]).get(col) if r - 1 in rows else None
    style = None if above is None else above.get("s")
    if style:
        cell.set("s", style)
    later_cols = [n for n in existing if n > col]
    if later_cols:
        existing[min(later_cols)].addprevious(cell)
    else:
        row.append(cell)
    return cell


def _fit_dimension(root: etree._Element, rows: dict[int, etree._Element]) -> None:
    """The sheet's dimension (A1:last cell) as the patched rows reach."""
    dimension = root.find(_tag("dimension"))
    if dimension is not None and rows:
        max_col = max([1] + [max(_cells_of(row)) for row in rows.values() if len(row.findall(_tag("c")))])
        dimension.set("ref", f"A1:{column_letter(max_col)}{max(rows)}")


# Elements that may precede sheetProtection in a worksheet (CT_Worksheet's sequence).
_BEFORE_PROTECTION = (
    "sheetPr",
    "dimension",
    "sheetViews",
    "sheetFormatPr",
    "cols",
    "sheetData",
    "sheetCalcPr",
)


def _protection(root: etree._Element, on: bool, password: str) -> None:
    for old in root.findall(_tag("sheetProtection")):
        root.remove(old)
    if not on:
        return
    from openpyxl.utils.protection import hash_password  # only here: a write of values never imports openpyxl

    element = etree.Element(
        _tag("sheetProtection"),
        password=hash_password(password),
        sheet="1",
        objects="1",
        scenarios="1",
        autoFilter="0",
        sort="0",
    )
    anchor = [child for child in root if etree.QName(child).localname in _BEFORE_PROTECTION]
    anchor[-1].addnext(element)


def is_protected(xml: bytes) -> bool:
    return etree.fromstring(xml).find(_tag("sheetProtection")) is not None


def cell_styles(xml: bytes, cells: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Style index of the given cells (0 where the cell has none)."""
    root = etree.fromstring(xml)
    found: dict[tuple[int, int], int] = {}
    for cell in root.iter(_tag("c")):
        ref = cell.get("r")
        if ref:
            col, row, _, _ = range_bounds(ref)
            if (row, col) in cells:
                found[(row, col)] = int(cell.get("s", "0"))
    return {key: found.get(key, 0) for key in cells}


def locked_styles(xml: bytes, indices: set[int], fill_rgb: str) -> tuple[bytes, dict[int, int]]:
    """styles.xml with, for each cell style index given, a copy that is locked and filled grey; the mapping
    from each given index to its locked copy."""
    root = etree.fromstring(xml)
    fills, xfs = root.find(_tag("fills")), root.find(_tag("cellXfs"))
    if fills is None or xfs is None:
        raise WorkbookError("書式（styles.xml）の形式が想定と異なります。")
    fill = etree.SubElement(fills, _tag("fill"))
    pattern = etree.SubElement(fill, _tag("patternFill"), patternType="solid")
    etree.SubElement(pattern, _tag("fgColor"), rgb="FF" + fill_rgb)
    etree.SubElement(pattern, _tag("bgColor"), indexed="64")
    fills.set("count", str(len(fills)))
    fill_id = str(len(fills) - 1)
    mapping = {}
    existing = list(xfs)
    for index in sorted(indices):
        xf = copy.deepcopy(existing[index] if index < len(existing) else existing[0])
        for child in xf.findall(_tag("protection")):
            xf.remove(child)
        xf.set("fillId", fill_id)
        xf.set("applyFill", "1")
        xf.set("applyProtection", "1")
        protection = etree.Element(_tag("protection"), locked="1")
        ext = xf.find(_tag("extLst"))
        if ext is not None:
            ext.addprevious(protection)
        else:
            xf.append(protection)
        xfs.append(xf)
        mapping[index] = len(xfs) - 1
    xfs.set("count", str(len(xfs)))
    return part_bytes(root), mapping


# Elements that may precede dataValidations in a worksheet (CT_Worksheet's sequence).
_BEFORE_VALIDATIONS = (
    *_BEFORE_PROTECTION,
    "sheetProtection",
    "protectedRanges",
    "scenarios",
    "autoFilter",
    "sortState",
    "dataConsolidate",
    "customSheetViews",
    "mergeCells",
    "phoneticPr",
    "conditionalFormatting",
)


def _columns_of(sqref: str) -> set[int]:
    found: set[int] = set()
    for ref in sqref.split():
        low, _, high, _ = range_bounds(ref)
        found.update(range(low, min(high, low + 1000) + 1))
    return found


def validation_rules(xml: bytes, columns: set[int]) -> list[etree._Element]:
    """The sheet's data validations whose ranges lie in the given columns."""
    root = etree.fromstring(xml)
    return [
        dv
        for dv in root.iter(_tag("dataValidation"))
        if dv.get("sqref") and _columns_of(dv.get("sqref", "")) <= columns
    ]


def _in_main(element: etree._Element) -> etree._Element:
    """A copy of an element (and its children) in the spreadsheet namespace (a serializer may write none)."""
    copied = etree.Element(_tag(etree.QName(element).localname))
    for key, value in element.attrib.items():
        copied.set(key, value)
    copied.text = element.text
    for child in element:
        copied.append(_in_main(child))
    return copied


def with_validations(xml: bytes, columns: set[int], rules: list[bytes]) -> bytes:
    """The sheet part whose data validations lying in the given columns are replaced by `rules` (each a
    <dataValidation> element, in any namespace); the sheet's other validations and elements are kept."""
    root = etree.fromstring(xml)
    holder = root.find(_tag("dataValidations"))
    if holder is None:
        holder = etree.Element(_tag("dataValidations"))
        anchor = [child for child in root if etree.QName(child).localname in _BEFORE_VALIDATIONS]
        anchor[-1].addnext(holder)
    for dv in holder.findall(_tag("dataValidation")):
        if _columns_of(dv.get("sqref", "")) <= columns:
            holder.remove(dv)
    for rule in rules:
        holder.append(_in_main(etree.fromstring(rule)))
    if len(holder):
        holder.set("count", str(len(holder)))
    else:
        root.remove(holder)
    return part_bytes(root)


def with_column_widths(xml: bytes, widths: dict[int, float]) -> bytes:
    """The sheet part with a width for each given column that no <col> of the sheet covers yet."""
    root = etree.fromstring(xml)
    covered = set(_column_widths(root))
    missing = {col: width for col, width in widths.items() if col not in covered}
    if not missing:
        return xml
    cols = root.find(_tag("cols"))
    if cols is None:
        cols = etree.Element(_tag("cols"))
        anchor = [child for child in root if etree.QName(child).localname in _BEFORE_PROTECTION[:4]]
        if anchor:
            anchor[-1].addnext(cols)
        else:
            root.insert(0, cols)
    for col, width in sorted(missing.items()):
        element = etree.Element(_tag("col"), min=str(col), max=str(col), width=str(width), customWidth="1")
        later = [c for c in cols if int(c.get("min", "0")) > col]
        if later:
            later[0].addprevious(element)
        else:
            cols.append(element)
    return part_bytes(root)
