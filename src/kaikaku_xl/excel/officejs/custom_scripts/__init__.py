"""kaikaku-xl's scripts for xlwings Server (Office.js): the same macros as the 更新 button of the .xlsm."""

from kaikaku_xl.excel.macros import export, refresh, run_action, validate

__all__ = ["export", "refresh", "run_action", "validate"]
