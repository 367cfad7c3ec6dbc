"""`kaikaku init --xlsm`: the macro-enabled master, built from xlwings' own quickstart_standalone.xlsm.

VBA cannot be written reliably here, so the workbook takes the VBA project of the xlwings template installed with
the pinned xlwings, byte for byte (its xlwings module, and Module1.SampleCall, which runs
`import <workbook name>; <workbook name>.main()`). Nothing of xlwings is committed to this repository: the
template is read from the installed xlwings package when the master is built.

The master's sheets are built by the same builder as `kaikaku init` (openpyxl); openpyxl writes the template's
vbaProject.bin unchanged (its `vba_archive`), together with a Form-Control button 更新 bound to SampleCall (a VML
drawing made by XlsxWriter's `insert_button`). Then the master is refreshed once by the headless engine
(app/init.py), which copies every part it does not own (VBA, button) byte for byte. Beside it goes
`<name>.py` whose main() runs the action chosen on the 操作 sheet.
"""

from __future__ import annotations

import io
import keyword
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import xlwings
from openpyxl.styles import Alignment
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaikaku_xl.app.init import MasterPacker, create_master
from kaikaku_xl.errors import WorkbookError
from kaikaku_xl.master.builder import new_master
from kaikaku_xl.master.contract import excel as n
from kaikaku_xl.master.sheets import print_setup
from kaikaku_xl.plan import Plan
from kaikaku_xl.progress import SILENT, Progress
from kaikaku_xl.textfit import row_height
from kaikaku_xl.xlsx.styles import apply
from kaikaku_xl.xlsx.textcell import put_value

VML_PART = (
    "xl/drawings/vmlDrawing1.vml"  # the name openpyxl keeps from its vba_archive (vmlDrawing<digit>.vml)
)
VBA_PART = "xl/vbaProject.bin"
COLUMN_WIDTHS = {"A": 24.0, "B": 64.0, "C": 3.0, "D": 14.0, "E": 14.0}
BUTTON_SIZE = (150, 40)  # pixels
_TAKEN = {"xlwings", "kaikaku_xl", n.UDF_MODULE, "numpy", "pandas", "openpyxl", "lxml", "xlsxwriter"}

ACTION_LINES: tuple[str, ...] = (
    "■ ボタンの使い方",
    *(f"・「{action}」：{n.ACTION_HELP[action]}" for action in n.ACTIONS),
    "・処理を選び（既定は更新）、右のボタンを押します。終わると「状態」に結果が表示されます。",
    "・エラーが表示されたら：「問題点」シートの行を確認し、示されたシート・セルを直してからもう一度押してください。",
    "・「Python が見つからない」などのメッセージが出た場合は、パソコンの設定が必要です。情報政策担当に連絡してください。",
)


def template_path() -> Path:
    """xlwings' quickstart_standalone.xlsm of the installed (pinned) xlwings."""
    path = Path(xlwings.__file__).parent / n.TEMPLATE
    if not path.exists():
        raise WorkbookError(
            f"xlwings のテンプレート {n.TEMPLATE} が見つかりません（xlwings {xlwings.__version__}）。"
        )
    return path


def check_name(path: Path) -> None:
    """The button imports `<name>.py`: the file name must be a plain, importable Python module name."""
    stem = path.stem
    if path.suffix.lower() != ".xlsm":
        raise WorkbookError("マクロ付きマスターのファイル名は .xlsm で終わる必要があります。")
    if not (stem.isascii() and stem.isidentifier()) or keyword.iskeyword(stem):
        raise WorkbookError(
            f"ファイル名「{path.name}」は使えません。半角の英字で始まり、英数字と _ だけの名前にしてください"
            "（例: omitama_master.xlsm）。ボタンが同じ名前の Python ファイルを読み込むためです。"
        )
    if stem in sys.stdlib_module_names or stem in _TAKEN:
        raise WorkbookError(
            f"ファイル名「{path.name}」は Python のモジュール名と重なります。別の名前にしてください。"
        )


def button_vml() -> bytes:
    """The VML of one Form-Control button 更新 bound to SampleCall, laid out for the 操作 sheet's columns."""
    import xlsxwriter

    buffer = io.BytesIO()
    scratch = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = scratch.add_worksheet(n.SHEET_ACTIONS)
    for letter, width in COLUMN_WIDTHS.items():
        sheet.set_column(f"{letter}:{letter}", width)
    width, height = BUTTON_SIZE
    sheet.insert_button(
        n.ACTION_CELLS.button,
        {"macro": n.BUTTON_MACRO, "caption": n.BUTTON_CAPTION, "width": width, "height": height},
    )
    scratch.close()
    with zipfile.ZipFile(buffer) as zf:
        return zf.read(VML_PART)


