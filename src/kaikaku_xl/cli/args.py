"""argparse that speaks Japanese: usage, group titles, help and error texts, and the options every subcommand takes.

argparse writes its own words in English ("usage:", "positional arguments", "options", its error messages).
`JapaneseParser` gives them in Japanese: its formatter titles the usage and groups, `error()` translates the
messages argparse raises (by pattern, for the Python versions we support) and exits with 2, as argparse does.
`common_options()` is the parent parser of the top-level command and of every subcommand (-v, --debug, ...).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Mapping
from datetime import datetime
from typing import NoReturn

from kaikaku_xl import __version__

USAGE = "使い方: "
GROUP_TITLES = {"positional arguments": "引数", "options": "オプション", "optional arguments": "オプション"}
# argparse's messages (Lib/argparse.py) and their Japanese; %s parts are kept in order.
MESSAGES: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.+)", r"次の引数が必要です: \1"),
    (r"unrecognized arguments: (.+)", r"使えない引数です: \1"),
    (
        r"argument (.+?): invalid choice: (.+?) \(choose from (.+)\)",
        r"引数 \1: \2 は選べません（選択肢: \3）",
    ),
    (r"argument (.+?): invalid (\S+) value: (.+)", r"引数 \1: \3 は \2 の値になっていません"),
    (r"argument (.+?): expected one argument", r"引数 \1: 値を1つ指定してください"),
    (r"argument (.+?): expected at most one argument", r"引数 \1: 値は1つまでです"),
    (r"argument (.+?): expected at least one argument", r"引数 \1: 値を1つ以上指定してください"),
    (r"argument (.+?): expected (\d+) arguments?", r"引数 \1: 値を \2 個指定してください"),
    (r"argument (.+?): not allowed with argument (.+)", r"引数 \1 は \2 と一緒に使えません"),
    (r"argument (.+?): ignored explicit argument (.+)", r"引数 \1: 値 \2 は指定できません"),
    (r"ambiguous option: (.+?) could match (.+)", r"オプション \1 があいまいです（候補: \2）"),
    (r"one of the arguments (.+) is required", r"\1 のどれかが必要です"),
    (
        r"argument (.+?): (.+)",
        r"引数 \1: \2",
    ),  # a value our own type refused (now_value): its message is Japanese
)

NOW_FORMAT = "--now は 2027-04-30T09:00 の形式で指定してください"


def now_value(text: str) -> str:
    """--now as typed, once it reads as a local date and time (2027-04-30T09:00, or a date alone)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"「{text}」は日時として読めません。{NOW_FORMAT}。") from None
    if moment.tzinfo is not None:
        raise argparse.ArgumentTypeError(
            f"「{text}」には時差が付いています。{NOW_FORMAT}（日本時間で、時差なし）。"
        )
    return text


TYPE_NAMES = {"int": "整数", "float": "数値"}


def translate(message: str) -> str:
    """argparse's English message in Japanese (unknown messages as they are)."""
    for pattern, japanese in MESSAGES:
        if re.fullmatch(pattern, message):
            text = re.sub(pattern, japanese, message)
            for english, name in TYPE_NAMES.items():
                text = text.replace(f" は {english} の値", f" は{name}")
            return text
    return message


class JapaneseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001, ANN201 (argparse's signature)
        return super().add_usage(usage, actions, groups, USAGE if prefix is None else prefix)

    def start_section(self, heading):  # noqa: ANN001, ANN201
        return super().start_section(GROUP_TITLES.get(heading, heading) if heading else heading)


class JapaneseParser(argparse.ArgumentParser):
    """fills: values for options no parser set (the common options have no defaults of their own, see below);
    with_help=False: no -h of its own (a parent parser, whose children add theirs)."""

    def __init__(
        self,
        *args,  # noqa: ANN002 (argparse's)
        fills: Mapping[str, object] | None = None,
        with_help: bool = True,
        **kwargs,  # noqa: ANN003
    ) -> None:
        kwargs.setdefault("formatter_class", JapaneseHelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self.fills = fills or {}
        if with_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help="この説明を表示して終了"
            )

    def parse_known_args(self, args=None, namespace=None):  # noqa: ANN001, ANN201 (argparse's signature)
        namespace, extras = super().parse_known_args(args, namespace)
        for key, value in self.fills.items():
            if not hasattr(namespace, key):
                setattr(namespace, key, value)
        return namespace, extras

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: エラー: {translate(message)}\n")


def common_options() -> JapaneseParser:
    """The options of every subcommand, as a parent parser. Defaults are SUPPRESS so that a subcommand never
    overwrites what was given before its name (kaikaku --debug refresh ...); the top-level parser fills in
    COMMON_DEFAULTS afterwards. (Not set_defaults: parents share their action objects with every parser.)"""
    common = JapaneseParser(with_help=False)
    common.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="処理の経過を表示（-vv でさらに詳しく）",
    )
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="詳しい記録を表示し、予期しないエラーの詳細（トレースバック）も表示",
    )
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="進行状況（標準エラー出力）を表示しない",
    )
    return common


COMMON_DEFAULTS = {"verbose": 0, "debug": False, "quiet": False}


def configure_logging(verbose: int, debug: bool) -> None:
    """The library logs through logging.getLogger(__name__); the command shows it on stderr: warnings always,
    the course of the work with -v, everything with -vv or --debug."""
    level = logging.DEBUG if debug or verbose >= 2 else logging.INFO if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(name)s: %(message)s" if level == logging.DEBUG else "%(message)s")
    )
    root = logging.getLogger("kaikaku_xl")
    root.handlers[:] = [handler]  # main() may run more than once in a process (tests, the Excel doors)
    root.setLevel(level)


def version_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="バージョンを表示して終了"
    )
