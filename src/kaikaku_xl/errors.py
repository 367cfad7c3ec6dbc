"""The one error family of kaikaku-xl: every failure a user can cause is a KaikakuError with a Japanese message.

`cli.main` catches KaikakuError once and exits with its `exit_code`; the Excel doors show `str(error)` in the
状態 cell. Anything else that escapes is a bug (exit 3, details with --debug).
"""

from __future__ import annotations

import errno

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILED, EXIT_BUG = 0, 1, 2, 3


class KaikakuError(Exception):
    """A failure the user can act on; the message (Japanese) says what happened and what to do."""

    exit_code: int = EXIT_FAILED


class PlanError(KaikakuError, ValueError):
    """A plan file that cannot be used; the message says where (sheet/cell or item number, field)."""


class WorkbookError(KaikakuError):
    """A workbook that cannot be read or written safely (missing tables, locked, not a workbook...)."""


class InputError(KaikakuError, ValueError):
    """Input that cannot be used as given (a bad command-line value, a bad setting)."""


class ExportError(KaikakuError):
    """Council materials that could not be written."""


class PlanWorkbookError(PlanError):
    """A plan workbook with mistakes: every one of them, each with its sheet and cell."""

    def __init__(self, source: str, problems: list[tuple[str, str, str]]) -> None:
        self.problems = problems  # (sheet, cell, message)
        lines = [
            f"・{sheet}!{cell}: {message}" if cell else f"・{sheet}: {message}"
            for sheet, cell, message in problems
        ]
        super().__init__(
            f"計画ワークブック {source} に {len(problems)} 件の問題があります。\n" + "\n".join(lines)
        )


_OS_REASONS: dict[int | None, str] = {  # errno (None: the error has none) -> why, in Japanese
    errno.ENOSPC: "ディスクの空き容量が足りません",
    errno.EDQUOT: "ディスクの割り当て容量を超えました",
    errno.EACCES: "アクセス権限がありません",
    errno.EPERM: "アクセス権限がありません",
    errno.EROFS: "読み取り専用の場所です",
    errno.ENAMETOOLONG: "ファイル名またはパスが長すぎます",
    errno.EEXIST: "同じ名前のファイルまたはフォルダーが既にあります",
    errno.ENOTDIR: "パスの途中にフォルダーではなくファイルがあります",
    errno.EISDIR: "ファイルではなくフォルダーです",
    errno.ENOENT: "ファイルまたはフォルダーが見つかりません",
    errno.EBUSY: "他のプログラムが使用中です",
}

_OS_ACTIONS: dict[int | None, str] = {
    errno.ENOSPC: "空き容量を増やしてから、もう一度実行してください。",
    errno.EDQUOT: "空き容量を増やしてから、もう一度実行してください。",
    errno.ENAMETOOLONG: "短い名前か、浅いフォルダーを指定してください。",
    errno.EEXIST: "別の名前を指定してください。",
    errno.ENOTDIR: "パスを確認し、別の名前を指定してください。",
    errno.EISDIR: "ファイル（.xlsx / .xlsm）を指定してください。",
    errno.ENOENT: "パスを確認してください。",
}


QUOTE_LIMIT = 50


def shown(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value as a message quotes it: blank for nothing (never "None"), at most `limit` characters and …."""
    if value is None or (isinstance(value, float) and value != value):
        return "（空欄）"
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


def os_reason(exc: OSError) -> str:
    """An operating-system error in Japanese (the English strerror means nothing to staff)."""
    return _OS_REASONS.get(exc.errno, f"OS のエラー {exc.errno}" if exc.errno else type(exc).__name__)


def from_os_error(exc: OSError) -> KaikakuError:
    """A KaikakuError for an OS error nothing more specific caught: which path, why, and what to do."""
    where = f"「{shown(exc.filename, 80)}」" if exc.filename else ""
    action = _OS_ACTIONS.get(exc.errno, "書き込み権限・空き容量・パスを確認し、もう一度実行してください。")
    return KaikakuError(
        f"{where}を扱えませんでした（{os_reason(exc)}）。ファイルは変更されていません。{action}"
    )