def vba_archive() -> zipfile.ZipFile:
    """The template package plus the button's VML: what openpyxl copies VBA and form-control parts from."""
    archive = zipfile.ZipFile(io.BytesIO(), "a", zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(template_path()) as template:
        for info in template.infolist():
            archive.writestr(info, template.read(info.filename))
    archive.writestr(VML_PART, button_vml())
    return archive


LIST_LIMIT = 255  # characters of a dropdown's inline list (Excel's limit)


def _department_choice(ws: Worksheet, plan: Plan) -> None:
    """The 課名 cell: a dropdown of the plan's 主要担当課 where they fit an inline list (else typed, checked by
    the action, which names the departments)."""
    departments = list(dict.fromkeys(item.lead for item in plan.items if item.lead))
    listed = ",".join(departments)
    if not departments or len(listed) + 2 > LIST_LIMIT or any("," in d or '"' in d for d in departments):
        return
    choice = DataValidation(
        type="list",
        formula1=f'"{listed}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="課名",
        error="主要担当課から選んでください。",
        showInputMessage=True,
        promptTitle="課名",
        prompt="確定・差戻しする主要担当課を選びます。",
    )
    choice.add(n.ACTION_CELLS.department)
    ws.add_data_validation(choice)


def _actions_sheet(wb: Workbook, plan: Plan) -> Worksheet:
    ws = wb.create_sheet(n.SHEET_ACTIONS, 0)
    for letter, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    cells = n.ACTION_CELLS
    apply(put_value(ws["A1"], f"{plan.name} 操作"), "title")
    note = "処理を選んで「更新」ボタンを押すと、Python（kaikaku-xl）が計算してこのブックに書き込みます。"
    apply(put_value(ws["A2"], note), "note")
    for address, label, value, role in (
        (cells.action, "ボタンで実行する処理", n.ACTION_REFRESH, "input"),
        (cells.status, "状態", "まだ実行していません。", "output"),
        (cells.export_dir, "出力先フォルダ", n.DEFAULT_EXPORT_DIR, "input"),
        (cells.department, "課名（確定・差戻し）", None, "input"),
        (cells.reason, "差戻しの理由", None, "input"),
    ):
        target = ws[address]
        label_cell = put_value(ws.cell(row=target.row, column=target.column - 1), label)
        apply(label_cell, "kpi_label")
        label_cell.alignment = Alignment(vertical="top")  # beside the top of a tall 状態 cell
        put_value(target, value)
        apply(target, role, wrap=address in (cells.status, cells.reason))
    _department_choice(ws, plan)
    choice = DataValidation(
        type="list",
        formula1='"' + ",".join(n.ACTIONS) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="処理",
        error="・".join(n.ACTIONS) + " から選んでください。",
        showInputMessage=True,
        promptTitle="処理",
        prompt="ボタンで実行する処理を選びます。",
    )
    choice.add(cells.action)
    ws.add_data_validation(choice)
    ws.row_dimensions[ws[cells.status].row].height = 48
    ws.row_dimensions[ws[cells.reason].row].height = 32
    first = ws[cells.reason].row + 2
    span = sum(COLUMN_WIDTHS.values())
    for i, line in enumerate(ACTION_LINES, start=first):
        # one line across the sheet's columns, wrapped, as tall as its text (column A alone cut it off)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=len(COLUMN_WIDTHS))
        apply(put_value(ws.cell(row=i, column=1), line), "title" if line.startswith("■") else "body")
        height = row_height([(line, span)])
        if height:
            ws.row_dimensions[i].height = height
    for name, address in (
        (n.NAME_ACTION, cells.action),
        (n.NAME_STATUS, cells.status),
        (n.NAME_EXPORT_DIR, cells.export_dir),
        (n.NAME_DEPARTMENT, cells.department),
        (n.NAME_REASON, cells.reason),
    ):
        column, row = (
            "".join(ch for ch in address if ch.isalpha()),
            "".join(ch for ch in address if ch.isdigit()),
        )
        wb.defined_names[name] = DefinedName(name, attr_text=f"'{n.SHEET_ACTIONS}'!${column}${row}")
    ws.legacy_drawing = VML_PART
    print_setup(ws, 1, landscape=False)
    ws.print_title_rows = None
    return ws


# Only settings that have a value: a key with an empty value overrides what IT set in the PC's xlwings.conf
# (xlwings reads the workbook's sheet first), e.g. an empty PYTHONPATH would hide the PC's own.
CONF_ROWS: tuple[tuple[str, str], ...] = (("UDF Modules", n.UDF_MODULE),)
CONF_NOTES: tuple[str, ...] = (
    "xlwings の設定です（A1 から下、空行までが読まれます）。標準のインストールでは変更不要です。",
    f"UDF Modules: ワークシート関数（kk_progress など）のモジュール {n.UDF_MODULE}（kaikaku-xl と一緒にインストール済み）。",
    "PYTHONPATH などは書いていません。空欄の行があると、パソコンの xlwings.conf で情報政策担当が設定した値を上書きするためです。",
    "Python の場所は、パソコンの xlwings 設定（%USERPROFILE%\\.xlwings\\xlwings.conf の Interpreter_Win）"
    "または PATH の python を使います。",
)


def _conf_sheet(wb: Workbook) -> Worksheet:
    ws = wb.create_sheet(n.CONF_SHEET)
    for i, (key, value) in enumerate(CONF_ROWS, start=1):
        put_value(ws.cell(row=i, column=1), key)
        put_value(ws.cell(row=i, column=2), value)
    for i, line in enumerate(CONF_NOTES, start=len(CONF_ROWS) + 2):  # after one empty row: not read
        put_value(ws.cell(row=i, column=1), line)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 24
    ws.sheet_state = "hidden"
    return ws


def build_xlsm_workbook(plan: Plan, *, sample: bool = False, protect: bool = True) -> Workbook:
    """The master's sheets, the 操作 sheet with its button, xlwings.conf, and the template's VBA project."""
    wb = new_master(plan, sample=sample, protect=protect, macro=True)
    actions = _actions_sheet(wb, plan)
    _conf_sheet(wb)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is actions
    wb.active = wb.index(actions)
    wb.code_name = "ThisWorkbook"  # the VBA project's document modules: ThisWorkbook, Sheet1, Sheet2
    for i, ws in enumerate(wb.worksheets, start=1):
        ws.sheet_properties.codeName = f"Sheet{i}"
    wb.vba_archive = vba_archive()
    return wb


def macro_module(stem: str) -> str:
    """`<name>.py` beside the workbook: SampleCall imports it and calls main(); its docstrings name the button
    and the actions as the contract does."""
    actions = " / ".join(n.ACTIONS)
    return f'''"""Macros of {stem}.xlsm (kaikaku-xl). Its {n.BUTTON_CAPTION} button runs {n.BUTTON_MACRO}, which runs main() below.

Made by `kaikaku init --xlsm`. Keep this file beside the workbook, with the same name.
"""

from kaikaku_xl.excel.macros import main as _run_chosen_action


def main() -> None:
    """Run the action chosen on the {n.SHEET_ACTIONS} sheet ({actions}) on the workbook that called it."""
    _run_chosen_action()


if __name__ == "__main__":  # run from an editor while the workbook is open in Excel
    import xlwings as xw

    xw.Book("{stem}.xlsm").set_mock_caller()
    main()
'''


def save_xlsm(plan: Plan, path: Path, *, sample: bool = False, protect: bool = True) -> Workbook:
    """Write the .xlsm of build_xlsm_workbook (not yet refreshed: app/init.py does that); returns it."""
    wb = build_xlsm_workbook(plan, sample=sample, protect=protect)
    archive = wb.vba_archive
    try:
        wb.save(path)
    finally:
        if archive is not None:
            archive.close()
    return wb


class XlsmPacker:
    """The macro-enabled master for create_master: the .xlsm of build_xlsm_workbook and `<name>.py` beside it."""

    def check_name(self, path: Path) -> None:
        check_name(path)

    def save(self, plan: Plan, path: Path, *, sample: bool, protect: bool) -> Workbook:
        return save_xlsm(plan, path, sample=sample, protect=protect)

    def companion(self, path: Path) -> tuple[Path, str]:
        return path.with_suffix(".py"), macro_module(path.stem)


def create_xlsm(
    plan: Plan,
    path: Path,
    *,
    sample: bool = False,
    force: bool = False,
    now: datetime | None = None,
    protect: bool = True,
    progress: Progress = SILENT,
) -> Path:
    """Build `<name>.xlsm` (refreshed once) and `<name>.py` beside it; returns the workbook's path.
    The options are those of app.init.create_master."""
    create_master(
        plan,
        path,
        sample=sample,
        force=force,
        now=now,
        protect=protect,
        progress=progress,
        packer=XlsmPacker(),
    )
    return Path(path)


if TYPE_CHECKING:  # the type checker holds the packer to what create_master asks of one
    _packer: type[MasterPacker] = XlsmPacker
