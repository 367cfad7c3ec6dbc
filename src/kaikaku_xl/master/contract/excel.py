"""The Excel front door (.xlsm): the 操作 sheet, the defined names the macros read, xlwings.conf: part of the
contract (the package face hands every name on)."""

from __future__ import annotations

from dataclasses import dataclass

# ---- the Excel front door (.xlsm): the 操作 sheet, the defined names the macros read, xlwings.conf ----------
SHEET_ACTIONS = "操作"

ACTION_REFRESH, ACTION_VALIDATE, ACTION_EXPORT = "更新", "検証", "出力"
ACTION_DISTRIBUTE, ACTION_COLLECT = "配布", "回収"  # the yearly cycle; folders from the 設定 sheet
# the coordinator's check of one department's return, the department (and a send-back's reason) from cells
ACTION_ACCEPT, ACTION_SEND_BACK = "確定", "差戻し"
ACTIONS = (
    ACTION_REFRESH,
    ACTION_VALIDATE,
    ACTION_EXPORT,
    ACTION_DISTRIBUTE,
    ACTION_COLLECT,
    ACTION_ACCEPT,
    ACTION_SEND_BACK,
)
# What each action does, as the 操作 sheet explains it under its dropdown (one line per action, in ACTIONS' order).
ACTION_HELP = {
    ACTION_REFRESH: "入力（実績・進捗状況・効果額台帳・設定）を読み、評価・財政効果額・集計の各シートを作り直します。",
    ACTION_VALIDATE: "入力の誤り（数値でない実績、計画にない No など）を「問題点」シートに一覧します。計算結果は変えません。",
    ACTION_EXPORT: "懇談会資料（PDF・Excel・HTML）とオープンデータ（CSV）を、出力先フォルダに書き出します。",
    ACTION_DISTRIBUTE: "主要担当課ごとの実績報告ファイルを、設定シートの配布フォルダーに作ります（評価年度の分）。",
    ACTION_COLLECT: "設定シートの回収フォルダーにある返送ファイルを取り込みます。取り込んだ値は「変更履歴」シートに残ります。",
    ACTION_ACCEPT: "「課名」の担当課の返送内容を確認済み（確定）にします。全課の確定が年度を締める条件です。",
    ACTION_SEND_BACK: "「課名」の担当課の返送内容を「差戻しの理由」を付けて差し戻します。理由は次の配布ファイルの記入方法シートに載ります。",
}

# Workbook-scoped defined names: the contract between the 操作 sheet and the macros (cells may move).
NAME_ACTION = "kaikaku_action"
NAME_STATUS = "kaikaku_status"
NAME_EXPORT_DIR = "kaikaku_export_dir"
NAME_DEPARTMENT, NAME_REASON = "kaikaku_department", "kaikaku_reason"  # 確定 / 差戻し: which department, why
# Names the builder sets for formulas staff write (the plan, its city code, whether the inputs are a sample).
NAME_PLAN, NAME_CITY_CODE, NAME_SAMPLE = "kaikaku_plan", "kaikaku_city_code", "kaikaku_sample"
DEFAULT_EXPORT_DIR = "出力"  # relative to the workbook's folder


@dataclass(frozen=True)
class ActionCells:
    """Where the 操作 sheet keeps its cells (A1 addresses)."""

    action: str = "B4"
    status: str = "B6"
    export_dir: str = "B8"
    department: str = "B10"  # 確定 / 差戻し: the 主要担当課
    reason: str = "B11"  # 差戻し: the reason its next file shows
    button: str = "D4"  # top-left cell of the 更新 button


ACTION_CELLS = ActionCells()

# xlwings (classic): the VBA reads its settings from a sheet of this exact name, keys from A1 downwards.
CONF_SHEET = "xlwings.conf"
UDF_MODULE = "kaikaku_udfs"
BUTTON_MACRO = "SampleCall"  # Module1.SampleCall of xlwings' quickstart_standalone.xlsm
BUTTON_CAPTION = "更新"
TEMPLATE = "quickstart_standalone.xlsm"
