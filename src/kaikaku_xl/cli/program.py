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
from kaikaku_xl.cli.commands import (
    cmd_close_year,
    cmd_collect,
    cmd_distribute,
    cmd_export,
    cmd_init,
    cmd_plan,
    cmd_refresh,
    cmd_reopen_year,
    cmd_report,
    cmd_revise,
    cmd_serve,
    cmd_status,
    cmd_validate,
)
from kaikaku_xl.errors import EXIT_BUG, EXIT_FAILED, KaikakuError, from_os_error

EXIT_BROKEN_PIPE = 128 + 13  # what a Unix tool stopped by SIGPIPE reports (kaikaku report | head)


def build_parser() -> argparse.ArgumentParser:
    common = (
        common_options()
    )  # -v, --debug, -q: before the command's name and after it (kaikaku refresh -q PATH)
    parser = JapaneseParser(
        prog="kaikaku",
        description="行革・DX推進計画 マスターワークブックの作成・更新・検証・出力",
        parents=[common],
        fills=COMMON_DEFAULTS,
    )
    version_option(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="コマンド")

    p = sub.add_parser(
        "plan",
        parents=[common],
        help="計画（同梱または --plan）を表示。plan template PATH.xlsx で記入用の計画ワークブックを作成",
    )
    p.add_argument(
        "action",
        nargs="?",
        help="template: 記入用の計画ワークブックを作成（--plan があればその計画を書き出す）",
    )
    p.add_argument("path", nargs="?", help="template で作成するファイル（.xlsx）")
    p.add_argument(
        "--plan", help="計画ファイル（計画ワークブック .xlsx または TOML）。省略時は同梱の小美玉市の計画"
    )
    p.add_argument("--json", action="store_true", help="JSON で出力（機械可読）")
    p.add_argument("--force", action="store_true", help="template: 既存のファイルを上書き")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("init", parents=[common], help="新しいマスターワークブックを作成して更新")
    p.add_argument("path", help="作成するマスターワークブック（.xlsx、--xlsm のときは .xlsm）")
    p.add_argument(
        "--plan", help="計画ファイル（計画ワークブック .xlsx または TOML）。省略時は同梱の小美玉市の計画"
    )
    p.add_argument("--sample", action="store_true", help="架空のサンプル実績を入れる")
    p.add_argument("--xlsm", action="store_true", help="更新ボタン付きのマクロ有効ブック（.xlsm）を作成")
    p.add_argument("--force", action="store_true", help="既存のファイルを上書き")
    p.add_argument(
        "--no-protect",
        action="store_true",
        help="出力シートを保護しない（Office.js・xlwings Server で使うブック用）",
    )
    p.add_argument("--now", help="記録する日時（ISO 形式、再現用）")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("refresh", parents=[common], help="入力を読み、評価・財政効果額・集計を書き込む")
    p.add_argument("path", help="マスターワークブック（.xlsx / .xlsm）")
    p.add_argument("--now", help="記録する日時（ISO 形式、再現用）")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("validate", parents=[common], help="入力の問題を一覧（エラーがあれば終了コード 1）")
    p.add_argument("path", help="マスターワークブック（.xlsx / .xlsm）")
    p.add_argument("--json", action="store_true", help="JSON で出力（機械可読）")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("report", parents=[common], help="評価結果を表示（--json で機械可読）")
    p.add_argument("path", help="マスターワークブック（.xlsx / .xlsm）")
    p.add_argument("--json", action="store_true", help="JSON で出力（機械可読）")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "export", parents=[common], help="懇談会資料（PDF・xlsx・HTML・オープンデータCSV）を書き出す"
    )
    p.add_argument("path", help="マスターワークブック（.xlsx / .xlsm）")
    p.add_argument("--out", required=True, help="書き出すフォルダー")
    p.add_argument("--year", type=int, help="評価年度（省略時は設定シートの値）")
    p.add_argument("--now", help="資料の作成日時（ISO 形式、再現用）")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "distribute", parents=[common], help="主要担当課ごとの実績報告ファイルを作成し、配布を記録"
    )
    p.add_argument("path", help="マスターワークブック（.xlsx / .xlsm）")
    p.add_argument("--out", required=True, help="配布用ファイルを書き出すフォルダー")
    p.add_argument("--year", type=int, help="集める年度（省略時は設定シートの評価年度）")
    p.add_argument("--due", help="提出期限（YYYY-MM-DD）")
    p.add_argument("--contact", help="問い合わせ先（記入方法シートに表示）")
    p.add_argument("--force", action="store_true", help="フォルダーにある同名のファイルを上書き")
    p.add_argument("--now", help="記録する日時（ISO 形式、再現用）")
    p.set_defaults(func=cmd_distribute)

    p = sub.add_parser(
        "collect", parents=[common], help="返送されたファイルをマスターに取り込む（競合・拒否は報告）"
    )
    p.add_argument("path", help="マスターワークブック（.xlsx / .xlsm）")
    p.add_argument("files", nargs="+", help="返送されたファイルまたはフォルダー")
    p.add_argument(
        "--prefer",
        choices=("master", "returned"),
        default="master",
        help="競合したとき残す値（既定: master）",
    )
    p.add_argument("--json", action="store_true", help="JSON で出力（機械可読）")
    p.add_argument("--now", help="記録する日時（ISO 形式、再現用）")
    p.set_defaults(func=cmd_collect)

    p = sub.add_parser("status", parents=[common], help="担当課ごとの配布・回収・未入力・記述の不足")
    p.add_argument("path", help="マスターワークブック（.xlsx / .xlsm）")
    p.add_argument("--year", type=int, help="年度（省略時は設定シートの評価年度）")
    p.add_argument("--json", action="store_true", help="JSON で出力（機械可読）")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "close-year", parents=[common], help="年度の結果と入力を記録し、その年度の入力セルをロック"
    )
    p.add_argument("path", help="マスターワークブック（.xlsx / .xlsm）")
    p.add_argument("--year", type=int, required=True, help="年度（西暦）")
    p.add_argument("--now", help="記録する日時（ISO 形式、再現用）")
    p.set_defaults(func=cmd_close_year)

    p = sub.add_parser("reopen-year", parents=[common], help="年度の締めを解除（理由を変更履歴に記録）")
    p.add_argument("path", help="マスターワークブック（.xlsx / .xlsm）")
    p.add_argument("--year", type=int, required=True, help="年度（西暦）")
    p.add_argument("--reason", required=True, help="解除する理由")
    p.add_argument("--now", help="記録する日時（ISO 形式、再現用）")
    p.set_defaults(func=cmd_reopen_year)

    p = sub.add_parser(
        "revise", parents=[common], help="計画の見直し（目標値・基準値の変更、取組の追加・終了）を記録"
    )
    p.add_argument("path", help="マスターワークブック（.xlsx / .xlsm）")
    p.add_argument("--measure", help="見直す指標の ID（例: 3-1）")
    p.add_argument("--target", type=float, help="新しい目標値（--measure と）")
    p.add_argument("--baseline", type=float, help="新しい基準値（--measure と）")
    p.add_argument("--item", help="追加・終了する取組項目の No")
    p.add_argument("--add", action="store_true", help="取組を追加（--item と。適用開始年度より前は対象外）")
    p.add_argument("--end", action="store_true", help="取組を終了（--item と。適用開始年度から対象外）")
    p.add_argument(
        "--from-year", type=int, required=True, help="適用開始年度（西暦）。前の年度は元の値で評価"
    )
    p.add_argument("--reason", required=True, help="見直しの理由（懇談会資料に載ります）")
    p.add_argument("--date", required=True, help="推進本部の決定日（YYYY-MM-DD）")
    p.add_argument("--now", help="記録する日時（ISO 形式、再現用）")
    p.set_defaults(func=cmd_revise)

    p = sub.add_parser(
        "serve",
        parents=[common],
        help="Excel（Office.js）用の xlwings Server を起動（kaikaku-xl[server] が必要）",
    )
    p.add_argument("--host", default="127.0.0.1", help="待ち受けるアドレス（既定: このPCのみ）")
    p.add_argument("--port", type=int, default=8000, help="待ち受けるポート（既定: 8000）")
    p.add_argument("--certfile", help="HTTPS の証明書（PEM）")
    p.add_argument("--keyfile", help="HTTPS の秘密鍵（PEM）")
    p.set_defaults(func=cmd_serve)
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
