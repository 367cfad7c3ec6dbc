"""The cell styles (cellXfs) of a workbook, read only: which existing style differs from another only in its
number format (a row's own decimals). Shared by the sheet writer (sheetxml.py) and the format reader
(cellformats.py)."""

from __future__ import annotations

from lxml import etree

from kaikaku_xl.xlsx.package import NS_MAIN

# Excel's built-in number formats that a workbook references by id without listing them (ECMA-376 §18.8.30).
BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 49: "@"}


XfLook = tuple[tuple[tuple[str | bytes, str | bytes], ...], tuple[bytes, ...]]


class StyleBook:
    """The cell styles (cellXfs) of a workbook, read only: finds the existing style that differs from another
    only in its number format. The file engine never adds styles: whoever builds the workbook registers the
    variants its writers will ask for."""

    def __init__(self, styles_xml: bytes | None) -> None:
        self.codes: dict[int, str] = dict(BUILTIN_FORMATS)
        # each style's look but its number format (attributes, children as XML), and its format code
        self.xfs: list[tuple[XfLook, str]] = []
        self._found: dict[tuple[int, str], int] = {}
        if not styles_xml:
            return
        root = etree.fromstring(styles_xml)
        for fmt in root.iter(f"{{{NS_MAIN}}}numFmt"):
            number, code = fmt.get("numFmtId"), fmt.get("formatCode")
            if number is not None and code is not None:
                self.codes[int(number)] = code
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
