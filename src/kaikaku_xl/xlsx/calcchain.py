"""Formulas and Excel's calculation cache after a write: whether a sheet holds formulas, the request to
recalculate on open, and the calcChain without the cells the writer turned into values.

A calcChain naming a cell that holds no formula any more makes Excel "repair" the file; a workbook asking for a
full recalculation that has nothing to recalculate makes Excel ask to save on every close.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Set

from lxml import etree

from kaikaku_xl.xlsx.package import part_bytes
from kaikaku_xl.xlsx.zipcopy import REMOVED

_CALC_PR = re.compile(rb"<calcPr\b([^>]*?)(/?)>")
_FULL_CALC = re.compile(rb'\s+fullCalcOnLoad="[^"]*"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def holds_formulas(xml: bytes) -> bool:
    """A sheet part with at least one formula cell (<f>)."""
    return _FORMULA.search(xml) is not None


def with_full_calc_on_load(xml: bytes, wanted: bool = True) -> bytes:
    """workbook.xml asking Excel/LibreOffice to recalculate on open (wanted), so formulas over the values just
    written agree; or without that request when no formula could use them (else Excel asks to save on every
    close)."""
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


def prune_calc_chain(
    zf: zipfile.ZipFile, owned_sheet_ids: Set[str], owned_cells: Set[tuple[str, str]] = frozenset()
) -> dict[str, bytes]:
    """Excel's calculation chain without the cells of owned sheets (the writer puts values there, not formulas).

    owned_cells: (sheetId, A1) of single cells given a value (patched into sheets people type into).
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
        return {CALC_CHAIN: part_bytes(root)}
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
        "xl/_rels/workbook.xml.rels": part_bytes(rels),
        "[Content_Types].xml": part_bytes(types),
    }
