"""The table of `kaikaku` commands: each command's name, help, handler and arguments, in the order `--help`
lists them. program.py builds the parser from it; a new command is one row here and its handler in commands.py.

An argument is what argparse's add_argument takes, typed: a positional, an option with a value, or a flag.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from kaikaku_xl.cli.args import now_value
from kaikaku_xl.cli.commands import (
    cmd_accept,
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
    cmd_send_back,
    cmd_serve,
    cmd_status,
    cmd_upgrade,
    cmd_validate,
)

Handler = Callable[[argparse.Namespace], int]  # the exit code


@dataclass(frozen=True)
class Arg:
    name: str  # "path" (a positional) or "--year" (an option)
    help: str
    action: str | None = None  # "store_true": a flag, which takes no value
    nargs: str | None = None  # "?", "+"
    type: Callable[[str], object] = str  # int, float: what the value is read as
    required: bool = False  # an option that must be given
    default: object = None
    choices: tuple[str, ...] | None = None

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        if self.action is not None:
            parser.add_argument(self.name, action=self.action, help=self.help)
        elif self.name.startswith("-"):
            parser.add_argument(
                self.name,
                nargs=self.nargs,
                type=self.type,
                required=self.required,
                default=self.default,
                choices=self.choices,
                help=self.help,
            )
        else:  # a positional: argparse refuses `required` for it
            parser.add_argument(self.name, nargs=self.nargs, help=self.help)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    handler: Handler
    arguments: tuple[Arg, ...]


# Arguments several commands share, worded once.
MASTER = Arg("path", "マスターワークブック（.xlsx / .xlsm）")
NOW = Arg("--now", "記録する日時（ISO 形式、再現用）", type=now_value)
JSON = Arg("--json", "JSON で出力（機械可読）", action="store_true")
PLAN = Arg("--plan", "計画ファイル（計画ワークブック .xlsx または TOML）。省略時は同梱の小美玉市の計画")
CYCLE_YEAR = Arg("--year", "年度（西暦）", type=int, required=True)


def flag(name: str, help: str) -> Arg:
    return Arg(name, help, action="store_true")


COMMANDS: tuple[Command, ...] = (
    Command(
        "plan",
        "計画（同梱または --plan）を表示。plan template PATH.xlsx で記入用の計画ワークブックを作成",
        cmd_plan,
        (
            Arg(
                "action",
                "template: 記入用の計画ワークブックを作成（--plan があればその計画を書き出す）",
                nargs="?",
            ),
            Arg("path", "template で作成するファイル（.xlsx）", nargs="?"),
            PLAN,
            JSON,
            flag("--force", "template: 既存のファイルを上書き"),
        ),
    ),
    Command(
        "init",
        "新しいマスターワークブックを作成して更新",
        cmd_init,
        (
            Arg("path", "作成するマスターワークブック（.xlsx、--xlsm のときは .xlsm）"),
            PLAN,
            flag("--sample", "架空のサンプル実績を入れる"),
            flag("--xlsm", "更新ボタン付きのマクロ有効ブック（.xlsm）を作成"),
            flag("--force", "既存のファイルを上書き"),
            flag("--no-protect", "出力シートを保護しない（Office.js・xlwings Server で使うブック用）"),
            NOW,
        ),
    ),
    Command("refresh", "入力を読み、評価・財政効果額・集計を書き込む", cmd_refresh, (MASTER, NOW)),
    Command("validate", "入力の問題を一覧（エラーがあれば終了コード 1）", cmd_validate, (MASTER, NOW, JSON)),
    Command("report", "評価結果を表示（--json で機械可読）", cmd_report, (MASTER, JSON)),
    Command(
        "export",
        "懇談会資料（PDF・xlsx・HTML・オープンデータCSV）を書き出す",
        cmd_export,
        (
            MASTER,
            Arg("--out", "書き出すフォルダー", required=True),
            Arg("--year", "評価年度（省略時は設定シートの値）", type=int),
            Arg("--now", "資料の作成日時（ISO 形式、再現用）", type=now_value),
        ),
    ),
    Command(
        "distribute",
        "主要担当課ごとの実績報告ファイルを作成し、配布を記録",
        cmd_distribute,
        (
            MASTER,
            Arg("--out", "配布用ファイルを書き出すフォルダー", required=True),
            Arg("--year", "集める年度（省略時は設定シートの評価年度）", type=int),
            Arg("--due", "提出期限（YYYY-MM-DD）"),
            Arg("--contact", "問い合わせ先（記入方法シートに表示）"),
            Arg("--department", "この主要担当課だけに配布し直す（差し戻した課など）"),
            flag("--force", "フォルダーにある同名のファイルを上書き"),
            NOW,
        ),
    ),
    Command(
        "collect",
        "返送されたファイルをマスターに取り込む（競合・拒否は報告）",
        cmd_collect,
        (
            MASTER,
            Arg("files", "返送されたファイルまたはフォルダー", nargs="+"),
            Arg(
                "--prefer",
                "競合したとき残す値（既定: master）",
                default="master",
                choices=("master", "returned"),
            ),
            JSON,
            NOW,
        ),
    ),
    Command(
        "status",
        "担当課ごとの配布・提出期限・回収・未入力・記述の不足・対象外の提案",
        cmd_status,
        (
            MASTER,
            Arg("--year", "年度（省略時は設定シートの評価年度）", type=int),
            JSON,
            Arg("--now", "期限超過を判定する日時（ISO 形式。省略時は現在）"),
        ),
    ),
    Command(
        "accept",
        "担当課の返送内容を確認済み（確定）にする（確定記録と変更履歴に記録）",
        cmd_accept,
        (
            MASTER,
            Arg("--department", "主要担当課", required=True),
            Arg("--year", "年度（省略時は設定シートの評価年度）", type=int),
            NOW,
        ),
    ),
    Command(
        "send-back",
        "担当課の返送内容を差し戻す（理由は次の配布ファイルの記入方法シートに表示）",
        cmd_send_back,
        (
            MASTER,
            Arg("--department", "主要担当課", required=True),
            Arg("--reason", "差し戻す理由", required=True),
            Arg("--year", "年度（省略時は設定シートの評価年度）", type=int),
            NOW,
        ),
    ),
    Command(
        "close-year",
        "年度の結果と入力を記録し、その年度の入力セルをロック（未入力があれば一覧して中止）。推進本部の確認日も記録",
        cmd_close_year,
        (
            MASTER,
            CYCLE_YEAR,
            Arg("--reason", "未入力のまま締める理由（締めた年度と変更履歴に記録）"),
            Arg(
                "--decided-on",
                "推進本部が確認した日（例: 2027-06-15。資料に「推進本部にて確認」と印字。締めた年度には確認だけを記録）",
            ),
            Arg("--meeting", "推進本部の会議名（例: 令和9年度第1回行財政改革推進本部会議。--decided-on と）"),
            NOW,
        ),
    ),
    Command(
        "reopen-year",
        "年度の締めを解除（理由を変更履歴に記録）",
        cmd_reopen_year,
        (MASTER, CYCLE_YEAR, Arg("--reason", "解除する理由", required=True), NOW),
    ),
    Command(
        "upgrade",
        "以前の版で作成したマスターに、この版の表・列・入力規則などを追加（入力はそのまま、バックアップを作成）",
        cmd_upgrade,
        (MASTER, flag("--dry-run", "変更する内容を一覧するだけで、マスターは変更しない"), NOW),
    ),
    Command(
        "revise",
        "計画の見直し（目標値・基準値の変更、取組の追加・終了・その年度の対象外）を記録",
        cmd_revise,
        (
            MASTER,
            Arg("--measure", "見直す指標の ID（例: 3-1）"),
            Arg("--target", "新しい目標値（--measure と）", type=float),
            Arg("--baseline", "新しい基準値（--measure と）", type=float),
            Arg("--item", "追加・終了する取組項目の No"),
            flag("--add", "取組を追加（--item と。適用開始年度より前は対象外）"),
            flag("--end", "取組を終了（--item と。適用開始年度から対象外）"),
            flag(
                "--exclude",
                "取組をその年度だけ対象外にする（--item と --from-year。担当課の対象外の提案を推進本部が認めたとき）",
            ),
            Arg("--from-year", "適用開始年度（西暦）。前の年度は元の値で評価", type=int, required=True),
            Arg("--reason", "見直しの理由（懇談会資料に載ります）", required=True),
            Arg("--date", "推進本部の決定日（YYYY-MM-DD）", required=True),
            NOW,
        ),
    ),
    Command(
        "serve",
        "Excel（Office.js）用の xlwings Server を起動（kaikaku-xl[server] が必要）",
        cmd_serve,
        (
            Arg("--host", "待ち受けるアドレス（既定: このPCのみ）", default="127.0.0.1"),
            Arg("--port", "待ち受けるポート（既定: 8000）", type=int, default=8000),
            Arg("--certfile", "HTTPS の証明書（PEM）"),
            Arg("--keyfile", "HTTPS の秘密鍵（PEM）"),
        ),
    ),
)
