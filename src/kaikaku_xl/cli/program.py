"""The `kaikaku` command: init, refresh, validate, report, export, plan, and the yearly cycle. Messages for staff are Japanese."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from kaikaku_xl.cli.args import (
    COMMON_DEFAULTS,
    JapaneseParser,
    common_options,
    configure_logging,
    version_option,
)
from kaikaku_xl.cli.table import COMMANDS
from kaikaku_xl.errors import EXIT_BUG, EXIT_FAILED, KaikakuError, from_os_error

EXIT_BROKEN_PIPE = 128 + 13  # what a Unix tool stopped by SIGPIPE reports (kaikaku report | head)


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command in the table (cli/table.py), in its order."""
    # -v, --debug, -q: before the command's name and after it (kaikaku refresh -q PATH)
    common = common_options()
    parser = JapaneseParser(
        prog="kaikaku",
        description="行革・DX推進計画 マスターワークブックの作成・更新・検証・出力",
        parents=[common],
        fills=COMMON_DEFAULTS,
    )
    version_option(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="コマンド")
    for command in COMMANDS:
        p = sub.add_parser(command.name, parents=[common], help=command.help)
        for argument in command.arguments:
            argument.add_to(p)
        p.set_defaults(func=command.handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose, args.debug)
    try:
        code = args.func(args)
        sys.stdout.flush()  # a reader that went away shows here, not in the interpreter's exit
        return code
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except KaikakuError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a path the user gave that the system refuses: say why in Japanese
        if args.debug:
            raise
        error = from_os_error(exc)
        print(f"エラー: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("中断しました。ファイルは変更されていません。", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # a bug: say so plainly, keep the file untouched, details only on request
        if args.debug:
            raise
        print(
            f"予期しないエラーが発生しました（{type(exc).__name__}: {exc}）。ファイルは変更されていません。"
            "--debug を付けて再実行し、表示を担当者に伝えてください。",
            file=sys.stderr,
        )
        return EXIT_BUG


def _quiet_broken_pipe() -> int:
    """The reader of the output closed the pipe: stop without a message, as command-line tools do."""
    try:  # point stdout at the null device so Python's own flush at exit does not fail on the pipe again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (a test's capture): nothing left to flush there
        pass
    return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    raise SystemExit(main())
