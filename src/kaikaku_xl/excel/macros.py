"""The macros: the actions of the 操作 sheet (the contract's ACTIONS) run from Excel, through the same workflows as
the command line.

Classic Excel: the 更新 button runs `SampleCall`, which imports `<workbook name>.py` beside the workbook and calls
its `main()`, which calls `main()` here: the book is `xw.Book.caller()` and the 操作 sheet's dropdown chooses the
action. xlwings Server (Office.js): the scripts below get the book injected (task pane buttons, or selecting the
button cell of the 操作 sheet). Whatever happens, the outcome is written into the workbook, in the status cell
(defined name kaikaku_status) and, for errors, the 問題点 table; no traceback reaches the user.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import xlwings as xw

from kaikaku_xl.app.outputs import problem_rows
from kaikaku_xl.app.refresh import refresh as refresh_workflow
from kaikaku_xl.app.validate import validate as validate_workflow
from kaikaku_xl.errors import KaikakuError, WorkbookError
from kaikaku_xl.excel.engine import XlwingsEngine
from kaikaku_xl.master import contract as c
from kaikaku_xl.master.contract import excel as n
from kaikaku_xl.master.load import Loaded
from kaikaku_xl.master.records import timestamp
from kaikaku_xl.plan.settings import Settings
from kaikaku_xl.problems import ERROR
from kaikaku_xl.rounding import format_amount


def _problem_hint(loaded: Loaded) -> str:
    errors = len(loaded.errors)
    warnings = len(loaded.problems) - errors
    text = f"エラー {errors} 件・警告 {warnings} 件"
    if loaded.problems:
        text += f"。「{c.PROBLEMS.sheet}」シートを確認してください"
    return text


def do_refresh(engine: XlwingsEngine, now: datetime) -> str:
    """The refresh of `kaikaku refresh`, through the open workbook."""
    outcome = refresh_workflow(engine, now=now)
    s = outcome.summary
    return (
        f"{n.ACTION_REFRESH}しました（{timestamp(now)}）: 評価年度 {s.evaluation_year}年度、"
        f"評価した項目 {s.graded}、単年度効果額 {format_amount(s.single_year)}円、{_problem_hint(outcome.loaded)}。"
    )


def do_validate(engine: XlwingsEngine, now: datetime) -> str:
    """The check of `kaikaku validate`; the problems replace the 問題点 table."""
    loaded, problems = validate_workflow(engine)
    engine.write_table(c.PROBLEMS, problem_rows(problems))
    engine.commit()
    return f"{n.ACTION_VALIDATE}しました（{timestamp(now)}）: {_problem_hint(loaded)}。"


def export_folder(engine: XlwingsEngine) -> Path:
    """Where 出力 writes: the folder named in the 操作 sheet (relative to the workbook's folder)."""
    book_path = Path(str(engine.book.fullname))
    if engine.remote or not book_path.is_absolute():
        raise WorkbookError(
            "ブラウザー版・Office.js からはファイルを出力できません。"
            "マスターを保存し、コマンド kaikaku export で出力してください。"
        )
    chosen = str(engine.read_named(n.NAME_EXPORT_DIR) or n.DEFAULT_EXPORT_DIR).strip()
    folder = Path(chosen)
    return folder if folder.is_absolute() else book_path.parent / folder


def excel_pdf(app: xw.App, xlsx: Path, pdf: Path) -> None:
    """The council PDF by Excel's own PDF export of the values-only workbook (classic Excel: the caller's app)."""
    book = app.books.open(str(xlsx), read_only=True)
    try:
        book.to_pdf(str(pdf))
    finally:
        book.close()


def do_export(engine: XlwingsEngine, now: datetime) -> str:
    """The council materials of `kaikaku export`, from the values in the open workbook (same workflow)."""
    from kaikaku_xl.app.export import export_from_engine

    folder = export_folder(engine)
    result = export_from_engine(
        engine,
        folder,
        now=now,
        pdf_renderer=lambda xlsx, pdf: excel_pdf(engine.book.app, xlsx, pdf),
    )
    notes = f"（注意 {len(result.warnings)} 件: {result.warnings[0]}）" if result.warnings else ""
    return f"{n.ACTION_EXPORT}しました（{timestamp(now)}）: {folder} に {len(result.paths)} ファイル{notes}。"


def cycle_folder(engine: XlwingsEngine, chosen: Callable[[Settings], str]) -> Path:
    """The 配布 / 回収 folder of the 設定 sheet, `chosen` from its settings (relative to the workbook's folder)."""
    from kaikaku_xl.master.load import load

    book_path = Path(str(engine.book.fullname))
    if engine.remote or not book_path.is_absolute():
        raise WorkbookError(
            "ブラウザー版・Office.js からは配布・回収できません。"
            "マスターを保存し、コマンド kaikaku distribute / collect を使ってください。"
        )
    folder = Path(str(chosen(load(engine).settings)).strip())
    return folder if folder.is_absolute() else book_path.parent / folder


def do_distribute(engine: XlwingsEngine, now: datetime) -> str:
    """`kaikaku distribute` into the 配布フォルダー of the 設定 sheet, recorded in the open workbook."""
    from kaikaku_xl.cycle.distribute import distribute_into

    folder = cycle_folder(engine, lambda settings: settings.distribution_folder)
    result = distribute_into(engine, folder, now=now)
    return (
        f"{n.ACTION_DISTRIBUTE}しました（{timestamp(now)}）: {result.year}年度、{len(result.sent)} 課のファイルを "
        f"{folder} に作成しました。ブックを保存してください（配布の記録が入っています）。"
    )


def do_collect(engine: XlwingsEngine, now: datetime) -> str:
    """`kaikaku collect` of the 回収フォルダー of the 設定 sheet, merged into the open workbook."""
    from kaikaku_xl.cycle.collect import collect_into, returned_files

    folder = cycle_folder(engine, lambda settings: settings.collection_folder)
    report = collect_into(engine, returned_files([folder]), now=now)
    open_conflicts = sum(not x["resolved"] for x in report.conflicts)
    text = (
        f"{n.ACTION_COLLECT}しました（{timestamp(now)}）: {len(report.files)} ファイル、適用 "
        f"{len(report.applied)} 件・競合 {open_conflicts} 件・拒否 {len(report.refused)} 件"
    )
    if report.conflicts or report.refused:
        text += f"。「{c.CHANGE_LOG.sheet}」シートで確認してください"
    return text + "。ブックを保存してください。"


def _chosen_department(engine: XlwingsEngine) -> str:
    """The 課名 cell of the 操作 sheet (defined name kaikaku_department), or why it cannot be read."""
    if engine.named_cell(n.NAME_DEPARTMENT) is None:
        raise WorkbookError(
            f"操作シートに課名のセル（名前 {n.NAME_DEPARTMENT}）がありません。"
            "コマンド kaikaku accept / send-back --department 課名 を使ってください。"
        )
    department = str(engine.read_named(n.NAME_DEPARTMENT) or "").strip()
    if not department:
        raise WorkbookError("操作シートの「課名（確定・差戻し）」に主要担当課を入力してください。")
    return department


def do_accept(engine: XlwingsEngine, now: datetime) -> str:
    """`kaikaku accept` for the department named on the 操作 sheet, recorded in the open workbook."""
    from kaikaku_xl.cycle.accept import accept_into

    step = accept_into(engine, _chosen_department(engine), now=now)
    if step.already:
        return (
            f"{step.year}年度の{step.department}の返送内容は {step.at} に確定済みです（変更はありません）。"
        )
    return (
        f"{n.ACTION_ACCEPT}しました（{timestamp(now)}）: {step.year}年度の{step.department}の返送内容を確定しました。"
        "ブックを保存してください。"
    )


def do_send_back(engine: XlwingsEngine, now: datetime) -> str:
    """`kaikaku send-back` for the department and the reason typed on the 操作 sheet."""
    from kaikaku_xl.cycle.accept import send_back_into

    department = _chosen_department(engine)
    reason = str(engine.read_named(n.NAME_REASON) or "")
    step = send_back_into(engine, department, reason, now=now)
    return (
        f"{n.ACTION_SEND_BACK}しました（{timestamp(now)}）: {step.year}年度の{step.department}。"
        f"ブックを保存し、kaikaku distribute --department {step.department} で配布し直してください"
        "（理由は記入方法シートに載ります）。"
    )


Doer = Callable[[XlwingsEngine, datetime], str]  # one action on the open book; returns its 状態 line


# Who does each action of the contract's ACTIONS (master/contract/excel.py, the one list of them): a new action
# is named there and done here (tests/excel/test_excel_engine.py holds the two lists to each other).
DOERS: dict[str, Doer] = {
    n.ACTION_REFRESH: do_refresh,
    n.ACTION_VALIDATE: do_validate,
    n.ACTION_EXPORT: do_export,
    n.ACTION_DISTRIBUTE: do_distribute,
    n.ACTION_COLLECT: do_collect,
    n.ACTION_ACCEPT: do_accept,
    n.ACTION_SEND_BACK: do_send_back,
}


def _show(engine: XlwingsEngine, status: str, problem: tuple[str, str] | None) -> None:
    """The status cell (and, for a failure, one row in 問題点); silent where the workbook has neither."""
    engine.discard()
    try:
        if problem and engine.has_table(c.PROBLEMS.name):
            engine.write_table(c.PROBLEMS, [[ERROR, "", "", problem[0], problem[1]]])
        place = engine.named_cell(n.NAME_STATUS)
        if place:
            engine.write_cells(place[0], {place[1]: status})
        engine.commit()
    except Exception:  # the workbook cannot even take the message: nothing more to do safely
        engine.discard()
    if engine.remote and not engine.named_cell(n.NAME_STATUS):
        engine.book.app.alert(status, title="kaikaku-xl")


def run(book: xw.Book, action: str | None = None, now: datetime | None = None) -> str:
    """Run one action of the contract's ACTIONS (by default the one chosen on the 操作 sheet) on an open book and
    report its outcome in the workbook; never raises. A KaikakuError is the user's to act on (its message and
    what to do); anything else is a bug, reported as one."""
    engine = XlwingsEngine(book)
    now = now or datetime.now()
    chosen = (action or str(engine.read_named(n.NAME_ACTION) or n.ACTION_REFRESH)).strip()
    doer = DOERS.get(chosen)
    if doer is None:
        status = f"エラー: 処理「{chosen}」はありません。{'・'.join(n.ACTIONS)} から選んでください。"
        _show(engine, status, None)
        return status
    try:
        status = doer(engine, now)
        problem = None
    except KaikakuError as exc:
        status = f"エラー（{chosen}）: {exc}"
        problem = (str(exc), "表示された内容を確認し、直してからもう一度実行してください。")
    except Exception as exc:  # a bug: say so plainly in the workbook, keep the outputs as they were
        status = (
            f"予期しないエラー（{chosen}）: {type(exc).__name__}: {exc}。出力シートは変更していません。"
            "この表示を担当者に伝えてください。"
        )
        problem = (status, "担当者（情報政策担当）に連絡してください。")
    _show(engine, status, problem)
    return status


def main() -> None:
    """Entry point of `<workbook name>.py` (classic xlwings, the 更新 button): the dropdown chooses the action."""
    run(xw.Book.caller())


# ---- scripts: the same actions as xlwings scripts (Office.js task pane; classic: callable with a book) ----------
@xw.script
def run_action(book: xw.Book | None = None) -> None:
    """操作シートで選んだ処理を実行します。"""
    run(book or xw.Book.caller())


@xw.script
def refresh(book: xw.Book | None = None) -> None:
    """更新: 入力を読み、評価・財政効果額・集計を書き込みます。"""
    run(book or xw.Book.caller(), n.ACTION_REFRESH)


@xw.script
def validate(book: xw.Book | None = None) -> None:
    """検証: 入力の問題を「問題点」シートに一覧します。"""
    run(book or xw.Book.caller(), n.ACTION_VALIDATE)


@xw.script
def distribute(book: xw.Book | None = None) -> None:
    """配布: 担当課ごとの実績報告ファイルを設定シートの配布フォルダーに作成します（Excel デスクトップのみ）。"""
    run(book or xw.Book.caller(), n.ACTION_DISTRIBUTE)


@xw.script
def collect(book: xw.Book | None = None) -> None:
    """回収: 設定シートの回収フォルダーにある返送ファイルを取り込みます（Excel デスクトップのみ）。"""
    run(book or xw.Book.caller(), n.ACTION_COLLECT)


@xw.script
def accept(book: xw.Book | None = None) -> None:
    """確定: 操作シートの課名の担当課の返送内容を確定します。"""
    run(book or xw.Book.caller(), n.ACTION_ACCEPT)


@xw.script
def send_back(book: xw.Book | None = None) -> None:
    """差戻し: 操作シートの課名の担当課の返送内容を、差戻しの理由を付けて差し戻します。"""
    run(book or xw.Book.caller(), n.ACTION_SEND_BACK)


@xw.script
def export(book: xw.Book | None = None) -> None:
    """出力: 懇談会資料（PDF・Excel・HTML・CSV）を書き出します（Excel デスクトップのみ）。"""
    run(book or xw.Book.caller(), n.ACTION_EXPORT)


__all__ = [
    "accept",
    "collect",
    "distribute",
    "export",
    "main",
    "refresh",
    "run",
    "run_action",
    "send_back",
    "validate",
]
