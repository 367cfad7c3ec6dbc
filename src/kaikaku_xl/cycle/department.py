"""Department workbooks: built by the same contract and table writer as the master (a subset of rows). They are
read back when they return by returned.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl.master import contract as c
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.master.sheets import print_setup, protect_sheet, write_table
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.plan.vocabulary import LEDGER_KINDS, STATUS_VALUES
from kaikaku_xl.xlsx.rows import table_rows
from kaikaku_xl.xlsx.styles import apply
from kaikaku_xl.xlsx.tablespec import TableSpec
from kaikaku_xl.xlsx.validation import add_validation, choice_list, number_check, whole_check
from kaikaku_xl.years import wareki


@dataclass
class DepartmentTable:
    """One table of a department file: its records (by column key), and which cells (row index, column key) the
    department fills."""

    spec: TableSpec
    records: list[dict[str, Any]]
    editable_rows: set[int]
    editable_keys: set[str]
    row_formats: list[str] | None = None  # per-measure number formats (the measure's decimals)

    @property
    def rows(self) -> list[list[Any]]:
        """The records as the table's rows, in the order of its columns (a missing key is a bug: KeyError)."""
        return [[record[col.key] for col in self.spec.columns] for record in self.records]

    def editable(self, row: int, key: str) -> bool:
        return row in self.editable_rows and key in self.editable_keys


@dataclass
class DepartmentBook:
    department: str
    year: int
    guide: list[str]
    tables: list[DepartmentTable]
    identity: dict[str, str]
    items: list[Any] = field(default_factory=list)  # the department's item numbers (ledger dropdown)
    grades: tuple[str, ...] = ("S", "A", "B", "C", "D")  # the plan's grade labels (評価 dropdown)
    typed: bool = False  # the plan's scale is typed: every item takes a grade


def build_department_workbook(book: DepartmentBook) -> Workbook:
    wb = Workbook()
    guide = wb.active
    assert isinstance(guide, Worksheet)  # a new workbook's one sheet
    guide.title = c.SHEET_DEPARTMENT_GUIDE
    guide.column_dimensions["A"].width = 110
    for i, line in enumerate(book.guide, start=1):
        apply(guide.cell(row=i, column=1, value=line), "title" if i == 1 else "body")
    print_setup(guide, 1, landscape=False)
    guide.print_title_rows = None
    for table in book.tables:
        ws = wb.create_sheet(table.spec.sheet)
        write_table(ws, table.spec, table.rows, editable=table.editable, row_formats=table.row_formats)
        ws.freeze_panes = ws.cell(
            row=table.spec.anchor_row + 1, column=4 if table.spec.name == c.ACTUALS_TABLE else 1
        )
        print_setup(ws, table.spec.anchor_row)
        _department_checks(ws, table, book)
        protect_sheet(ws)
    ident = wb.create_sheet(c.IDENTITY.sheet)
    identity = [{"key": k, "value": book.identity.get(k, "")} for k in c.IDENTITY_KEYS]
    write_table(ident, c.IDENTITY, table_rows(c.IDENTITY, identity), title=False)
    ident.sheet_state = "hidden"
    protect_sheet(ident)
    wb.properties.title = f"{book.year}年度 {book.department} 実績報告"
    wb.properties.creator = "kaikaku-xl"
    return wb


def _department_checks(ws: Worksheet, table: DepartmentTable, book: DepartmentBook) -> None:
    """The master's dropdowns and number checks, on the department's input cells."""
    spec, rows = table.spec, max(len(table.records), 1)
    if spec.name == c.ACTUALS_TABLE:
        add_validation(
            ws, spec, f"y{book.year}", number_check("数値を入力してください（単位は「単位」列）。"), rows=rows
        )
    elif spec.name == c.STATUS.name:
        add_validation(
            ws,
            spec,
            "status",
            choice_list(STATUS_VALUES, "未着手・実施中・完了から選んでください。"),
            rows=rows,
        )
        from kaikaku_xl.plan.scale import EXCLUDED

        who = "全ての項目" if book.typed else "指標のない項目"
        add_validation(
            ws,
            spec,
            "grade",
            choice_list(
                (*book.grades, EXCLUDED), f"{who}の評価（{'・'.join(book.grades)}）を選んでください。"[:250]
            ),
            rows=rows,
        )
    elif spec.name == c.LEDGER.name:
        numbers = [str(i) for i in book.items]
        add_validation(
            ws, spec, "item", choice_list(numbers, "この課の取組項目の No を選んでください。"), rows=rows
        )
        add_validation(
            ws,
            spec,
            "year",
            whole_check(book.year, book.year, f"{book.year} を入力してください。"),
            rows=rows,
        )
        add_validation(
            ws, spec, "kind", choice_list(LEDGER_KINDS, "歳出削減・歳入増加から選んでください。"), rows=rows
        )
        add_validation(ws, spec, "amount", number_check("金額（円）を数値で入力してください。"), rows=rows)


def department_guide(
    loaded: Loaded, department: str, year: int, due: str, contact: str, measures: int
) -> list[str]:
    """The lines of the 記入方法 sheet: what to fill in (this year's column, the grades this plan uses, the
    cumulative measures), how to return the file, whom to ask."""
    due_text = f"{due} までに" if due else "期限までに"
    scale = GradeScale.of(loaded.settings)
    grading = (
        f"全ての項目の評価（{'・'.join(scale.labels)}）を選びます。"
        if scale.typed
        else f"指標のない項目は評価（{'・'.join(scale.labels)}）も選びます。"
    )
    lower = "・".join(scale.explained)
    explain = f"評価が {lower} の項目や、" if lower else ""
    cumulative = [
        m.name for it in loaded.plan.items if it.lead == department for m in it.measures if m.cumulative
    ]
    return [
        f"{loaded.plan.name} {year}年度（{wareki(year)}）実績報告 ― {department}",
        "",
        "■ 記入するところ（黄色のセルだけ）",
        f"・実績：{year}年度の列に、各指標の実績値を「単位」列の単位で入力します（{measures} 指標）。"
        "1.2万、３，０００円 などの表記も読み取ります。",
        *(
            [
                f"・次の指標は累計の指標です。{year}年度の1年間の値（その年度の件数・金額）を入力してください"
                f"（累計は自動で計算します）：{'、'.join(cumulative)}"
            ]
            if cumulative
            else []
        ),
        f"・{c.STATUS.sheet}：{year}年度の行に、進捗状況（未着手・実施中・完了）、取組実績、課題、今後の方向性を記入します。"
        f"{grading}{explain}実績がなく評価できない指標のある項目は、"
        "取組実績・課題・今後の方向性を必ず記入してください。",
        f"・{c.LEDGER.sheet}：指標で捉えられない財政効果額を1行1件で入力します（No、年度、区分、金額、内容、算定根拠）。",
        "・灰色のセルは前年度までの値や計画の値です（変更しても取り込まれません）。",
        "",
        "■ 提出",
        f"・{due_text}、このファイルを保存して（ファイル名は変えずに）、行革・DX推進担当へ返送してください。",
        "・Excel 2016 以降・LibreOffice で開けます。マクロは入っていません。",
        "・行の追加・削除、シート名・列見出しの変更はしないでください（取り込めなくなります）。",
        f"・問い合わせ先：{contact or '行革・DX推進担当'}",
    ]
