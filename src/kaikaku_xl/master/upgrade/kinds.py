"""What each kind of upgrade step (contract/upgrades.py) does to a master: `pending` says what it would change
(Japanese, None: nothing, the master has it) or refuses, naming the cell and what to do, before anything is
written; `apply` writes it into the scratch copy by part surgery (the parts it names, nothing else)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from lxml import etree

from kaikaku_xl.errors import WorkbookError, shown
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract.upgrades import (
    AddColumns,
    AddDefinedName,
    AddKeyRows,
    AddTables,
    RenameHeaders,
    Step,
    SyncValidations,
)
from kaikaku_xl.master.titles import TITLES
from kaikaku_xl.master.upgrade.book import Book
from kaikaku_xl.xlsx.a1 import column_letter, range_bounds, range_ref
from kaikaku_xl.xlsx.add_tables import (
    added_table_parts,
    defined_names,
    with_defined_name,
    with_table_column_names,
    with_table_columns,
)
from kaikaku_xl.xlsx.patch import (
    cell_styles,
    patch_sheet,
    validation_rules,
    with_column_widths,
    with_validations,
)
from kaikaku_xl.xlsx.sheetxml import render_table
from kaikaku_xl.xlsx.tablespec import TableSpec

AGAIN = "もう一度実行してください（マスターはまだ何も変更していません）。"


def _cell(col: int, row: int) -> str:
    return f"{column_letter(col)}{row}"


def _spec(book: Book, name: str) -> TableSpec | None:
    """The contract's table of this name for the master's plan (None: a table this plan's master has not)."""
    try:
        return book.layout.table(name)
    except StopIteration:
        return None


# ---- AddTables -----------------------------------------------------------------------------------------
def _missing_tables(step: AddTables, book: Book) -> list[TableSpec]:
    tables = book.package().tables
    return [s for n in step.tables if (s := _spec(book, n)) is not None and s.name not in tables]


def _tables_pending(step: AddTables, book: Book) -> str | None:
    missing = _missing_tables(step, book)
    if not missing:
        return None
    sheets = book.package().sheets
    for spec in missing:
        if spec.sheet in sheets:
            raise WorkbookError(
                f"{book.name}: シート「{spec.sheet}」がありますが、kaikaku-xl の表 {spec.name} がありません"
                f"（この版で追加するシートと同じ名前です）。シート「{spec.sheet}」の名前を変えてから、{AGAIN}"
            )
    names = "、".join(dict.fromkeys(f"「{s.sheet}」" for s in missing))
    return f"シート{names}を追加（表 {'・'.join(s.name for s in missing)}）"


def _tables_apply(step: AddTables, book: Book) -> None:
    missing = _missing_tables(step, book)
    titles = {s.name: TITLES[s.name] for s in missing if s.anchor_col == 1 and s.name in TITLES}
    book.write(added_table_parts(book.path, missing, set(c.HIDDEN_CYCLE_SHEETS), book.blank_rows, titles))
    for spec in missing:
        if spec in (*book.layout.inputs, *book.layout.optional_inputs, *book.layout.period):
            _fill_from_reference(book, spec)  # rows per item, year or 基本方針 as a new master has them


def _fill_from_reference(book: Book, spec: TableSpec) -> None:
    """A new input table holds the rows a new master of the plan has (one per item and year …), if any."""
    rows = _reference_rows(book, spec.name) if any(spec.name in ws.tables for ws in book.reference) else []
    rows = [row for row in rows if any(v is not None for v in row)]
    if not rows:
        return
    part = book.package().tables[spec.name]
    sheet_part = book.package().sheets[part.sheet]
    low, top, high, _ = part.bounds
    cells = {(top + i, low + k): v for i, row in enumerate(rows, start=1) for k, v in enumerate(row)}
    ref = range_ref(low, top, high, top + len(rows))
    book.write(
        {
            sheet_part: patch_sheet(book.part(sheet_part), cells, {cell: 0 for cell in cells}),
            part.part: render_table(book.part(part.part), ref, None),
        }
    )


# ---- AddColumns ----------------------------------------------------------------------------------------
def _new_columns(step: AddColumns, spec: TableSpec) -> tuple[list[str], list[str]]:
    """(the headers the table has before these columns, the headers added)."""
    keys = [col.key for col in spec.columns]
    first = keys.index(step.keys[0])
    return spec.headers[:first], [spec.column(k).header for k in step.keys]


def _refuse_headers(book: Book, spec: TableSpec, have: list[str], want: list[str]) -> None:
    """Refuse a table whose headers are not those the release before these columns built, by cell."""
    part = book.package().tables[spec.name]
    low, top, _, _ = part.bounds
    where = f"{book.name} のシート「{part.sheet}」の表 {spec.name}"
    for i, (found, expected) in enumerate(zip(have, want, strict=False)):
        if found != expected:
            raise WorkbookError(
                f"{where}: セル {_cell(low + i, top)} の見出しが「{shown(found)}」ですが、「{expected}」の列の"
                f"はずです。見出しを「{expected}」に戻してから、{AGAIN}"
            )
    if len(have) > len(want):
        raise WorkbookError(
            f"{where}: 右端に列「{shown(have[len(want)])}」（セル {_cell(low + len(want), top)}）が追加されて"
            f"います。新しい列をその位置に追加するため、この列を表の外へ移すか削除してから、{AGAIN}"
        )
    raise WorkbookError(
        f"{where}: 列「{want[len(have)]}」がありません。kaikaku init で作成したマスターから列を戻してから、{AGAIN}"
    )


def _columns_pending(step: AddColumns, book: Book) -> str | None:
    spec = _spec(book, step.table)
    if spec is None or spec.name not in book.package().tables:
        return None
    have = book.headers(spec.name)
    before, added = _new_columns(step, spec)
    if all(h in have for h in added):
        return None
    if have != before:
        _refuse_headers(book, spec, have, before)
    _refuse_filled(book, spec, len(added))
    return f"シート「{spec.sheet}」の表 {spec.name} に列 {'・'.join(added)} を追加"


def _refuse_filled(book: Book, spec: TableSpec, count: int) -> None:
    """The columns at the table's right must be blank over its rows (and hold no other table)."""
    package = book.package()
    part = package.tables[spec.name]
    low, top, high, bottom = part.bounds
    area = (high + 1, top, high + count, bottom)
    span = f"{column_letter(area[0])}〜{column_letter(area[2])} 列の {top}〜{bottom} 行目"
    for other in package.tables.values():
        o_low, o_top, o_high, o_bottom = other.bounds
        if (
            other.sheet == part.sheet
            and o_low <= area[2]
            and o_high >= area[0]
            and o_top <= bottom
            and o_bottom >= top
        ):
            raise WorkbookError(
                f"{book.name} のシート「{part.sheet}」: 表 {spec.name} の右に列を追加するため {span}を使いますが、"
                f"そこに表 {other.name}（{other.ref}）があります。その表を別の場所へ移してから、{AGAIN}"
            )
    for r, row in enumerate(book.cells(part.sheet, area), start=top):
        for k, value in enumerate(row):
            if value is not None:
                raise WorkbookError(
                    f"{book.name} のシート「{part.sheet}」: セル {_cell(area[0] + k, r)} に「{shown(value)}」"
                    f"があります。表 {spec.name} の右に新しい列を追加するため、{span}を空けて（内容を別の場所へ"
                    f"移して）から、{AGAIN}"
                )


def _columns_apply(step: AddColumns, book: Book) -> None:
    spec = _spec(book, step.table)
    assert spec is not None  # pending found it
    part = book.package().tables[spec.name]
    sheet_part = book.package().sheets[part.sheet]
    low, top, high, bottom = part.bounds
    _, added = _new_columns(step, spec)
    new_cols = range(high + 1, high + 1 + len(added))
    xml = book.part(sheet_part)
    # a new column looks like the table's last one, row by row (header, input cells, locked or not)
    last = cell_styles(xml, {(r, high) for r in range(top, bottom + 1)})
    styles = {(r, col): last[(r, high)] for r in range(top, bottom + 1) for col in new_cols}
    xml = patch_sheet(xml, {(top, col): header for col, header in zip(new_cols, added, strict=True)}, styles)
    xml = with_column_widths(
        xml, {col: spec.column(k).width for col, k in zip(new_cols, step.keys, strict=True)}
    )
    ref = range_ref(low, top, new_cols[-1], bottom)
    book.write({sheet_part: xml, part.part: with_table_columns(book.part(part.part), ref, added)})


# ---- AddKeyRows ----------------------------------------------------------------------------------------
def _reference_rows(book: Book, name: str) -> list[list[Any]]:
    """The data rows of a table in a new master of the same plan."""
    ws = next(ws for ws in book.reference.worksheets if name in ws.tables)
    low, top, high, bottom = range_bounds(ws.tables[name].ref)
    return [[ws.cell(r, col).value for col in range(low, high + 1)] for r in range(top + 1, bottom + 1)]


def _missing_rows(book: Book, spec: TableSpec) -> list[list[Any]]:
    part = book.package().tables[spec.name]
    low, top, high, bottom = part.bounds
    have = {str(row[0]).strip() for row in book.cells(part.sheet, (low, top + 1, low, bottom)) if row[0]}
    return [row for row in _reference_rows(book, spec.name) if row[0] and str(row[0]) not in have]


def _rows_pending(step: AddKeyRows, book: Book) -> str | None:
    spec = _spec(book, step.table)
    if spec is None or spec.name not in book.package().tables:
        return None
    rows = _missing_rows(book, spec)
    if not rows:
        return None
    part = book.package().tables[spec.name]
    low, top, high, bottom = part.bounds
    area = (low, bottom + 1, high, bottom + len(rows))
    for r, row in enumerate(book.cells(part.sheet, area), start=bottom + 1):
        for k, value in enumerate(row):
            if value is not None:
                raise WorkbookError(
                    f"{book.name} のシート「{part.sheet}」: セル {_cell(low + k, r)} に「{shown(value)}」が"
                    f"あります。表 {spec.name} の下に {len(rows)} 行を追加するため、{area[1]}〜{area[3]} 行目を"
                    f"空けて（内容を別の場所へ移して）から、{AGAIN}"
                )
    keys = "・".join(str(row[0]) for row in rows)
    return f"シート「{spec.sheet}」の表 {spec.name} に行を追加（{keys}。値は新しいマスターと同じ）"


def _rows_apply(step: AddKeyRows, book: Book) -> None:
    spec = _spec(book, step.table)
    assert spec is not None
    rows = _missing_rows(book, spec)
    part = book.package().tables[spec.name]
    sheet_part = book.package().sheets[part.sheet]
    low, top, high, bottom = part.bounds
    cells = {
        (bottom + i, low + k): value
        for i, row in enumerate(rows, start=1)
        for k, value in enumerate(row)
        if value is not None
    }
    ref = range_ref(low, top, high, bottom + len(rows))
    book.write(
        {
            sheet_part: patch_sheet(book.part(sheet_part), cells),
            part.part: render_table(book.part(part.part), ref, None),
        }
    )


# ---- SyncValidations -----------------------------------------------------------------------------------
def _rule_key(rule: etree._Element) -> tuple[Any, ...]:
    """A validation as compared (attributes and formulas; the order and namespace of its parts aside)."""
    attributes = {k: v for k, v in rule.attrib.items() if v not in ("0", "false")}
    children = tuple(sorted((etree.QName(child).localname, child.text or "") for child in rule))
    return tuple(sorted(attributes.items())), children


def _reference_rules(book: Book, spec: TableSpec, columns: set[int]) -> list[bytes]:
    ws = book.reference[spec.sheet]
    rules = []
    for dv in ws.data_validations.dataValidation:
        element = dv.to_tree()
        if _columns(element.get("sqref", "")) <= columns:
            rules.append(ET.tostring(element))
    return rules


def _columns(sqref: str) -> set[int]:
    found: set[int] = set()
    for ref in sqref.split():
        low, _, high, _ = range_bounds(ref)
        found.update(range(low, high + 1))
    return found


def _validations(book: Book, name: str) -> tuple[str, set[int], list[bytes]] | None:
    """(the sheet's part, the table's columns, the reference rules) where the master's rules differ."""
    spec = _spec(book, name)
    if spec is None or spec.name not in book.package().tables or spec.sheet not in book.reference.sheetnames:
        return None
    part = book.package().tables[spec.name]
    columns = set(range(part.bounds[0], part.bounds[2] + 1))
    sheet_part = book.package().sheets[part.sheet]
    wanted = _reference_rules(book, spec, columns)
    have = sorted(_rule_key(rule) for rule in validation_rules(book.part(sheet_part), columns))
    if have == sorted(_rule_key(etree.fromstring(rule)) for rule in wanted):
        return None
    return sheet_part, columns, wanted


def _validations_pending(step: SyncValidations, book: Book) -> str | None:
    found = _validations(book, step.table)
    if found is None:
        return None
    spec = _spec(book, step.table)
    assert spec is not None
    return f"シート「{spec.sheet}」の表 {spec.name} の入力規則（選択肢・メッセージ）を新しいマスターと同じに"


def _validations_apply(step: SyncValidations, book: Book) -> None:
    found = _validations(book, step.table)
    if found is not None:
        sheet_part, columns, rules = found
        book.write({sheet_part: with_validations(book.part(sheet_part), columns, rules)})


# ---- AddDefinedName ------------------------------------------------------------------------------------
WORKBOOK = "xl/workbook.xml"


def _name_pending(step: AddDefinedName, book: Book) -> str | None:
    if step.name in defined_names(book.part(WORKBOOK)):
        return None
    return f"名前 {step.name} を追加"


def _name_apply(step: AddDefinedName, book: Book) -> None:
    value = book.reference.defined_names[step.name].attr_text
    book.write({WORKBOOK: with_defined_name(book.part(WORKBOOK), step.name, value)})


# ---- RenameHeaders -------------------------------------------------------------------------------------
def _renamed(step: RenameHeaders, book: Book) -> dict[str, str]:
    """{earlier header the master has: the contract's header} for the step's columns."""
    spec = _spec(book, step.table)
    if spec is None or spec.name not in book.package().tables:
        return {}
    have = set(book.headers(spec.name))
    return {
        old: spec.column(key).header
        for key in step.keys
        for old in spec.column(key).also
        if old in have and spec.column(key).header not in have
    }


def _rename_pending(step: RenameHeaders, book: Book) -> str | None:
    renamed = _renamed(step, book)
    if not renamed:
        return None
    spec = _spec(book, step.table)
    assert spec is not None  # _renamed found it
    changes = "、".join(f"「{old}」を「{new}」に" for old, new in renamed.items())
    return f"シート「{spec.sheet}」の表 {spec.name} の見出し{changes}"


def _rename_apply(step: RenameHeaders, book: Book) -> None:
    renamed = _renamed(step, book)
    part = book.package().tables[step.table]
    sheet_part = book.package().sheets[part.sheet]
    low, top, _, _ = part.bounds
    headers = book.headers(step.table)
    cells = {(top, low + i): renamed[h] for i, h in enumerate(headers) if h in renamed}
    xml = book.part(sheet_part)
    book.write(
        {
            sheet_part: patch_sheet(xml, cells, cell_styles(xml, set(cells))),
            part.part: with_table_column_names(book.part(part.part), renamed),
        }
    )


KINDS: dict[type, tuple[Callable[[Any, Book], str | None], Callable[[Any, Book], None]]] = {
    AddTables: (_tables_pending, _tables_apply),
    AddColumns: (_columns_pending, _columns_apply),
    AddKeyRows: (_rows_pending, _rows_apply),
    SyncValidations: (_validations_pending, _validations_apply),
    AddDefinedName: (_name_pending, _name_apply),
    RenameHeaders: (_rename_pending, _rename_apply),
}


def pending(step: Step, book: Book) -> str | None:
    """What the step would change in the master (None: nothing); refuses (WorkbookError) before any write."""
    return KINDS[type(step)][0](step, book)


def apply(step: Step, book: Book) -> None:
    KINDS[type(step)][1](step, book)
