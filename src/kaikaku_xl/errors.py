"""The one error family of kaikaku-xl: every failure a user can cause is a KaikakuError with a Japanese message.

`cli.main` catches KaikakuError once and exits with its `exit_code`; the Excel doors show `str(error)` in the
状態 cell. Anything else that escapes is a bug (exit 3, details with --debug).
"""

from __future__ import annotations

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
        lines = [f"・{sheet}!{cell}: {message}" if cell else f"・{sheet}: {message}" for sheet, cell, message in problems]
        super().__init__(f"計画ワークブック {source} に {len(problems)} 件の問題があります。\n" + "\n".join(lines))
